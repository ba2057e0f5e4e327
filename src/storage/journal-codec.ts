/**
 * JSON text of journal ops, shared by the durable backends (file and SQLite). An op is stored as
 * the output of `JSON.stringify` and read back with `JSON.parse`, so what a backend returns equals
 * what was appended after a JSON round trip: `undefined` properties vanish and `-0` reads back as
 * `0`. Numbers JSON cannot hold (NaN, ±Infinity) are refused rather than silently stored as `null`.
 */
import { OuroborosError } from "../core/errors.js";
import type { JournalOp } from "./journal-ops.js";

/**
 * The JSON text of one op, without a newline.
 * @param index position of the op in its append, for the error message
 * @throws OuroborosError `invalid-value` if the op holds NaN or ±Infinity, a BigInt or a cycle.
 */
export function encodeOp(op: JournalOp, index: number): string {
  let json: string;
  try {
    json = JSON.stringify(op);
  } catch (e) {
    throw new OuroborosError("invalid-value", `journal op ${index} ("${op.op}") cannot be written as JSON: ${(e as Error).message}`, { cause: e });
  }
  // JSON.stringify writes NaN and ±Infinity as null; look closer only when a null appears.
  if (json.includes("null")) {
    JSON.stringify(op, (key: string, value: unknown) => {
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new OuroborosError(
          "invalid-value",
          `journal op ${index} ("${op.op}") holds ${value} at key "${key}", which JSON cannot store (it would read back as null)`,
        );
      }
      return value;
    });
  }
  return json;
}

/**
 * Parses one stored op.
 * @param where names the place for the error message, e.g. `line 12 of journal file ./s.jsonl`
 * @throws OuroborosError `storage-corrupt` if the text is not JSON or not an object with an `op`.
 */
export function decodeOp(text: string, where: string): JournalOp {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new OuroborosError("storage-corrupt", `${where} is not valid JSON (${(e as Error).message}): ${preview(text)}`, { cause: e });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || typeof (value as { op?: unknown }).op !== "string") {
    throw new OuroborosError("storage-corrupt", `${where} is not a journal operation (expected an object with a string "op" field): ${preview(text)}`);
  }
  return value as JournalOp;
}

function preview(text: string): string {
  const t = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return `got ${t}`;
}
