/**
 * Generates a standalone TypeScript predictor (`predict.ts`) from a fitted model: one file with no
 * imports that reads raw CSV rows the way the library does, applies the model's preprocessing and
 * the model itself, and gives the library's predictions — equal, not approximately equal, because
 * every embedded number round-trips exactly and every floating-point operation is done in the
 * library's order.
 */
import { OuroborosError } from "../../core/errors.js";
import { DEFAULT_MISSING_TOKENS } from "../../data/csv.js";
import type { ColumnReport } from "../../data/schema-inference.js";
import type { ColumnSchema } from "../../data/table.js";
import type { Model } from "../../learners/learner.js";
import { constantCodegen } from "./constant.js";
import type { CodegenContext, ModelCodegen } from "./context.js";
import { commentSafe, str, stringArrayLiteral, wrap } from "./emit.js";
import { bagCodegen } from "./bag.js";
import { ensembleCodegen } from "./ensemble.js";
import { knnCodegen } from "./knn.js";
import { linearCodegen } from "./linear.js";
import { mlpCodegen } from "./mlp.js";
import { naiveBayesCodegen } from "./naive-bayes.js";
import { rowReaderSource, type ReaderColumn } from "./row-reader.js";
import { forestCodegen, gbdtCodegen } from "./trees.js";

/** Options of {@link generatePredictModule}. */
export interface PredictModuleOptions {
  /** The target column's name (metadata and header only). */
  readonly target?: string;
  /**
   * The training CSV's column reports (`loadCsvDataset(...).schema`). When given, every model
   * feature must be in it with the same semantic type, and the columns the model ignores are listed
   * in the header. Default: the model's own feature schema alone.
   */
  readonly schema?: readonly ColumnReport[];
  /** Cells read as missing after trimming. Default `""`, `NA`, `?` (the CSV reader's default). */
  readonly missingTokens?: readonly string[];
  /** SHA-256 (or other digest) of the training data, written into the header. */
  readonly dataDigest?: string;
  /** Generation date for the header. Default now. */
  readonly date?: Date;
  /**
   * Above this many embedded numbers (a kNN training matrix, a large network) a warning is
   * recorded in the header and passed to `onWarning`. Default 1 000 000.
   */
  readonly maxEmbeddedValues?: number;
  /** Receives each warning (they are also written into the header). */
  readonly onWarning?: (message: string) => void;
}

const generators = new Map<string, ModelCodegen>();

/** Adds (or replaces) the code generator of a model kind. */
export function registerCodegen(kind: string, generator: ModelCodegen): void {
  generators.set(kind, generator);
}

/** Model kinds with a code generator, sorted. */
export function codegenKinds(): string[] {
  return [...generators.keys()].sort();
}

class ModuleBuilder implements CodegenContext {
  readonly numeric: ReaderColumn[] = [];
  readonly categorical: ReaderColumn[] = [];
  private readonly slots = new Map<string, { readonly column: ReaderColumn; readonly slot: number }>();
  private readonly constants = new Map<string, string>();
  private readonly constantDecls: string[] = [];
  private readonly helpers = new Map<string, string>();
  private readonly declarations: string[] = [];
  private readonly names = new Set<string>();
  readonly warnings: string[] = [];
  embedded = 0;

  constructor(private readonly onWarning: ((message: string) => void) | undefined) {}

  column(s: ColumnSchema): number {
    const known = this.slots.get(s.name);
    if (known !== undefined) {
      if (known.column.kind !== s.kind || known.column.semantic !== s.semantic) {
        throw new OuroborosError("invalid-argument", `codegen: column "${s.name}" is ${known.column.semantic} in one model and ${s.semantic} in another; ensemble members must read the same columns the same way`);
      }
      return known.slot;
    }
    const column: ReaderColumn = { name: s.name, kind: s.kind, semantic: s.semantic };
    const list = s.kind === "numeric" ? this.numeric : this.categorical;
    list.push(column);
    this.slots.set(s.name, { column, slot: list.length - 1 });
    return list.length - 1;
  }

  constant(hint: string, type: string, expression: string): string {
    const key = `${type}\u0000${expression}`;
    const have = this.constants.get(key);
    if (have !== undefined) return have;
    const name = this.fresh(hint);
    this.constants.set(key, name);
    this.constantDecls.push(`const ${name}: ${type} = ${expression};`);
    this.embedded += (expression.match(/,/g) ?? []).length;
    return name;
  }

  categoryIndex(categories: readonly string[]): string {
    const entries = categories.map((c, i) => `[${str(c)}, ${i}]`);
    const expr = entries.length === 0 ? "new Map<string, number>()" : `new Map<string, number>([\n${wrap(entries)}\n])`;
    return this.constant("CATEGORIES", "ReadonlyMap<string, number>", expr);
  }

  helper(name: string, source: string): void {
    if (!this.helpers.has(name)) this.helpers.set(name, source);
  }

  fresh(prefix: string): string {
    for (let i = 0; ; i++) {
      const name = `${prefix}${i}`;
      if (!this.names.has(name)) {
        this.names.add(name);
        return name;
      }
    }
  }

  declare(source: string): void {
    this.declarations.push(source);
  }

  model(model: Model): string {
    const generate = generators.get(model.kind);
    if (generate === undefined) {
      throw new OuroborosError("unsupported", `codegen: cannot generate a standalone predictor for a model of kind "${model.kind}"; supported kinds: ${codegenKinds().join(", ")}`);
    }
    return generate(model, this);
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.onWarning?.(message);
  }

  body(): string {
    return [...this.constantDecls, ...this.helpers.values(), ...this.declarations].join("\n\n");
  }
}

/** Class names of a model's predictions (empty for regression): its own, its first member's, or its artifact's. */
function classesOf(model: Model): readonly string[] {
  const c = (model as { classes?: unknown }).classes;
  if (Array.isArray(c)) return c as string[];
  const members = (model as { members?: unknown }).members;
  if (Array.isArray(members) && members.length > 0) return classesOf(members[0] as Model);
  const state = model.save().state as { classes?: unknown } | null;
  return state !== null && typeof state === "object" && Array.isArray(state.classes) ? (state.classes as string[]) : [];
}

/**
 * The source of a self-contained TypeScript module (no imports) that predicts like `model`.
 *
 * The module exports `predict(row)` for one raw row (a record from column name to the cell as
 * `csv-parse` gives it — a string — or a number, boolean, null or undefined), `predictBatch(rows)`,
 * and the metadata `task`, `target`, `classes` and `features` (name and semantic type of each column
 * read). A classifier's prediction is `{label, probabilities}` (the label with the highest
 * probability, the first on ties); a regressor's is `{value}`. Inside, the row is typed as the
 * training CSV was (see `row-reader.ts`), then each model's generator writes its preprocessing and
 * its prediction as loops over embedded typed arrays, reproducing the library's arithmetic in the
 * library's order.
 *
 * Supported kinds come from the generator registry ({@link registerCodegen}); any other kind is an
 * `unsupported` error naming the kinds that are supported.
 */
export function generatePredictModule(model: Model, options: PredictModuleOptions = {}): string {
  const b = new ModuleBuilder(options.onWarning);
  const root = b.model(model);
  const task = model.task;
  const classes = task === "regression" ? [] : classesOf(model);
  if (task !== "regression" && classes.length === 0) throw new OuroborosError("invalid-argument", `codegen: the ${model.kind} model predicts a ${task} target but names no classes`);

  const columns = [...b.numeric, ...b.categorical];
  const ignored: string[] = [];
  if (options.schema !== undefined) {
    for (const c of columns) {
      const r = options.schema.find((s) => s.name === c.name);
      if (r === undefined) throw new OuroborosError("invalid-argument", `codegen: the model reads column "${c.name}", which is not in the given schema (columns: ${options.schema.map((s) => s.name).join(", ")})`);
      if (r.semantic !== c.semantic) throw new OuroborosError("invalid-argument", `codegen: column "${c.name}" is ${c.semantic} in the model but ${r.semantic} in the given schema`);
    }
    for (const s of options.schema) if (s.name !== options.target && !columns.some((c) => c.name === s.name)) ignored.push(s.name);
  }
  const limit = options.maxEmbeddedValues ?? 1_000_000;
  if (b.embedded > limit) b.warn(`the module embeds about ${b.embedded} numbers (more than ${limit}); it will be large and slow to load — consider a model that does not store its training data`);

  const date = (options.date ?? new Date()).toISOString();
  const header = [
    "/**",
    ` * Standalone predictor: a ${model.kind} model for a ${task} target${options.target === undefined ? "" : ` ("${commentSafe(options.target)}")`}.`,
    " * Generated by Ouroboros — do not edit.",
    ` * Generated: ${date}`,
    ...(options.dataDigest === undefined ? [] : [` * Training data digest: ${commentSafe(options.dataDigest)}`]),
    ` * Reads ${columns.length} column(s): ${commentSafe(columns.map((c) => c.name).join(", "))}.`,
    ...(ignored.length === 0 ? [] : [` * Ignores: ${commentSafe(ignored.join(", "))}.`]),
    ...b.warnings.map((w) => ` * WARNING: ${commentSafe(w)}`),
    " *",
    " * `predict(row)` takes one raw row (column name → cell as read from the CSV: a string, or a",
    " * number / boolean / null); missing cells, missing keys and categories unseen in training are",
    " * treated as the library treats them. No imports, no dependencies.",
    " */",
  ].join("\n");

  const predictionType =
    task === "regression"
      ? "/** A regression prediction. */\nexport interface Prediction {\n  readonly value: number;\n}"
      : "/** A class prediction: the most probable label and every class's probability. */\nexport interface Prediction {\n  readonly label: string;\n  readonly probabilities: Record<string, number>;\n}";
  const predictBody =
    task === "regression"
      ? `  return { value: ${root}(readRow(row))[0]! };`
      : `  const p = ${root}(readRow(row));
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  return { label: classes[best]!, probabilities: Object.fromEntries(classes.map((c, k) => [c, p[k]!])) };`;

  return `${header}

/** A raw cell: CSV text, or an already typed value; null/undefined = missing. */
export type Cell = string | number | boolean | null | undefined;
/** A raw row: column name → cell. Columns the model does not read are ignored. */
export type Row = Readonly<Record<string, Cell>>;
${predictionType}

/** The learning task. */
export const task = ${str(task)};
/** The target column. */
export const target: string | null = ${options.target === undefined ? "null" : str(options.target)};
/** Class names, in the order of the probabilities (empty for regression). */
export const classes: readonly string[] = ${stringArrayLiteral(classes)};
/** The columns read, with the type each was read as in training. */
export const features: readonly { readonly name: string; readonly type: string }[] = [${columns.length === 0 ? "" : `\n${wrap(columns.map((c) => `{ name: ${str(c.name)}, type: ${str(c.semantic)} }`))}\n`}];

/** A typed row: numeric cells (NaN = missing) and categorical labels (null = missing). */
interface Cells {
  readonly num: Float64Array;
  readonly cat: readonly (string | null)[];
}

${rowReaderSource(b.numeric, b.categorical, options.missingTokens ?? DEFAULT_MISSING_TOKENS)}

${b.body()}

/** Predicts one raw row. */
export function predict(row: Row): Prediction {
${predictBody}
}

/** Predicts many raw rows. */
export function predictBatch(rows: readonly Row[]): Prediction[] {
  return rows.map(predict);
}
`;
}

registerCodegen("constant", constantCodegen);
registerCodegen("linear", linearCodegen);
registerCodegen("knn", knnCodegen);
registerCodegen("naive-bayes", naiveBayesCodegen);
registerCodegen("mlp", mlpCodegen);
registerCodegen("gbdt", gbdtCodegen);
registerCodegen("random-forest", forestCodegen);
registerCodegen("extra-trees", forestCodegen);
registerCodegen("ensemble", ensembleCodegen);
registerCodegen("bag", bagCodegen);
