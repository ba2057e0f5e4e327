/**
 * Canonical JSON and SHA-256: the byte form that audit records, lineage records and data digests
 * are hashed in. Two values that are equal as JSON always give the same text, whatever the order
 * in which their keys were written or read back from storage.
 */
import { createHash } from "node:crypto";
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";

/**
 * The canonical JSON text of a value: object keys sorted by UTF-16 code unit (JavaScript's default
 * string order), no whitespace, numbers and strings as `JSON.stringify` writes them (so `-0` is
 * `0`), arrays in order. Properties whose value is `undefined` are left out, as `JSON.stringify`
 * does, so a value and its JSON round trip give the same text.
 *
 * This is the sorted-keys subset of RFC 8785 (JCS) that JSON produced by JavaScript needs; it does
 * not re-encode strings or numbers, because `JSON.stringify` already writes each of them one way.
 *
 * @throws OuroborosError `invalid-value` for NaN, ±Infinity, a BigInt, a function or a symbol
 *   (which JSON cannot hold), naming the path of the bad value, e.g. `details.scores[2]`.
 * @see https://www.rfc-editor.org/rfc/rfc8785 (JSON Canonicalization Scheme)
 */
export function canonicalJson(value: unknown, path = "value"): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new OuroborosError("invalid-value", `${path} is ${value}, which JSON cannot hold (expected a finite number)`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => (v === undefined ? "null" : canonicalJson(v, `${path}[${i}]`))).join(",")}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], `${path}.${k}`)}`).join(",")}}`;
    }
    default:
      throw new OuroborosError("invalid-value", `${path} is a ${typeof value}, which JSON cannot hold`);
  }
}

/** Lower-case hex SHA-256 of the concatenated parts (strings are hashed as UTF-8). */
export function sha256Hex(...parts: readonly (string | Uint8Array)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** SHA-256 of a value's {@link canonicalJson} text. */
export function jsonDigest(value: JsonValue): string {
  return sha256Hex(canonicalJson(value));
}
