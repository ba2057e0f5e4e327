/**
 * Multi-fidelity early stopping for a mixed pipeline space: one asynchronous successive-halving
 * pruner (ASHA, Li et al. 2020) per learner family, each over that family's own resource (boosting
 * rounds for GBDT, epochs for the MLP). Trials compete only with trials of the same family, so a
 * GBDT after 10 rounds is never ranked against a network after 10 epochs, and the rung sizes fit
 * each resource (first rung at max/η²: two pruning decisions per trial; at max/η³ a network was
 * judged after 2 epochs and a GBDT after 14 rounds, too early to tell a slow learning rate from a
 * bad model). A rung prunes nobody until 3 other trials of the family have reached it: in a
 * one-minute run a family sees a dozen trials, and Optuna's rule for the first η − 1 arrivals
 * (only a new best continues) pruned nearly every GBDT after the defaults.
 *
 * Reported values are inner-validation losses (lower is better) whatever the run's metric, so the
 * view handed to ASHA always minimises. Rung values live in trial system attributes, so the
 * decision is the same in any worker and after a resume.
 */
import type { FrozenTrial, StudyDirection, TrialState } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import type { StudyView } from "../core/study-view.js";
import { SuccessiveHalvingPruner } from "../pruners/successive-halving.js";

/** Per-family ASHA; families without a resource are never pruned. */
export class FamilyPruner implements Pruner {
  readonly kind = "family-asha";
  private readonly pruners = new Map<string, SuccessiveHalvingPruner>();

  /**
   * @param resources the full resource per family (e.g. `{ gbdt: 400, mlp: 60 }`).
   * @param reductionFactor η of every family's ASHA. Default 3.
   */
  constructor(
    readonly resources: Readonly<Record<string, number>>,
    readonly reductionFactor = 3,
  ) {
    for (const [family, max] of Object.entries(resources)) {
      const minResource = Math.max(1, Math.floor(max / reductionFactor ** 2));
      this.pruners.set(family, new SuccessiveHalvingPruner({ minResource, reductionFactor, minCompetitors: 3 }));
    }
  }

  get params(): Readonly<Record<string, JsonValue>> {
    return { resources: { ...this.resources }, reductionFactor: this.reductionFactor };
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const family = trial.params.family;
    if (typeof family !== "string") return false;
    const inner = this.pruners.get(family);
    if (inner === undefined) return false;
    return inner.prune(new FamilyView(study, family), trial);
  }
}

/** The study as seen by one family's pruner: only that family's trials, always minimising. */
class FamilyView implements StudyView {
  readonly directions: readonly StudyDirection[] = ["minimize"];
  constructor(
    private readonly inner: StudyView,
    private readonly family: string,
  ) {}
  get studyName(): string {
    return this.inner.studyName;
  }
  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    return this.inner.systemAttrs;
  }
  getTrials(options?: { readonly states?: readonly TrialState[] }): readonly FrozenTrial[] {
    return this.inner.getTrials(options).filter((t) => t.params.family === this.family);
  }
  setStudySystemAttr(key: string, value: JsonValue): void {
    this.inner.setStudySystemAttr(key, value);
  }
  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    this.inner.setTrialSystemAttr(trialNumber, key, value);
  }
  stop(): void {
    this.inner.stop();
  }
}
