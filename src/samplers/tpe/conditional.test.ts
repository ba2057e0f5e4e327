import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Distribution, ParamValue } from "../../core/distributions.js";
import type { FrozenTrial } from "../../core/frozen-trial.js";
import { makeFrozenTrial, StaticStudyView } from "../../testing/static-study-view.js";
import { paramSpace, toModelSpace } from "./param-space.js";
import { TPESampler } from "./sampler.js";

// A conditional space: `model` chooses which sub-parameters a trial has.
const SPACE: Record<string, Distribution> = {
  model: { kind: "categorical", choices: ["linear", "tree", "net"] },
  alpha: { kind: "float", low: 1e-5, high: 1, log: true },
  l1: { kind: "float", low: 0, high: 1 },
  depth: { kind: "int", low: 1, high: 15 },
  lr: { kind: "float", low: 1e-3, high: 1, log: true },
  subsample: { kind: "float", low: 0.1, high: 1 },
  layers: { kind: "int", low: 1, high: 4 },
  units: { kind: "int", low: 8, high: 512, log: true },
  dropout: { kind: "float", low: 0, high: 0.5 },
  opt: { kind: "categorical", choices: ["adam", "sgd"] },
};

/** A deterministic conditional history (the same arithmetic as the fixture's generator). */
function history(n: number): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const f = (i * 0.6180339887) % 1;
    const g = (i * 0.4142135623) % 1;
    const model = (["linear", "tree", "net"] as const)[(i * i + Math.floor(i / 3)) % 3] as string;
    const p: Record<string, ParamValue> = { model };
    if (model === "linear") Object.assign(p, { alpha: 1e-5 + f * 0.5, l1: g });
    else if (model === "tree") Object.assign(p, { depth: 1 + ((i * 5) % 15), lr: 0.001 + 0.9 * f, subsample: 0.1 + 0.9 * g });
    else Object.assign(p, { layers: 1 + ((i * 3) % 4), units: 8 + ((i * 37) % 505), dropout: 0.5 * f, opt: ["adam", "sgd"][i % 2] as string });
    const internalParams: Record<string, number> = {};
    const distributions: Record<string, Distribution> = {};
    for (const [k, v] of Object.entries(p)) {
      const d = SPACE[k] as Distribution;
      distributions[k] = d;
      internalParams[k] = d.kind === "categorical" ? d.choices.indexOf(v as string) : (v as number);
    }
    const value = ((i * 37) % 61) / 61 + (model === "net" ? 0 : model === "tree" ? 0.2 : 0.5);
    trials.push(makeFrozenTrial({ number: i, value, internalParams, distributions }));
  }
  return trials;
}

const POINTS: Record<string, readonly ParamValue[]> = {
  model: ["linear", "tree", "net"],
  alpha: [1e-5, 3e-3, 0.2, 1],
  l1: [0, 0.3, 0.97],
  depth: [1, 4, 7, 15],
  lr: [0.001, 0.03, 0.5],
  subsample: [0.1, 0.55, 1],
  layers: [1, 2, 4],
  units: [8, 100, 512],
  dropout: [0, 0.2, 0.5],
  opt: ["adam", "sgd"],
};

/**
 * Optuna 3.1.0's log l(x) and log g(x) for each parameter of the history above at POINTS, with
 * default TPESampler settings (univariate): produced once at development time with Debian's
 * python3-optuna (`_get_observation_pairs`, `_split_observation_pairs`, `_ParzenEstimator`);
 * the test itself needs no Python. nBelow / nAbove are the observations each estimator is fitted on.
 */
const OPTUNA: Record<string, Record<string, { nBelow: number; nAbove: number; l: number[]; g: number[] }>> = {
  15: {
    model: { nBelow: 2, nAbove: 13, l: [-1.5040773967762742, -0.9444616088408513, -0.9444616088408513], g: [-1.1592369104845446, -0.9873866535578856, -1.1592369104845446] },
    alpha: { nBelow: 0, nAbove: 4, l: [-0.08402219950905043, 0.04096733175123757, -0.023896380414678453, -0.08402219950905043], g: [-1.0304550557710668, -0.9359034356060694, -0.5652391057719224, -0.6676189377289008] },
    l1: { nBelow: 0, nAbove: 4, l: [-0.08402219950905043, 0.02097780049094955, -0.06947219950905037], g: [-0.909421455360081, -0.8733701767130306, -1.0445627218628708] },
    depth: { nBelow: 1, nAbove: 5, l: [-2.8117896089844683, -2.557234791584337, -2.5087946986585297, -3.2034055312204464], g: [-2.3358567219760626, -2.687419744890438, -2.8873131690793254, -3.5235189751797855] },
    lr: { nBelow: 1, nAbove: 5, l: [-0.7296804872805043, -0.33090701614152, -0.341280062244009], g: [-1.865178672928595, -1.475780047765146, -0.5066862651764468] },
    subsample: { nBelow: 1, nAbove: 5, l: [-0.29435522451819296, -0.3450804958862242, -0.7399177881760144], g: [-1.6442663413019847, -0.9928110950195699, -1.025840359220745] },
    layers: { nBelow: 1, nAbove: 4, l: [-1.8858263424145147, -1.5224128114093527, -1.1043035895648077], g: [-1.8982029048408369, -1.4585615926939068, -1.320334130670732] },
    units: { nBelow: 1, nAbove: 4, l: [-0.7257511268115069, -0.27769425767971473, -0.40012565951157725], g: [-1.3840297644856228, -0.9485932089217195, -0.8471358262717628] },
    dropout: { nBelow: 1, nAbove: 4, l: [-0.2244103831155183, -0.24908718072441993, -0.7148276092379791], g: [-0.9228546262939282, -0.7711762881975684, -1.2862396834953245] },
    opt: { nBelow: 1, nAbove: 4, l: [-0.9808292530117262, -0.4700036292457356], g: [-0.4418327522790392, -1.029619417181158] },
  },
  60: {
    model: { nBelow: 6, nAbove: 54, l: [-2.0149030205422647, -1.455287232606842, -0.4567584024957151], g: [-1.046519590458109, -1.0337654612915785, -1.226978723185375] },
    alpha: { nBelow: 0, nAbove: 19, l: [-0.08402219950905043, 0.04096733175123757, -0.023896380414678453, -0.08402219950905043], g: [-2.4329707058658014, -2.279158178826572, -1.310116929433308, -2.4115350785389467] },
    l1: { nBelow: 0, nAbove: 19, l: [-0.08402219950905043, 0.02097780049094955, -0.06947219950905037], g: [-2.0781947024777008, -2.0586288553983505, -2.303071769577328] },
    depth: { nBelow: 1, nAbove: 20, l: [-3.2717699531620825, -2.950762563166571, -2.646186811875188, -2.696854373579525], g: [-1.5473819546966139, -3.7794261275106313, -2.6012182862529936, -4.989141038494942] },
    lr: { nBelow: 1, nAbove: 20, l: [-0.7296956008864746, -0.3364626648300679, -0.21581034119746612], g: [-3.1285426211839527, -2.6204764120093276, -1.5036882652478778] },
    subsample: { nBelow: 1, nAbove: 20, l: [-0.7303165962010895, -0.327079168478359, -0.4290743822949923], g: [-2.29004714236465, -2.227101026942914, -2.50239753057281] },
    layers: { nBelow: 5, nAbove: 15, l: [-1.6686545716163281, -1.4737779598081557, -1.1524208257218223], g: [-1.5819165733117986, -1.3309774595941513, -1.5768241138367654] },
    units: { nBelow: 5, nAbove: 15, l: [-1.8656686580814532, -0.9588869301580281, -1.0385228704095946], g: [-2.203873005899889, -2.1281310843790227, -1.8035234810482943] },
    dropout: { nBelow: 5, nAbove: 15, l: [-1.3354130954842716, -1.0702131262768497, -1.4690335554367802], g: [-2.2073185802339657, -1.9623987737623798, -2.3671263054600478] },
    opt: { nBelow: 5, nAbove: 15, l: [-0.826678573184468, -0.575364144903562], g: [-0.6390799592896694, -0.750305594399894] },
  },
};

describe("TPE on a conditional space", () => {
  for (const n of [15, 60]) {
    it(`splits over all ${n} trials and fits each parameter on the trials that have it, as Optuna 3.1`, () => {
      const view = new StaticStudyView(history(n));
      const sampler = new TPESampler({ seed: 1, nStartupTrials: 0 });
      for (const [name, d] of Object.entries(SPACE)) {
        const want = OPTUNA[String(n)]?.[name];
        assert.ok(want, name);
        const sp = paramSpace(name, d);
        const points = Float64Array.from(POINTS[name] ?? [], (x) => toModelSpace(sp, d.kind === "categorical" ? d.choices.indexOf(x as string) : (x as number)));
        const got = sampler.logDensities(view, { [name]: d }, [points]);
        assert.equal(got.nBelow, want.nBelow, `${name}: observations below`);
        assert.equal(got.nAbove, want.nAbove, `${name}: observations above`);
        for (let i = 0; i < points.length; i++) {
          assert.ok(Math.abs((got.logL[i] as number) - (want.l[i] as number)) < 1e-9, `${name} l at ${POINTS[name]?.[i]}: ${got.logL[i]} vs Optuna ${want.l[i]}`);
          assert.ok(Math.abs((got.logG[i] as number) - (want.g[i] as number)) < 1e-9, `${name} g at ${POINTS[name]?.[i]}: ${got.logG[i]} vs Optuna ${want.g[i]}`);
        }
      }
    });
  }
});
