/**
 * Mutation of a configuration over a mixed search space: the one operator regularized evolution
 * applies to a parent, kept as a small pluggable function so other evolutionary searches (neural
 * architecture search, say) can reuse it or swap their own in.
 */
import { cardinality, containsInternal, snapInternal, type Distribution } from "../../core/distributions.js";
import { OuroborosError } from "../../core/errors.js";
import type { Random } from "../../core/rng.js";
import { uniformToInternal } from "../random.js";
import { fromUnit, toUnit } from "../nsga/unit-space.js";

/**
 * A mutation operator: a child from a parent's internal values (`params`) over `space` (the
 * parent's distributions), drawing only from `rng`. It returns the child's internal values; a name
 * it leaves out is sampled afresh at random by the sampler (so dropping a parameter is a valid way
 * to ask for a resample). It must not modify its arguments.
 */
export type MutationOperator = (
  params: Readonly<Record<string, number>>,
  space: Readonly<Record<string, Distribution>>,
  rng: Random,
) => Record<string, number>;

/** Options of {@link gaussianMutation}. */
export interface GaussianMutationOptions {
  /** How many distinct parameters to change per child. Default 1 (Real et al.'s single mutation). */
  readonly nMutations?: number;
  /** Standard deviation of a numeric perturbation, as a fraction of the (log-)range. Default 0.1. */
  readonly sigma?: number;
  /** Probability that a numeric parameter is re-drawn uniformly instead of perturbed. Default 0.1. */
  readonly resampleProb?: number;
}

/** Checks the options of {@link gaussianMutation} and returns them with their defaults. */
export function resolveMutationOptions(owner: string, options: GaussianMutationOptions): Required<GaussianMutationOptions> {
  const bad = (msg: string): never => {
    throw new OuroborosError("invalid-argument", `${owner}: ${msg}`);
  };
  const nMutations = options.nMutations ?? 1;
  const sigma = options.sigma ?? 0.1;
  const resampleProb = options.resampleProb ?? 0.1;
  if (!(Number.isInteger(nMutations) && nMutations >= 1)) bad(`nMutations must be an integer >= 1, but got ${nMutations}`);
  if (!(typeof sigma === "number" && sigma > 0 && Number.isFinite(sigma))) bad(`sigma must be a positive finite number, but got ${sigma}`);
  if (!(typeof resampleProb === "number" && resampleProb >= 0 && resampleProb <= 1)) bad(`resampleProb must be a probability in [0, 1], but got ${resampleProb}`);
  return { nMutations, sigma, resampleProb };
}

/** Folds any real number into [0, 1] by reflection at the ends, so perturbations do not pile up on a bound. */
function reflect(u: number): number {
  if (!Number.isFinite(u)) return 0.5;
  const m = ((u % 2) + 2) % 2;
  return m <= 1 ? m : 2 - m;
}

/** One perturbation or resample of a numeric value, guaranteed to differ on a grid of two or more points. */
function mutateNumeric(d: Exclude<Distribution, { kind: "categorical" }>, x: number, rng: Random, sigma: number, resampleProb: number): number {
  if (rng.next() < resampleProb) return uniformToInternal(d, rng.next());
  const z = rng.normal();
  const y = fromUnit(d, reflect(toUnit(d, x) + sigma * z));
  if (y !== x || (d.kind === "float" && d.step === undefined)) return y;
  // A small perturbation of a coarse grid snaps back to the parent: move one grid point instead,
  // in the direction drawn (or the other way at a bound), so a mutation always changes something.
  const step = d.step ?? 1;
  const sign = z >= 0 ? 1 : -1;
  const forward = snapInternal(d, x + sign * step);
  return forward !== x ? forward : snapInternal(d, x - sign * step);
}

/**
 * The default mutation of regularized evolution: `nMutations` distinct parameters of the parent
 * (chosen uniformly among those with more than one value) are changed, the others copied.
 *
 * A categorical is re-drawn uniformly among its *other* choices. A numeric parameter is re-drawn
 * uniformly with probability `resampleProb`; otherwise it is perturbed by a Gaussian step of
 * standard deviation `sigma` in the unit interval of its range (log-scaled ones in log space),
 * reflected at the bounds and snapped back to its integer or step grid (one grid point away when the
 * step snaps back to the parent). Names are visited in sorted order so the result depends only on
 * the values and `rng`, not on how `params` was built.
 *
 * Options (defaults): `nMutations` (1), `sigma` (0.1), `resampleProb` (0.1).
 *
 * @see E. Real, A. Aggarwal, Y. Huang & Q. V. Le, "Regularized evolution for image classifier
 *   architecture search", AAAI 2019 (section "Mutations").
 */
export function gaussianMutation(options: GaussianMutationOptions = {}): MutationOperator {
  const { nMutations, sigma, resampleProb } = resolveMutationOptions("gaussianMutation", options);
  return (params, space, rng) => {
    const child: Record<string, number> = {};
    const mutable: string[] = [];
    for (const name of Object.keys(params).sort()) {
      const d = space[name];
      const x = params[name] as number;
      if (d === undefined || !containsInternal(d, x)) continue;
      child[name] = x;
      if (cardinality(d) > 1) mutable.push(name);
    }
    // A partial Fisher–Yates shuffle picks the mutated names without repeats.
    const k = Math.min(nMutations, mutable.length);
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(mutable.length - i);
      const name = mutable[j] as string;
      mutable[j] = mutable[i] as string;
      mutable[i] = name;
      const d = space[name] as Distribution;
      const x = child[name] as number;
      if (d.kind === "categorical") {
        const other = rng.int(d.choices.length - 1);
        child[name] = other >= x ? other + 1 : other;
      } else {
        child[name] = mutateNumeric(d, x, rng, sigma, resampleProb);
      }
    }
    return child;
  };
}
