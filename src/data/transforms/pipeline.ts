/**
 * A sequence of transforms fitted in order: step i is fitted on the output of steps 0…i−1 applied to
 * the training rows (through `fitTransform`, so a target encoder's training output is out of fold),
 * and a fitted pipeline applies its fitted steps in the same order. A pipeline is itself a
 * {@link Transform}, so pipelines nest and save the same way as single steps: its state is the list
 * of its steps' `{kind, params, state}`.
 */
import type { JsonValue } from "../../core/json.js";
import type { Target } from "../dataset.js";
import type { Table } from "../table.js";
import { fitTransform, transformSpec, type FittedTransform, type Transform } from "./transform.js";

/** Transforms applied one after another (see the module comment). */
export class Pipeline implements Transform {
  readonly kind = "pipeline";

  constructor(readonly steps: readonly Transform[]) {}

  get params(): JsonValue {
    return { steps: this.steps.map((s) => ({ kind: s.kind, params: s.params })) };
  }

  fit(table: Table, target?: Target): FittedPipeline {
    return this.fitTransform(table, target).fitted;
  }

  fitTransform(table: Table, target?: Target): { fitted: FittedPipeline; output: Table } {
    const fitted: FittedTransform[] = [];
    let current = table;
    for (const step of this.steps) {
      const r = fitTransform(step, current, target);
      fitted.push(r.fitted);
      current = r.output;
    }
    return { fitted: new FittedPipeline(fitted), output: current };
  }
}

/** A {@link Pipeline} with every step fitted. */
export class FittedPipeline implements FittedTransform {
  readonly kind = "pipeline";

  constructor(readonly steps: readonly FittedTransform[]) {}

  get params(): JsonValue {
    return { steps: this.steps.map((s) => ({ kind: s.kind, params: s.params })) };
  }

  get state(): JsonValue {
    return { steps: this.steps.map((s) => ({ ...transformSpec(s) })) };
  }

  transform(table: Table): Table {
    let current = table;
    for (const step of this.steps) current = step.transform(current);
    return current;
  }
}
