/**
 * SHA-256 digests of training data, for lineage: the bytes of a CSV file, or a {@link Table} /
 * {@link Dataset} as loaded (so data built in memory has a digest too).
 */
import { readFileSync } from "node:fs";
import { createHash, type Hash } from "node:crypto";
import { endianness } from "node:os";
import type { Dataset } from "../data/dataset.js";
import type { Table } from "../data/table.js";
import { canonicalJson, sha256Hex } from "./canonical-json.js";

/** Names the byte layout below, so a future change of layout changes every digest. */
const TABLE_FORMAT = "ouroboros-table-digest/1";
const LITTLE_ENDIAN = endianness() === "LE";

/** SHA-256 (hex) of raw bytes, e.g. a training CSV as read from disk. */
export function bytesDigest(bytes: Uint8Array | string): string {
  return sha256Hex(bytes);
}

/** SHA-256 (hex) of a file's bytes. */
export function fileDigest(path: string): string {
  return sha256Hex(readFileSync(path));
}

/** Feeds a typed array to the hash as little-endian bytes, with every NaN written as one bit pattern. */
function updateNumbers(h: Hash, values: Float64Array | Int32Array): void {
  let v = values;
  if (v instanceof Float64Array) {
    // NaN payloads can differ (parsers, arithmetic); missing must hash the same however it was made.
    let copied = false;
    for (let i = 0; i < v.length; i++) {
      if (Number.isNaN(v[i]!)) {
        if (!copied) {
          v = Float64Array.from(v);
          copied = true;
        }
        v[i] = Number.NaN; // the literal is V8's canonical quiet NaN
      }
    }
  }
  if (LITTLE_ENDIAN) {
    h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return;
  }
  const size = v.BYTES_PER_ELEMENT;
  const out = new DataView(new ArrayBuffer(v.byteLength));
  for (let i = 0; i < v.length; i++) {
    if (size === 8) out.setFloat64(i * 8, v[i]!, true);
    else out.setInt32(i * 4, v[i]!, true);
  }
  h.update(new Uint8Array(out.buffer));
}

function updateTable(h: Hash, table: Table): void {
  const header = {
    format: TABLE_FORMAT,
    nRows: table.nRows,
    columns: table.columns.map((c) => (c.kind === "numeric" ? { name: c.name, kind: c.kind, semantic: c.semantic } : { name: c.name, kind: c.kind, semantic: c.semantic, categories: [...c.categories] })),
  };
  h.update(`${canonicalJson(header)}\n`);
  for (const c of table.columns) updateNumbers(h, c.kind === "numeric" ? c.values : c.codes);
}

/**
 * SHA-256 (hex) of a table's content: column names, kinds, semantics and category labels (as
 * canonical JSON), then each column's cells as little-endian float64 (numeric, every NaN as the one
 * canonical NaN) or int32 codes (categorical, −1 = missing), column by column.
 *
 * Equal for tables with equal columns in equal order, on any machine; it changes with a column's
 * order, name or kind, or the order of a column's categories (which the CSV reader fixes by first
 * appearance, so one file always gives one digest). O(cells), no copy unless a numeric column has
 * NaN.
 */
export function tableDigest(table: Table): string {
  const h = createHash("sha256");
  updateTable(h, table);
  return h.digest("hex");
}

/**
 * SHA-256 (hex) of a dataset: its feature table (as {@link tableDigest}), then the target (task,
 * classes and labels, or values) and the weights if any.
 */
export function datasetDigest(dataset: Dataset): string {
  const h = createHash("sha256");
  updateTable(h, dataset.x);
  const y = dataset.y;
  h.update(`\n${canonicalJson(y.task === "regression" ? { task: y.task } : { task: y.task, classes: [...y.classes] })}\n`);
  updateNumbers(h, y.task === "regression" ? y.values : y.labels);
  h.update(dataset.weights ? "\nweights\n" : "\nno weights\n");
  if (dataset.weights) updateNumbers(h, dataset.weights);
  return h.digest("hex");
}
