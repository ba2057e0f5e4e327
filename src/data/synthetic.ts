/**
 * Seeded synthetic datasets with known signal, for tests and benchmarks: which columns carry the
 * signal is returned, so a test can check that a learner or a feature-importance method finds them.
 *
 * - {@link makeClassification}: standard-normal informative features (and categorical ones with a
 *   per-level effect) give each class a linear score; the label is drawn from the softmax of the
 *   scores (so classes overlap a little, as in real data), then noise features are added.
 * - {@link makeRegression}: a linear target of informative features with coefficients ±U(1, 3),
 *   categorical level effects and Gaussian noise.
 * - {@link makeFriedman1}: Friedman's #1 benchmark, `y = 10 sin(π x0 x1) + 20 (x2 − 0.5)² + 10 x3 +
 *   5 x4 + noise·ε` on uniform features, with extra uniform noise features.
 *
 * Cells are then made missing completely at random with probability `missingRate` (features only;
 * the target is never missing). Columns are named `f0, f1, …` (numeric, informative ones at shuffled
 * positions) and `c0, c1, …` (categorical, levels `"a"`, `"b"`, …), so the names reveal nothing.
 *
 * @see J. H. Friedman, "Multivariate adaptive regression splines", Annals of Statistics 19(1), 1991.
 * @see I. Guyon, "Design of experiments for the NIPS 2003 variable selection benchmark", 2003 (the
 *   design behind scikit-learn's `make_classification`).
 */
import { OuroborosError } from "../core/errors.js";
import { deriveSeed, Random } from "../core/rng.js";
import { classTarget, makeDataset, regressionTarget, type Dataset } from "./dataset.js";
import { categoricalColumn, makeTable, numericColumn, type Column } from "./table.js";

/** Options shared by the generators. */
export interface SyntheticOptions {
  /** Rows. Default 1000. */
  readonly nRows?: number;
  /** Numeric columns that carry signal. Default 5. */
  readonly nInformative?: number;
  /** Numeric columns of pure noise. Default 5. */
  readonly nNoise?: number;
  /** Categorical columns (each informative), with `nLevels` levels. Default 0. */
  readonly nCategorical?: number;
  /** Levels per categorical column. Default 4. */
  readonly nLevels?: number;
  /** Probability that a feature cell is missing. Default 0. */
  readonly missingRate?: number;
  /** Seed. Default 0. */
  readonly seed?: number;
}

/** Options of {@link makeClassification}. */
export interface ClassificationOptions extends SyntheticOptions {
  /** Classes. Default 2. */
  readonly nClasses?: number;
  /** Scale of the class scores: larger separates classes more. Default 3. */
  readonly classSep?: number;
}

/** Options of {@link makeRegression}. */
export interface RegressionOptions extends SyntheticOptions {
  /** Standard deviation of the Gaussian noise added to the target. Default 1. */
  readonly noise?: number;
}

/** Options of {@link makeFriedman1}. */
export interface FriedmanOptions {
  readonly nRows?: number;
  /** Uniform noise features besides the five informative ones. Default 5. */
  readonly nNoise?: number;
  /** Standard deviation of the Gaussian noise. Default 1. */
  readonly noise?: number;
  readonly missingRate?: number;
  readonly seed?: number;
}

/** A synthetic dataset and where its signal is. */
export interface SyntheticDataset {
  readonly dataset: Dataset;
  /** Columns the target depends on. */
  readonly informative: readonly string[];
  /** Columns independent of the target. */
  readonly noise: readonly string[];
}

/** Classification data with known informative columns (see the module comment). */
export function makeClassification(options: ClassificationOptions = {}): SyntheticDataset {
  const nClasses = integer("nClasses", options.nClasses ?? 2, 2);
  const classSep = options.classSep ?? 3;
  const design = designFeatures("makeClassification", options);
  const { rng, nRows } = design;
  const nSignals = design.numericSignals.length + design.categoricalSignals.length;
  // Weights with magnitudes in [0.5, 1.5] so that every informative column matters.
  const weight = (): number => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1.5);
  const w = design.numericSignals.map(() => Array.from({ length: nClasses }, weight));
  const e = design.categoricalSignals.map((c) => c.levelsUsed.map(() => Array.from({ length: nClasses }, weight)));
  const scale = classSep / Math.sqrt(Math.max(1, nSignals));
  const labels: string[] = [];
  const scores = new Float64Array(nClasses);
  for (let i = 0; i < nRows; i++) {
    scores.fill(0);
    design.numericSignals.forEach((x, j) => {
      for (let k = 0; k < nClasses; k++) scores[k]! += w[j]![k]! * x[i]!;
    });
    design.categoricalSignals.forEach((c, j) => {
      for (let k = 0; k < nClasses; k++) scores[k]! += e[j]![c.levels[i]!]![k]!;
    });
    // Gumbel-max: argmax(score + Gumbel noise) is a draw from softmax(score).
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < nClasses; k++) {
      const g = scale * scores[k]! - Math.log(-Math.log(1 - rng.next()));
      if (g > bestValue) {
        bestValue = g;
        best = k;
      }
    }
    labels.push(String(best));
  }
  return design.finish(classTarget(labels));
}

/** Regression data with a linear signal on known columns (see the module comment). */
export function makeRegression(options: RegressionOptions = {}): SyntheticDataset & { readonly coefficients: Readonly<Record<string, number>> } {
  const noise = options.noise ?? 1;
  const design = designFeatures("makeRegression", options);
  const { rng, nRows } = design;
  const coefficients: Record<string, number> = {};
  const w = design.numericSignals.map((_, j) => {
    const c = (rng.next() < 0.5 ? -1 : 1) * rng.uniform(1, 3);
    coefficients[design.numericNames[j]!] = c;
    return c;
  });
  const effects = design.categoricalSignals.map((c) => c.levelsUsed.map(() => rng.uniform(-3, 3)));
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let s = 0;
    design.numericSignals.forEach((x, j) => (s += w[j]! * x[i]!));
    design.categoricalSignals.forEach((c, j) => (s += effects[j]![c.levels[i]!]!));
    y[i] = s + noise * rng.normal();
  }
  return { ...design.finish(regressionTarget(y)), coefficients };
}

/** Friedman's #1 regression benchmark (see the module comment); informative columns are `x0`…`x4`. */
export function makeFriedman1(options: FriedmanOptions = {}): SyntheticDataset {
  const nRows = integer("nRows", options.nRows ?? 1000, 1);
  const nNoise = integer("nNoise", options.nNoise ?? 5, 0);
  const noise = options.noise ?? 1;
  const rng = new Random(deriveSeed(options.seed ?? 0, "friedman1"));
  const p = 5 + nNoise;
  const x = Array.from({ length: p }, () => new Float64Array(nRows));
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < p; j++) x[j]![i] = rng.next();
    const [a, b, c, d, e] = [x[0]![i]!, x[1]![i]!, x[2]![i]!, x[3]![i]!, x[4]![i]!];
    y[i] = 10 * Math.sin(Math.PI * a * b) + 20 * (c - 0.5) ** 2 + 10 * d + 5 * e + noise * rng.normal();
  }
  const names = x.map((_, j) => `x${j}`);
  const columns = x.map((v, j) => numericColumn(names[j]!, punchHoles(v, options.missingRate ?? 0, rng)));
  return { dataset: makeDataset(makeTable(columns), regressionTarget(y)), informative: names.slice(0, 5), noise: names.slice(5) };
}

interface CategoricalSignal {
  /** Level index per row. */
  readonly levels: Int32Array;
  readonly levelsUsed: readonly string[];
}

/** Draws the feature columns shared by the classification and regression generators. */
function designFeatures(who: string, options: SyntheticOptions) {
  const nRows = integer("nRows", options.nRows ?? 1000, 1);
  const nInformative = integer("nInformative", options.nInformative ?? 5, 0);
  const nNoise = integer("nNoise", options.nNoise ?? 5, 0);
  const nCategorical = integer("nCategorical", options.nCategorical ?? 0, 0);
  const nLevels = integer("nLevels", options.nLevels ?? 4, 2);
  const missingRate = options.missingRate ?? 0;
  if (!(missingRate >= 0 && missingRate < 1)) throw new OuroborosError("invalid-argument", `${who}: \`missingRate\` must be in [0, 1), but got ${missingRate}`);
  if (nInformative + nCategorical === 0) throw new OuroborosError("invalid-argument", `${who}: needs at least one informative column (nInformative + nCategorical ≥ 1), but got 0`);
  const rng = new Random(deriveSeed(options.seed ?? 0, who));

  // Informative numeric columns take shuffled positions among f0…f(p−1).
  const p = nInformative + nNoise;
  const positions = rng.shuffle(Array.from({ length: p }, (_, j) => j));
  const numeric = Array.from({ length: p }, () => {
    const v = new Float64Array(nRows);
    for (let i = 0; i < nRows; i++) v[i] = rng.normal();
    return v;
  });
  const informativeIdx = positions.slice(0, nInformative).sort((a, b) => a - b);
  const noiseIdx = positions.slice(nInformative).sort((a, b) => a - b);
  const levelNames = Array.from({ length: nLevels }, (_, k) => String.fromCharCode(97 + (k % 26)) + (k >= 26 ? String(k) : ""));
  const categoricalSignals: CategoricalSignal[] = Array.from({ length: nCategorical }, () => ({ levels: Int32Array.from({ length: nRows }, () => rng.int(nLevels)), levelsUsed: levelNames }));

  return {
    rng,
    nRows,
    numericSignals: informativeIdx.map((j) => numeric[j]!),
    numericNames: informativeIdx.map((j) => `f${j}`),
    categoricalSignals,
    /** Builds the dataset once the target is drawn (holes are punched after, so they never touch it). */
    finish(y: Parameters<typeof makeDataset>[1]): SyntheticDataset {
      const columns: Column[] = numeric.map((v, j) => numericColumn(`f${j}`, punchHoles(v, missingRate, rng)));
      categoricalSignals.forEach((c, j) => {
        const cells = Array.from(c.levels, (k) => (missingRate > 0 && rng.next() < missingRate ? null : levelNames[k]!));
        columns.push(categoricalColumn(`c${j}`, cells));
      });
      return {
        dataset: makeDataset(makeTable(columns, nRows), y),
        informative: [...informativeIdx.map((j) => `f${j}`), ...categoricalSignals.map((_, j) => `c${j}`)],
        noise: noiseIdx.map((j) => `f${j}`),
      };
    },
  };
}

function punchHoles(v: Float64Array, rate: number, rng: Random): Float64Array {
  if (rate <= 0) return v;
  const out = Float64Array.from(v);
  for (let i = 0; i < out.length; i++) if (rng.next() < rate) out[i] = Number.NaN;
  return out;
}

function integer(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new OuroborosError("invalid-argument", `\`${name}\` must be an integer ≥ ${min}, but got ${v}`);
  return v;
}
