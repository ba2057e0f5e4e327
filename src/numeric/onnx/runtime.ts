/**
 * Lazy access to onnxruntime-node. The native module (45 MB of shared libraries) is loaded with a
 * dynamic `import()` the first time a network trains or an ONNX file runs, never when the tuner or
 * the learner registry is imported, so the light core stays light.
 *
 * Sessions run with one intra-op and one inter-op thread: results are then bit-for-bit
 * reproducible, and parallelism comes from running trials in separate workers instead.
 */
import type * as Ort from "onnxruntime-node";
import { OuroborosError } from "../../core/errors.js";

/** The onnxruntime-node module type. */
export type OrtModule = typeof Ort;

let ortPromise: Promise<OrtModule> | undefined;

/** Loads onnxruntime-node once (dynamic import); a missing install is an `unsupported` error. */
export function loadOrt(): Promise<OrtModule> {
  ortPromise ??= import("onnxruntime-node").then(
    (m) => (m as unknown as { default?: OrtModule }).default ?? (m as unknown as OrtModule),
    (e: unknown) => {
      ortPromise = undefined;
      throw new OuroborosError("unsupported", `neural networks need the optional dependency onnxruntime-node (npm install onnxruntime-node): ${(e as Error).message}`, { cause: e });
    },
  );
  return ortPromise;
}

/** Creates a single-threaded, fully optimised session from ONNX bytes. */
export async function createSession(model: Uint8Array): Promise<Ort.InferenceSession> {
  const ort = await loadOrt();
  return ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "all", executionMode: "sequential" });
}

const cache = new Map<string, Promise<Ort.InferenceSession>>();
const CACHE_LIMIT = 16;

/**
 * A session for `model`, shared by every caller that passes the same `key` (sessions hold no
 * weights when the weights are graph inputs, so sharing is safe). Beyond 16 keys the least
 * recently used is dropped from the cache (not released: a running fit may still hold it).
 */
export function cachedSession(key: string, build: () => Uint8Array): Promise<Ort.InferenceSession> {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const p = createSession(build());
  p.catch(() => cache.delete(key));
  cache.set(key, p);
  while (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest);
  }
  return p;
}
