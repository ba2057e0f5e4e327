import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { FrozenTrial } from "../core/frozen-trial.js";
import type { JsonValue } from "../core/json.js";
import type { Pruner } from "../core/pruner.js";
import type { StudyView } from "../core/study-view.js";
import {
  prunerConformanceChecks,
  runPrunerConformance,
  type PrunerConformanceOptions,
} from "../testing/pruner-conformance.js";
import { HyperbandPruner } from "./hyperband.js";
import { MedianPruner } from "./median.js";
import { NopPruner } from "./nop.js";
import { PatientPruner } from "./patient.js";
import { PercentilePruner } from "./percentile.js";
import { SuccessiveHalvingPruner } from "./successive-halving.js";
import { ThresholdPruner } from "./threshold.js";

runPrunerConformance("nop", () => new NopPruner());
runPrunerConformance("median (defaults)", () => new MedianPruner());
runPrunerConformance("median (warmup 3, interval 2, nMinTrials 3)", () =>
  new MedianPruner({ nStartupTrials: 2, nWarmupSteps: 3, intervalSteps: 2, nMinTrials: 3 }),
);
runPrunerConformance("percentile 25", () => new PercentilePruner({ percentile: 25, nStartupTrials: 3 }));
runPrunerConformance("percentile 0", () => new PercentilePruner({ percentile: 0, nStartupTrials: 1 }));
runPrunerConformance("percentile 100", () => new PercentilePruner({ percentile: 100, nStartupTrials: 1 }));
runPrunerConformance("patient (no wrapped pruner)", () => new PatientPruner(null, { patience: 2, minDelta: 0.01 }));
runPrunerConformance("patient (wrapping median)", () => new PatientPruner(new MedianPruner({ nStartupTrials: 2 }), { patience: 1 }));
runPrunerConformance("threshold", () => new ThresholdPruner({ lower: -1, upper: 2.2, nWarmupSteps: 1 }), {
  directionSensitive: false,
});
runPrunerConformance("successive halving (auto)", () => new SuccessiveHalvingPruner());
runPrunerConformance("successive halving (r=1, eta=3, bootstrap 2)", () =>
  new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3, bootstrapCount: 2 }),
);
runPrunerConformance("successive halving (r=2, eta=2, s=1)", () =>
  new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1 }),
);
runPrunerConformance("hyperband (auto)", () => new HyperbandPruner());
runPrunerConformance("hyperband (r=1, R=27, eta=3, bootstrap 1)", () =>
  new HyperbandPruner({ minResource: 1, maxResource: 27, reductionFactor: 3, bootstrapCount: 1 }),
);

// The suite itself: pruners that break the contract must fail the check that describes the breach.
describe("the pruner conformance suite catches broken pruners", () => {
  const median = (): MedianPruner => new MedianPruner({ nStartupTrials: 2 });
  /** A pruner delegating to `inner` with a twist, rebuilt by `make` itself. */
  const broken = (
    kind: string,
    prune: (study: StudyView, trial: FrozenTrial) => boolean,
    params: Record<string, JsonValue> = {},
  ): (() => Pruner) => {
    return () => ({ kind, params, prune });
  };
  const expectFailure = (make: () => Pruner, checkName: RegExp, options: PrunerConformanceOptions = {}): void => {
    const checks = prunerConformanceChecks(make, { rebuild: () => make(), ...options });
    const matching = checks.filter((c) => checkName.test(c.name));
    assert.ok(matching.length > 0, `no check matches ${checkName}`);
    for (const c of matching) assert.throws(() => c.run(), `"${c.name}" should fail`);
  };

  test("pruning a trial with no reports", () => {
    expectFailure(broken("eager", () => true), /no intermediate values/);
  });

  test("state kept in memory", () => {
    const make = (): Pruner => {
      let calls = 0;
      const inner = median();
      return { kind: "counting", params: {}, prune: (s, t) => (++calls % 5 === 0 ? true : inner.prune(s, t)) };
    };
    expectFailure(make, /deterministic|only from the view/);
  });

  test("sorting the trials in place", () => {
    const inner = median();
    expectFailure(
      broken("sorter", (s, t) => {
        (s.getTrials() as FrozenTrial[]).sort((a, b) => b.number - a.number);
        return inner.prune(s, t);
      }),
      /mutate/,
    );
  });

  test("writing the study's attributes directly", () => {
    expectFailure(
      broken("sneaky", (s) => {
        (s.systemAttrs as Record<string, JsonValue>)["sneaky"] = 1;
        return false;
      }),
      /mutate/,
    );
  });

  test("writing a value that JSON cannot hold", () => {
    expectFailure(
      broken("nan-writer", (s, t) => {
        s.setTrialSystemAttr(t.number, "last", NaN);
        return false;
      }),
      /mutate/,
    );
  });

  test("ignoring the direction", () => {
    const inner = median();
    // Judges maximisation studies as if they minimised.
    expectFailure(
      broken("direction-blind", (s, t) =>
        inner.prune(Object.assign(Object.create(Object.getPrototypeOf(s) as object) as StudyView, s, { directions: s.directions.map(() => "minimize") }), t),
      ),
      /minimize and maximize/,
    );
  });

  test("throwing on NaN", () => {
    expectFailure(
      broken("nan-hater", (_s, t) => {
        if (Object.values(t.intermediateValues).some(Number.isNaN)) throw new Error("NaN!");
        return false;
      }),
      /NaN/,
    );
  });

  test("params that do not survive JSON", () => {
    expectFailure(broken("infinite", () => false, { limit: Infinity }), /round-trips/);
  });

  test("failing on vector reports", () => {
    expectFailure(
      broken("scalar-only", (s) => {
        if (s.directions.length > 1) throw new Error("one objective only");
        return false;
      }),
      /multi-objective studies with vector reports/,
    );
  });

  test("pruning a multi-objective trial from scalar reports", () => {
    expectFailure(
      broken("first-objective", (s, t) => s.directions.length > 1 && Object.keys(t.intermediateValues).length > 0),
      /scalars only/,
    );
  });

  test("a correct pruner passes every check", () => {
    for (const c of prunerConformanceChecks(median)) c.run();
  });
});
