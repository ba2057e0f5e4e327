/**
 * A saved model is data, never code: a JSON header plus named binary arrays. On disk it is two files,
 * `model.json` and `weights.bin`; the header records each array's type, offset and length and the
 * SHA-256 of the weights, and the whole artifact has a digest over both. Loading verifies every
 * digest and length, so a tampered, truncated or mismatched file is refused with a clear error
 * instead of producing silently wrong predictions.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OuroborosError } from "../core/errors.js";
import type { JsonValue } from "../core/json.js";
import type { Task } from "../data/dataset.js";
import type { LearnerSpec } from "./learner.js";

/** Typed arrays an artifact can hold. */
export type ArtifactArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | Int8Array | Uint16Array;

/** A fitted model as data. `state` is small JSON; large numbers go in `arrays`. */
export interface Artifact {
  /** The learner kind that can load it (registry key). */
  readonly kind: string;
  readonly task: Task;
  /** The hyperparameters that produced it. */
  readonly spec: LearnerSpec;
  readonly state: JsonValue;
  readonly arrays: Readonly<Record<string, ArtifactArray>>;
}

/** The format version written into every header. */
export const ARTIFACT_FORMAT = 1;

type DType = "float64" | "float32" | "int32" | "uint32" | "uint8" | "int8" | "uint16";

interface ArrayEntry {
  readonly dtype: DType;
  readonly offset: number;
  readonly length: number;
}

interface Header {
  readonly format: number;
  readonly kind: string;
  readonly task: Task;
  readonly spec: LearnerSpec;
  readonly state: JsonValue;
  readonly arrays: Record<string, ArrayEntry>;
  readonly weightsBytes: number;
  readonly weightsSha256: string;
}

/** Serialised form: the header text (with its own digest) and the weights. */
export interface EncodedArtifact {
  readonly json: string;
  readonly weights: Uint8Array;
  /** SHA-256 (hex) over the header text and the weights: the artifact's identity. */
  readonly digest: string;
}

const CTORS: Record<DType, { new (b: ArrayBuffer, o: number, n: number): ArtifactArray; BYTES_PER_ELEMENT: number }> = {
  float64: Float64Array,
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
};

function dtypeOf(a: ArtifactArray): DType {
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  if (a instanceof Uint8Array) return "uint8";
  if (a instanceof Int8Array) return "int8";
  return "uint16";
}

function sha256(...parts: (string | Uint8Array)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/** Encodes an artifact; arrays are 8-byte aligned in little-endian order. */
export function encodeArtifact(a: Artifact): EncodedArtifact {
  const names = Object.keys(a.arrays).sort();
  const entries: Record<string, ArrayEntry> = {};
  let offset = 0;
  for (const name of names) {
    const arr = a.arrays[name]!;
    entries[name] = { dtype: dtypeOf(arr), offset, length: arr.length };
    offset += Math.ceil(arr.byteLength / 8) * 8;
  }
  const weights = new Uint8Array(offset);
  for (const name of names) {
    const arr = a.arrays[name]!;
    weights.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), entries[name]!.offset);
  }
  const header: Header = { format: ARTIFACT_FORMAT, kind: a.kind, task: a.task, spec: a.spec, state: a.state, arrays: entries, weightsBytes: weights.length, weightsSha256: sha256(weights) };
  const body = JSON.stringify(header);
  const json = JSON.stringify({ sha256: sha256(body), header: JSON.parse(body) as JsonValue });
  return { json, weights, digest: sha256(json, weights) };
}

function corrupt(where: string, what: string): OuroborosError {
  return new OuroborosError("artifact-corrupt", `${where}: ${what}; the artifact was modified or truncated and will not be loaded`);
}

/** Decodes and verifies an artifact; `where` names it in errors (a path, a registry id). */
export function decodeArtifact(json: string, weights: Uint8Array, where = "artifact"): Artifact {
  let outer: { sha256?: unknown; header?: unknown };
  try {
    outer = JSON.parse(json) as typeof outer;
  } catch (e) {
    throw corrupt(where, `the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof outer.sha256 !== "string" || typeof outer.header !== "object" || outer.header === null) throw corrupt(where, "the header has no digest");
  const body = JSON.stringify(outer.header);
  if (sha256(body) !== outer.sha256) throw corrupt(where, "the header's SHA-256 does not match its content");
  const h = outer.header as Header;
  if (h.format !== ARTIFACT_FORMAT) throw new OuroborosError("artifact-corrupt", `${where}: artifact format ${String(h.format)} is not supported (expected ${ARTIFACT_FORMAT})`);
  if (weights.length !== h.weightsBytes) throw corrupt(where, `the weights have ${weights.length} bytes but the header says ${h.weightsBytes}`);
  if (sha256(weights) !== h.weightsSha256) throw corrupt(where, "the weights' SHA-256 does not match the header");
  // Copy into an aligned buffer so typed-array views are valid whatever the source alignment.
  const buf = new ArrayBuffer(weights.length);
  new Uint8Array(buf).set(weights);
  const arrays: Record<string, ArtifactArray> = {};
  for (const [name, e] of Object.entries(h.arrays)) {
    const C = CTORS[e.dtype];
    if (C === undefined || e.offset + e.length * C.BYTES_PER_ELEMENT > buf.byteLength) throw corrupt(where, `array "${name}" does not fit in the weights`);
    arrays[name] = new C(buf, e.offset, e.length);
  }
  return { kind: h.kind, task: h.task, spec: h.spec, state: h.state, arrays };
}

/** The artifact's digest (SHA-256 over its encoded header and weights). */
export function artifactDigest(a: Artifact): string {
  return encodeArtifact(a).digest;
}

/** Writes `model.json` and `weights.bin` into `dir` (created if needed); returns the digest. */
export function writeArtifact(dir: string, a: Artifact): string {
  const enc = encodeArtifact(a);
  mkdirSync(dir, { recursive: true });
  // Write then rename so a crash never leaves a half-written pair that looks complete.
  writeFileSync(join(dir, "weights.bin.tmp"), enc.weights);
  writeFileSync(join(dir, "model.json.tmp"), enc.json);
  renameSync(join(dir, "weights.bin.tmp"), join(dir, "weights.bin"));
  renameSync(join(dir, "model.json.tmp"), join(dir, "model.json"));
  return enc.digest;
}

/** Reads and verifies the artifact in `dir`. */
export function readArtifact(dir: string): Artifact {
  let json: string;
  let weights: Uint8Array;
  try {
    json = readFileSync(join(dir, "model.json"), "utf8");
    weights = readFileSync(join(dir, "weights.bin"));
  } catch (e) {
    throw new OuroborosError("artifact-corrupt", `${dir}: cannot read the model (${(e as Error).message})`);
  }
  return decodeArtifact(json, weights, dir);
}
