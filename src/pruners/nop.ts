/**
 * The pruner that never prunes.
 */
import type { Pruner } from "../core/pruner.js";

/**
 * A pruner that never prunes: every trial runs to the end. Use it to switch pruning off, or as the
 * baseline a pruner's savings are measured against. Works for any number of objectives.
 *
 * @example
 * ```ts
 * const study = createStudy({ direction: "minimize", pruner: new NopPruner() });
 * ```
 */
export class NopPruner implements Pruner {
  readonly kind = "nop";
  readonly params: Readonly<Record<string, never>> = {};

  prune(): boolean {
    return false;
  }
}
