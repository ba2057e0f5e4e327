/**
 * The live {@link StudyView} a study hands to its sampler and pruner: trials from the replayed
 * journal, optionally limited to those numbered below a bound (reproducible parallel runs), with
 * writes buffered into the study's pending ops and visible at once.
 */
import type { FrozenTrial, StudyDirection, TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { StudyView } from "../core/study-view.js";
import type { Study } from "./study.js";

export class LiveStudyView implements StudyView {
  private cacheKey = "";
  private cache = new Map<string, readonly FrozenTrial[]>();

  /** @param visibleBelow only trials with a smaller number are shown (Infinity: all). */
  constructor(
    private readonly study: Study,
    private readonly visibleBelow: number = Infinity,
  ) {}

  get studyName(): string {
    return this.study.studyName;
  }

  get directions(): readonly StudyDirection[] {
    return this.study.directions;
  }

  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    return this.study.systemAttrs;
  }

  getTrials(options?: { readonly states?: readonly TrialState[] }): readonly FrozenTrial[] {
    const all = this.study.trials;
    // Cache by the identity of the replayed array, so the same array comes back while nothing changed.
    const version = this.study.stateVersion();
    if (this.cacheKey !== version) {
      this.cacheKey = version;
      this.cache = new Map();
    }
    const key = options?.states ? [...options.states].sort().join(",") : "*";
    const hit = this.cache.get(key);
    if (hit) return hit;
    let out: readonly FrozenTrial[] = all;
    if (this.visibleBelow < all.length) out = all.slice(0, Math.max(0, this.visibleBelow));
    if (options?.states) {
      const states = options.states;
      out = out.filter((t) => states.includes(t.state));
    }
    this.cache.set(key, out);
    return out;
  }

  setStudySystemAttr(key: string, value: JsonValue): void {
    this.study.bufferStudySystemAttr(key, value);
  }

  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    this.study.bufferTrialSystemAttr(trialNumber, key, value);
  }

  stop(): void {
    this.study.stop();
  }
}
