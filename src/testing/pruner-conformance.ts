/**
 * Length: just over 500 lines: the simulator and the checks it drives are one contract; splitting the
 * simulator out is noted on issue 2.
 *
 * The pruner conformance suite: one generic checker that every pruner, shipped or user-written,
 * must pass, with no skip list. `runPrunerConformance` registers `node:test` tests that drive the
 * pruner through simulated studies (learning curves reported step by step by several workers, with
 * NaN, infinite, tied, sparse and failing curves) and check the contract of `core/pruner.ts`:
 *
 * - a trial with no intermediate values is never pruned;
 * - decisions are deterministic: the same call twice, a fresh instance, a copy of the view and a
 *   pruner rebuilt from `{ kind, params }` all decide the same, so nothing that matters is kept in
 *   memory (a resumed process or another worker decides as the original would);
 * - the pruner mutates neither the trials nor the view, and writes only JSON values through
 *   `setTrialSystemAttr` / `setStudySystemAttr`;
 * - `params` are JSON and rebuild the pruner;
 * - minimize and maximize are mirror images (or, for pruners declared direction-insensitive such
 *   as thresholds, decide identically);
 * - NaN intermediate values never make it throw;
 * - multi-objective studies with vector reports work, and a multi-objective trial that reported
 *   scalars only is either not pruned or refused with `OuroborosError("unsupported")`.
 *
 * @example
 * ```ts
 * import { runPrunerConformance } from "ouroboros/testing";
 * runPrunerConformance("my pruner", () => new MyPruner({ patience: 2 }), { rebuild: (s) => new MyPruner(s.params) });
 * ```
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OuroborosError } from "../core/errors.js";
import type { Pruner } from "../core/pruner.js";
import { createPruner, type PrunerSpec } from "../pruners/registry.js";
import { makeFrozenTrial } from "./static-study-view.js";
import { GuardedStudyView, checkedPrune, finishedTrial, flipDirection, learningCurves, mirror, runSimulation, type Judge, type PruningMoment, type SimulatedCurve, type SimulatedStudy } from "./pruner-simulation.js";

export { learningCurves, simulatePruning, type PruningMoment, type SimulatedCurve, type SimulatedReport, type SimulatedStudy, type SimulationResult } from "./pruner-simulation.js";

/** Options of {@link runPrunerConformance}. */
export interface PrunerConformanceOptions {
  /**
   * Whether decisions depend on the study direction (default true). When true, a maximize study
   * with negated values must decide exactly as the minimize one; when false (absolute thresholds),
   * the same values must get the same decisions under either direction.
   */
  readonly directionSensitive?: boolean;
  /** Rebuilds a pruner from its `{ kind, params }`. Default: `createPruner` (the built-in registry). */
  readonly rebuild?: (spec: PrunerSpec) => Pruner;
}

function scenarios(): { name: string; study: SimulatedStudy }[] {
  const scalar = learningCurves({ seed: 1 });
  const vector = learningCurves({ seed: 2, objectives: 2 });
  return [
    { name: "minimize, one worker", study: { directions: ["minimize"], curves: scalar } },
    {
      name: "maximize, three workers after six finished trials",
      study: { directions: ["maximize"], curves: mirror(learningCurves({ seed: 3 }), [true]), prefinished: 6, concurrency: 3 },
    },
    {
      name: "minimize, four workers, 40 trials",
      study: { directions: ["minimize"], curves: learningCurves({ seed: 4, n: 40, steps: 30 }), concurrency: 4 },
    },
    {
      name: "two objectives (minimize, maximize), three workers",
      study: { directions: ["minimize", "maximize"], curves: vector, concurrency: 3 },
    },
    {
      name: "two objectives, one worker after four finished trials",
      study: { directions: ["minimize", "maximize"], curves: learningCurves({ seed: 5, objectives: 2 }), prefinished: 4 },
    },
  ];
}

function nanScenarios(): { name: string; study: SimulatedStudy }[] {
  const nanny = (objectives: 1 | 2): SimulatedCurve[] =>
    learningCurves({ seed: 7, objectives }).map((c, i) => ({
      fate: c.fate,
      reports: c.reports.map((r, t) => {
        if (r === undefined || (t + i) % 4 !== 0) return r;
        if (typeof r === "number") return NaN;
        return t % 8 === 0 ? [NaN, NaN] : [r[0] as number, NaN];
      }),
    }));
  return [
    { name: "minimize, NaN every fourth report", study: { directions: ["minimize"], curves: nanny(1), concurrency: 2 } },
    { name: "maximize, NaN every fourth report", study: { directions: ["maximize"], curves: nanny(1), prefinished: 5 } },
    {
      name: "two objectives, NaN components",
      study: { directions: ["maximize", "minimize"], curves: nanny(2), concurrency: 2, prefinished: 3 },
    },
  ];
}

function describeMoments(moments: readonly PruningMoment[]): string[] {
  return moments.map((m) => `trial ${m.trial} step ${m.step}: ${m.pruned ? "pruned" : "continues"}`);
}

/** One check of the suite: `run` throws an `AssertionError` when the pruner fails it. */
export interface PrunerConformanceCheck {
  readonly name: string;
  readonly run: () => void;
}

/**
 * The checks of the pruner conformance suite as plain functions, for the pruners `make` builds (a
 * fresh instance per use). {@link runPrunerConformance} registers them as tests.
 *
 * Options: `directionSensitive` = true, `rebuild` = `createPruner`.
 */
export function prunerConformanceChecks(make: () => Pruner, options: PrunerConformanceOptions = {}): PrunerConformanceCheck[] {
  const rebuild = options.rebuild ?? createPruner;
  const directionSensitive = options.directionSensitive ?? true;
  const checked =
    (pruner: Pruner): Judge =>
    (view, trial, where) =>
      checkedPrune(pruner, view, trial, where);

  return [
    {
      name: "never prunes a trial with no intermediate values",
      run: () => {
        for (const { name: s, study } of [...scenarios(), ...nanScenarios()]) {
          const pruner = make();
          runSimulation(study, checked(pruner), (view, trial, where) => {
            assert.equal(checkedPrune(pruner, view, trial, where), false, `${s}: ${where}: pruned a trial with no reports`);
            return false;
          });
        }
      },
    },
    {
      name: "is deterministic: the same call twice, and a fresh instance over the same study, decide the same",
      run: () => {
        for (const { name: s, study } of scenarios()) {
          const pruner = make();
          const first = runSimulation(study, (view, trial, where) => {
            const a = checkedPrune(pruner, view, trial, `${s}: ${where}`);
            const b = checkedPrune(pruner, view, trial, `${s}: ${where} (second call)`);
            assert.equal(b, a, `${s}: ${where}: a second identical call decided differently`);
            return a;
          });
          const second = runSimulation(study, checked(make()));
          assert.deepStrictEqual(describeMoments(second.moments), describeMoments(first.moments), `${s}: a fresh instance decided differently`);
          assert.deepStrictEqual(second.view.state(), first.view.state(), `${s}: a fresh instance wrote different state`);
        }
      },
    },
    {
      name: "does not mutate the trials or the view, and writes only JSON values",
      run: () => {
        // Every call in every scenario goes through checkedPrune, which checks this; here over all.
        for (const { study } of [...scenarios(), ...nanScenarios()]) runSimulation(study, checked(make()));
      },
    },
    {
      name: "round-trips through { kind, params }",
      run: () => {
        const pruner = make();
        assert.equal(typeof pruner.kind, "string", "kind must be a string");
        assert.ok(pruner.kind.length > 0, "kind must not be empty");
        const text = JSON.stringify({ kind: pruner.kind, params: pruner.params });
        const spec = JSON.parse(text) as PrunerSpec;
        assert.deepStrictEqual(spec.params, pruner.params, "params must be JSON values (no undefined, NaN, Infinity, functions)");
        const copy = rebuild(spec);
        assert.equal(copy.kind, pruner.kind, "the rebuilt pruner has another kind");
        assert.deepStrictEqual(copy.params, pruner.params, "the rebuilt pruner has other params");
        for (const { name: s, study } of scenarios()) {
          const a = runSimulation(study, checked(make()));
          const b = runSimulation(study, checked(rebuild(JSON.parse(text) as PrunerSpec)));
          assert.deepStrictEqual(describeMoments(b.moments), describeMoments(a.moments), `${s}: the rebuilt pruner decided differently`);
          assert.deepStrictEqual(b.view.state(), a.view.state(), `${s}: the rebuilt pruner wrote different state`);
        }
      },
    },
    {
      name: directionSensitive
        ? "handles minimize and maximize: the mirrored study (values negated) gets the same decisions"
        : "handles minimize and maximize: declared direction-insensitive, the same values get the same decisions",
      run: () => {
          for (const { name: s, study } of [...scenarios(), ...nanScenarios()]) {
            const flip = study.directions.map(() => true);
            const mirrored: SimulatedStudy = {
              ...study,
              directions: study.directions.map(flipDirection),
              curves: directionSensitive ? mirror(study.curves, flip) : study.curves,
            };
            const a = runSimulation(study, checked(make()));
            const b = runSimulation(mirrored, checked(make()));
            assert.deepStrictEqual(
              describeMoments(b.moments),
              describeMoments(a.moments),
              `${s}: directions ${mirrored.directions.join(", ")} decided differently from ${study.directions.join(", ")}`,
            );
          }
      },
    },
    {
      name: "handles NaN intermediate values without throwing",
      run: () => {
        for (const { name: s, study } of nanScenarios()) {
          const pruner = make();
          runSimulation(study, (view, trial, where) => {
            try {
              return checkedPrune(pruner, view, trial, where);
            } catch (e) {
              assert.fail(`${s}: ${where}: prune threw on NaN values: ${(e as Error).stack ?? String(e)}`);
            }
          });
        }
      },
    },
    {
      name: "decides only from the view: a fresh instance over a copy of the view decides the same at every call",
      run: () => {
        for (const { name: s, study } of [...scenarios(), ...nanScenarios()]) {
          const pruner = make();
          runSimulation(study, (view, trial, where) => {
            const copy = view.copy();
            const other = checkedPrune(make(), copy, copy.get(trial.number), `${s}: ${where} (copy)`);
            const decision = checkedPrune(pruner, view, trial, `${s}: ${where}`);
            assert.equal(other, decision, `${s}: ${where}: a fresh instance over a copy of the view decided differently`);
            assert.deepStrictEqual(copy.state(), view.state(), `${s}: ${where}: a fresh instance over a copy wrote different state`);
            return decision;
          });
        }
      },
    },
    {
      name: "works for multi-objective studies with vector reports",
      run: () => {
        let calls = 0;
        for (const { name: s, study } of scenarios().filter((x) => x.study.directions.length > 1)) {
          const pruner = make();
          const r = runSimulation(study, (view, trial, where) => {
            calls++;
            return checkedPrune(pruner, view, trial, `${s}: ${where}`);
          });
          assert.ok(r.moments.length > 0, `${s}: no pruning call was made`);
        }
        assert.ok(calls > 0);
        // A three-objective study, each objective its own direction.
        const three = learningCurves({ seed: 9, objectives: 2 }).map((c) => ({
          fate: c.fate,
          reports: c.reports.map((r) => (r === undefined || typeof r === "number" ? r : [...r, (r[0] as number) * 0.5 + 1])),
        }));
        runSimulation({ directions: ["minimize", "maximize", "minimize"], curves: three, concurrency: 2 }, checked(make()));
      },
    },
    {
      name: "refuses, or does not prune, a multi-objective trial that reported scalars only",
      run: () => {
        const population = learningCurves({ seed: 11, objectives: 2, quirks: false }).map((c, i) =>
          finishedTrial(i, c, c.reports.length, true),
        );
        for (let steps = 1; steps <= 24; steps += 5) {
          const view = new GuardedStudyView(population, ["minimize", "maximize"], "conformance");
          const values: Record<number, number> = {};
          for (let s = 0; s < steps; s++) values[s] = 5 + s;
          const trial = view.put(makeFrozenTrial({ number: population.length, state: "running", intermediateValues: values }));
          let decision: boolean | undefined;
          try {
            decision = checkedPrune(make(), view, trial, `scalar-only trial at step ${steps - 1}`);
          } catch (e) {
            assert.ok(
              e instanceof OuroborosError && e.code === "unsupported",
              `expected false or OuroborosError("unsupported"), but it threw ${(e as Error).stack ?? String(e)}`,
            );
          }
          if (decision !== undefined) assert.equal(decision, false, "pruned a multi-objective trial from scalar reports");
        }
      },
    },
  ];
}

/**
 * Registers the pruner conformance tests (`node:test`) for the pruners `make` builds: a `describe`
 * block named after `name` with one test per check of {@link prunerConformanceChecks}. Every check
 * runs on every pruner.
 *
 * Options: `directionSensitive` = true (false for pruners with absolute bounds, such as
 * thresholds), `rebuild` = `createPruner` (give your own for pruners outside the registry).
 */
export function runPrunerConformance(name: string, make: () => Pruner, options: PrunerConformanceOptions = {}): void {
  describe(`pruner conformance: ${name}`, () => {
    for (const check of prunerConformanceChecks(make, options)) test(check.name, check.run);
  });
}
