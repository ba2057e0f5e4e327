/**
 * The contract of a preprocessing step. A {@link Transform} holds hyperparameters only; `fit` learns
 * state from training rows and returns a {@link FittedTransform}, whose `transform` applies that
 * state to any table (training, validation, new data) without changing it. The fitted state is plain
 * JSON, so `{kind, params, state}` saves a fitted step and `loadTransform` (in `registry.ts`) brings
 * it back with identical output.
 *
 * Call order: `fit` (or `fitTransform`) once on training rows, then `transform` any number of times,
 * from any number of callers: fitted transforms are immutable. Transforms work on columns by name and
 * pass every other column through untouched, in place.
 */
import type { JsonValue } from "../../core/json.js";
import { OuroborosError } from "../../core/errors.js";
import type { Target } from "../dataset.js";
import { MISSING_CODE, type CategoricalColumn, type Column, type Table } from "../table.js";

/** A fitted step: its state and the function that applies it. */
export interface FittedTransform {
  readonly kind: string;
  readonly params: JsonValue;
  /** Everything learned in `fit`, as JSON. */
  readonly state: JsonValue;
  /** Applies the fitted state; returns a new table and never writes into `table`. */
  transform(table: Table): Table;
}

/** A preprocessing step before fitting: hyperparameters and how to learn state from training rows. */
export interface Transform {
  readonly kind: string;
  readonly params: JsonValue;
  /** Learns state from the training `table` (and `target`, for supervised steps). */
  fit(table: Table, target?: Target): FittedTransform;
  /**
   * Fits and returns the transformed training table. Defaults to `fit` then `transform`; a step that
   * must not show a training row its own target (the target encoder) overrides it.
   */
  fitTransform?(table: Table, target?: Target): { fitted: FittedTransform; output: Table };
}

/** A saved fitted step. */
export interface TransformSpec {
  readonly kind: string;
  readonly params: JsonValue;
  readonly state: JsonValue;
}

/** Fits `step` on training rows and transforms them (out-of-fold where the step requires it). */
export function fitTransform(step: Transform, table: Table, target?: Target): { fitted: FittedTransform; output: Table } {
  if (step.fitTransform !== undefined) return step.fitTransform(table, target);
  const fitted = step.fit(table, target);
  return { fitted, output: fitted.transform(table) };
}

/** The JSON form of a fitted step, for {@link loadTransform}. */
export function transformSpec(fitted: FittedTransform): TransformSpec {
  return { kind: fitted.kind, params: fitted.params, state: fitted.state };
}

/**
 * The columns a step works on: `names` when given (each must exist and have storage `kind` when one
 * is required), else every column of that kind (every column when `kind` is undefined).
 */
export function pickColumns<K extends Column["kind"]>(step: string, table: Table, names: readonly string[] | null, kind: K): Extract<Column, { kind: K }>[];
export function pickColumns(step: string, table: Table, names: readonly string[] | null, kind?: Column["kind"]): Column[];
export function pickColumns(step: string, table: Table, names: readonly string[] | null, kind?: Column["kind"]): Column[] {
  if (names === null) return table.columns.filter((c) => kind === undefined || c.kind === kind);
  return names.map((name) => {
    const c = table.columns.find((col) => col.name === name);
    if (c === undefined) throw new OuroborosError("invalid-data", `${step}: no column "${name}"; the table has ${table.columns.map((col) => col.name).join(", ")}`);
    if (kind !== undefined && c.kind !== kind) throw new OuroborosError("invalid-data", `${step}: column "${name}" must be ${kind}, but it is ${c.kind}`);
    return c;
  });
}

/** The fitted column `name` of `table`, which must have storage `kind`. */
export function fittedColumn<K extends Column["kind"]>(step: string, table: Table, name: string, kind: K): Extract<Column, { kind: K }> {
  const c = table.columns.find((col) => col.name === name);
  if (c === undefined) throw new OuroborosError("invalid-data", `${step}: column "${name}" was fitted but is not in the table to transform`);
  if (c.kind !== kind) throw new OuroborosError("invalid-data", `${step}: column "${name}" was ${kind} when fitted, but it is ${c.kind} now`);
  return c as Extract<Column, { kind: K }>;
}

/**
 * A new table where each column named in `replacements` is replaced, in place, by the given columns
 * (any number, zero drops it). Other columns pass through.
 */
export function replaceColumns(table: Table, replacements: ReadonlyMap<string, readonly Column[]>): Table {
  const columns: Column[] = [];
  for (const c of table.columns) {
    const r = replacements.get(c.name);
    if (r === undefined) columns.push(c);
    else columns.push(...r);
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new OuroborosError("invalid-data", `a transform produced column "${c.name}", which the table already has`);
    seen.add(c.name);
  }
  return { nRows: table.nRows, columns };
}

/**
 * Index of each of `column`'s categories in the fitted category list `fitted` (-1 when unseen), so
 * a table whose codes differ from training (another file, another order) still reads by label.
 */
export function categoryIndex(column: CategoricalColumn, fitted: readonly string[]): Int32Array {
  const index = new Map(fitted.map((v, i) => [v, i] as const));
  return Int32Array.from(column.categories, (v) => index.get(v) ?? -1);
}

/** Codes of `column` re-expressed in `fitted` labels: -1 missing, -2 unseen, else the index. */
export function fittedCodes(column: CategoricalColumn, fitted: readonly string[]): Int32Array {
  const map = categoryIndex(column, fitted);
  const out = new Int32Array(column.codes.length);
  for (let i = 0; i < out.length; i++) {
    const k = column.codes[i]!;
    out[i] = k === MISSING_CODE ? -1 : map[k]! >= 0 ? map[k]! : -2;
  }
  return out;
}

/** A number for JSON state: `NaN` and infinities become `null`. */
export function toJsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** The inverse of {@link toJsonNumber}: `null` becomes `NaN`. */
export function fromJsonNumber(x: JsonValue | undefined): number {
  return typeof x === "number" ? x : Number.NaN;
}

/** Reads an object field from loaded state, or an `artifact-corrupt` error naming the step. */
export function stateField(step: string, state: JsonValue, field: string): JsonValue {
  if (state === null || typeof state !== "object" || Array.isArray(state) || !(field in state)) {
    throw new OuroborosError("artifact-corrupt", `${step}: saved state lacks "${field}"`);
  }
  return (state as { readonly [key: string]: JsonValue })[field]!;
}

/** Reads an array field from loaded state, or an `artifact-corrupt` error naming the step. */
export function stateArray(step: string, state: JsonValue, field: string): readonly JsonValue[] {
  const v = stateField(step, state, field);
  if (!Array.isArray(v)) throw new OuroborosError("artifact-corrupt", `${step}: saved state field "${field}" must be an array`);
  return v as readonly JsonValue[];
}

/** Checks a `columns` hyperparameter: null (automatic) or an array of column names. */
export function checkColumnsParam(step: string, columns: unknown): void {
  if (columns === null) return;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === "string")) {
    throw new OuroborosError("invalid-argument", `${step}: \`columns\` must be null or an array of column names, but got ${JSON.stringify(columns)}`);
  }
}
