/**
 * The durable CMA-ES state and its compact JSON form (numeric vectors as base64 of little-endian
 * float64, so a state survives the journal bit for bit).
 */
import { Buffer } from "node:buffer";
import { OuroborosError } from "../../core/errors.js";
import type { JsonValue } from "../../core/json.js";

/** Which restart regime a run belongs to (BIPOP: `large` doubles λ, `small` draws a small λ and σ). */
export type CmaRegime = "default" | "large" | "small";

/**
 * Everything CMA-ES needs to continue: the search distribution N(m, σ² A C A) (A the margin's
 * diagonal scaling, ones without margin), the evolution paths, the learning-rate-adaptation
 * statistics, the termination history and the restart bookkeeping. Never mutated in place: an
 * update builds a new object.
 */
export interface CmaState {
  /** Identifies the search space the state belongs to (see `CmaSpace.key`). */
  readonly spaceKey: string;
  /** Global generation counter: the `cmaes:generation` a trial sampled from this state is marked with. */
  readonly generation: number;
  /** Generations told in the current run (restarts set it to 0). */
  readonly runGeneration: number;
  /** Runs started so far minus one (0 during the first run). */
  readonly restarts: number;
  readonly regime: CmaRegime;
  /** BIPOP: the number of large-regime restarts so far. */
  readonly nLarge: number;
  /** BIPOP: evaluations spent in the large regime (the first run included) and the small one. */
  readonly budgetLarge: number;
  readonly budgetSmall: number;
  readonly popsize: number;
  /** σ at the start of this run (the tolX scale). */
  readonly sigma0: number;
  readonly sigma: number;
  readonly mean: Float64Array;
  /** n × n row-major, or the n diagonal entries for separable CMA-ES. */
  readonly C: Float64Array;
  readonly pc: Float64Array;
  readonly pSigma: Float64Array;
  /** Margin scaling per dimension (CMA-ES with margin); all ones otherwise. */
  readonly A: Float64Array;
  /** Learning-rate adaptation: η for the mean and the covariance, and the moving averages E and V. */
  readonly etaMean: number;
  readonly etaSigma: number;
  readonly eMean: Float64Array;
  readonly eSigma: Float64Array;
  readonly vMean: number;
  readonly vSigma: number;
  /** Best and worst value of each recent generation of this run, oldest first (tolFun). */
  readonly funHistory: Float64Array;
  /** Best value seen in this run. */
  readonly best: number;
}

const F64_FIELDS = ["mean", "C", "pc", "pSigma", "A", "eMean", "eSigma", "funHistory"] as const;
const NUM_FIELDS = [
  "generation",
  "runGeneration",
  "restarts",
  "nLarge",
  "budgetLarge",
  "budgetSmall",
  "popsize",
  "sigma0",
  "sigma",
  "etaMean",
  "etaSigma",
  "vMean",
  "vSigma",
  "best",
] as const;

/** Whether this host stores a float64 little-endian, so its bytes can be base64-encoded as they lie. */
const LITTLE_ENDIAN = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;
/** The base64 alphabet, for validating what `Buffer` would silently skip. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Base64 of the little-endian float64 bytes of `a`. Node's native encoder over the array's own
 * bytes (a byte-by-byte `DataView` + `btoa` took ~25 µs for a 10 × 10 covariance, written once per
 * generation); the portable path is kept for a big-endian host.
 */
export function encodeFloat64(a: Float64Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i] as number, true);
  return Buffer.from(bytes).toString("base64");
}

/** Inverse of {@link encodeFloat64}; throws on anything that is not base64 of whole float64s. */
export function decodeFloat64(s: string): Float64Array {
  if (s.length % 4 !== 0 || !BASE64.test(s)) throw new Error(`expected base64 text, but got ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)}`);
  const bytes = Buffer.from(s, "base64");
  if (bytes.length % 8 !== 0) throw new Error(`a float64 array needs a multiple of 8 bytes, but got ${bytes.length}`);
  const out = new Float64Array(bytes.length / 8);
  if (LITTLE_ENDIAN) {
    // Copy into the aligned array (a Buffer's own offset need not be a multiple of 8).
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** The JSON form of a state, for `setStudySystemAttr`. Non-finite scalars are written as strings. */
export function serializeState(s: CmaState): JsonValue {
  const out: Record<string, JsonValue> = { v: 1, spaceKey: s.spaceKey, regime: s.regime };
  for (const k of NUM_FIELDS) out[k] = Number.isFinite(s[k]) ? s[k] : String(s[k]);
  for (const k of F64_FIELDS) out[k] = encodeFloat64(s[k]);
  return out;
}

/** Reads a state written by {@link serializeState}; throws `invalid-value` on anything else. */
export function deserializeState(json: JsonValue | undefined): CmaState {
  const bad = (why: string): never => {
    throw new OuroborosError("invalid-value", `CmaEsSampler: the stored CMA-ES state is unreadable (${why})`);
  };
  if (json === null || typeof json !== "object" || Array.isArray(json)) return bad(`expected an object, but got ${JSON.stringify(json)}`);
  const o = json as Readonly<Record<string, JsonValue>>;
  if (o["v"] !== 1) bad(`expected version 1, but got ${JSON.stringify(o["v"])}`);
  const num = (k: string): number => {
    const x = o[k];
    if (typeof x === "number") return x;
    if (typeof x === "string" && ["Infinity", "-Infinity", "NaN"].includes(x)) return Number(x);
    return bad(`field "${k}" should be a number, but got ${JSON.stringify(x)}`);
  };
  const arr = (k: string): Float64Array => {
    const x = o[k];
    if (typeof x !== "string") return bad(`field "${k}" should be a base64 string`);
    try {
      return decodeFloat64(x);
    } catch (e) {
      return bad(`field "${k}": ${(e as Error).message}`);
    }
  };
  const regime = o["regime"];
  if (regime !== "default" && regime !== "large" && regime !== "small") return bad(`unknown regime ${JSON.stringify(regime)}`);
  if (typeof o["spaceKey"] !== "string") return bad("field \"spaceKey\" should be a string");
  return {
    spaceKey: o["spaceKey"],
    regime,
    generation: num("generation"),
    runGeneration: num("runGeneration"),
    restarts: num("restarts"),
    nLarge: num("nLarge"),
    budgetLarge: num("budgetLarge"),
    budgetSmall: num("budgetSmall"),
    popsize: num("popsize"),
    sigma0: num("sigma0"),
    sigma: num("sigma"),
    etaMean: num("etaMean"),
    etaSigma: num("etaSigma"),
    vMean: num("vMean"),
    vSigma: num("vSigma"),
    best: num("best"),
    mean: arr("mean"),
    C: arr("C"),
    pc: arr("pc"),
    pSigma: arr("pSigma"),
    A: arr("A"),
    eMean: arr("eMean"),
    eSigma: arr("eSigma"),
    funHistory: arr("funHistory"),
  };
}

/** Options of {@link initialState}. */
export interface InitialStateOptions {
  readonly spaceKey: string;
  readonly generation: number;
  readonly popsize: number;
  readonly mean: Float64Array;
  readonly sigma: number;
  /** Full n × n covariance (default identity); for separable, its diagonal is kept. */
  readonly cov?: Float64Array;
  readonly separable: boolean;
}

/** A fresh run: N(mean, σ² cov), zero paths, η = 1. Restart bookkeeping starts at zero (callers carry it over). */
export function initialState(o: InitialStateOptions): CmaState {
  const n = o.mean.length;
  const C = new Float64Array(o.separable ? n : n * n);
  for (let i = 0; i < n; i++) {
    if (o.separable) C[i] = o.cov ? (o.cov[i * n + i] as number) : 1;
    else for (let j = 0; j < n; j++) C[i * n + j] = o.cov ? (o.cov[i * n + j] as number) : i === j ? 1 : 0;
  }
  return {
    spaceKey: o.spaceKey,
    generation: o.generation,
    runGeneration: 0,
    restarts: 0,
    regime: "default",
    nLarge: 0,
    budgetLarge: 0,
    budgetSmall: 0,
    popsize: o.popsize,
    sigma0: o.sigma,
    sigma: o.sigma,
    mean: Float64Array.from(o.mean),
    C,
    pc: new Float64Array(n),
    pSigma: new Float64Array(n),
    A: new Float64Array(n).fill(1),
    etaMean: 1,
    etaSigma: 1,
    eMean: new Float64Array(n),
    eSigma: new Float64Array(o.separable ? n : n * n),
    vMean: 0,
    vSigma: 0,
    funHistory: new Float64Array(0),
    best: Infinity,
  };
}
