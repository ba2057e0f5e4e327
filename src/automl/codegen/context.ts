/**
 * The contract between the module assembler ({@link generatePredictModule}) and the per-kind code
 * generators: a generator receives a fitted model and a {@link CodegenContext}, declares what it
 * needs (columns, constants, helper functions, one model function) and returns the name of its model
 * function. Generators never write a whole module, so an ensemble can place its members' code in the
 * same file and new model kinds plug in with one registry entry.
 *
 * The generated model function has the signature `(x: Cells) => Float64Array`: `x.num[i]` holds the
 * typed numeric cells (NaN = missing) and `x.cat[i]` the categorical labels (null = missing) in the
 * column order the context hands out; the result is the library's prediction row: K class
 * probabilities, or one regression value.
 *
 * @see generatePredictModule
 */
import type { ColumnSchema } from "../../data/table.js";
import type { Model } from "../../learners/learner.js";

/** What a generator may ask of the module being built. */
export interface CodegenContext {
  /**
   * The slot of a training column in the typed row: an index into `x.num` for numeric columns,
   * into `x.cat` for categorical ones. Registers the column (with its semantic type, which decides
   * how a raw cell is read) on first use; the same name with another type is an error.
   */
  column(schema: ColumnSchema): number;
  /**
   * A module-level constant: returns the name of `const <name>: <type> = <expression>;`, reusing an
   * existing constant with the same type and expression (members of an ensemble share category maps).
   */
  constant(hint: string, type: string, expression: string): string;
  /** The name of a `ReadonlyMap<string, number>` from each label to its index in `categories`. */
  categoryIndex(categories: readonly string[]): string;
  /** Adds a helper function (or other declaration) once; later calls with the same name are ignored. */
  helper(name: string, source: string): void;
  /** A fresh identifier starting with `prefix`. */
  fresh(prefix: string): string;
  /** Adds a top-level declaration (a model function) in order. */
  declare(source: string): void;
  /** Generates another model (an ensemble member) into the same module; returns its function name. */
  model(model: Model): string;
  /** Records a warning (also written into the module header). */
  warn(message: string): void;
}

/** Turns one model kind into code; returns the name of the declared model function. */
export type ModelCodegen = (model: Model, ctx: CodegenContext) => string;
