"""The benchmark problems for the Optuna side: spaces and optima come from problems.json (shared
with problems.ts); the formulas here mirror problems.ts line for line. efficiency.ts checks on
fixed points that both agree to 1e-9 before any run."""
import json
import math
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "problems.json")) as f:
    PROBLEMS = json.load(f)["problems"]


def is_active(spec, chosen):
    cond = spec.get("if")
    if not cond:
        return True
    return all(chosen.get(k) == v for k, v in cond.items())


def suggest_all(trial, problem):
    out = {}
    for p in problem["params"]:
        if not is_active(p, out):
            continue
        if p["type"] == "categorical":
            out[p["name"]] = trial.suggest_categorical(p["name"], p["choices"])
        elif p["type"] == "float":
            out[p["name"]] = trial.suggest_float(p["name"], p["low"], p["high"], log=bool(p.get("log", False)))
        else:
            out[p["name"]] = trial.suggest_int(p["name"], p["low"], p["high"], log=bool(p.get("log", False)))
    return out


def _vec(p, d):
    return [float(p["x%d" % i]) for i in range(d)]


def _sq(x):
    return x * x


HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN_P = [
    [1312, 1696, 5569, 124, 8283, 5886],
    [2329, 4135, 8307, 3736, 1004, 9991],
    [2348, 1451, 3522, 2883, 3047, 6650],
    [4047, 8828, 8732, 5743, 1091, 381],
]
MIXED = {"q0": [3, -6, 1.5, 0.5], "q1": [-4, 5, -2.5, 1], "q2": [7, 1, 0.5, 0], "q3": [-2, 0, 3, 2]}


def overhead5(p):
    c = 0 if p["c"] == "a" else 1 if p["c"] == "b" else 2
    return _sq(p["x"]) + _sq(p["y"]) + _sq(math.log10(p["lr"]) + 3) + _sq(p["n"] - 50) / 100 + c


def branin(p):
    x1, x2 = float(p["x1"]), float(p["x2"])
    b = 5.1 / (4 * math.pi * math.pi)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return _sq(x2 - b * x1 * x1 + c * x1 - 6) + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(p):
    x = _vec(p, 6)
    s = 0.0
    for i in range(4):
        inner = 0.0
        for j in range(6):
            inner += HARTMANN_A[i][j] * _sq(x[j] - HARTMANN_P[i][j] * 1e-4)
        s += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -s


def rosenbrock5(p):
    x = _vec(p, 5)
    s = 0.0
    for i in range(4):
        s += 100 * _sq(x[i + 1] - x[i] * x[i]) + _sq(x[i] - 1)
    return s


def ackley5(p):
    x = _vec(p, 5)
    s2 = 0.0
    sc = 0.0
    for xi in x:
        s2 += xi * xi
        sc += math.cos(2 * math.pi * xi)
    d = len(x)
    return -20 * math.exp(-0.2 * math.sqrt(s2 / d)) - math.exp(sc / d) + 20 + math.e


def levy10(p):
    w = [1 + (xi - 1) / 4 for xi in _vec(p, 10)]
    d = len(w)
    s = _sq(math.sin(math.pi * w[0]))
    for i in range(d - 1):
        s += _sq(w[i] - 1) * (1 + 10 * _sq(math.sin(math.pi * w[i] + 1)))
    s += _sq(w[d - 1] - 1) * (1 + _sq(math.sin(2 * math.pi * w[d - 1])))
    return s


def styblinski8(p):
    s = 0.0
    for xi in _vec(p, 8):
        s += 0.5 * (xi**4 - 16 * xi * xi + 5 * xi)
    return s


def mixed(p):
    a, b, c, off = MIXED[p["shape"]]
    return _sq(p["i1"] - a) + _sq(p["i2"] - b) + _sq(p["x"] - c) + 0.5 * _sq(math.log10(p["n"]) - 2) + off


def conditional(p):
    model = p["model"]
    if model == "linear":
        return 0.5 + _sq(math.log10(p["alpha"]) + 3) / 4 + _sq(p["l1"] - 0.3)
    if model == "tree":
        return 0.2 + _sq((p["depth"] - 7) / 4) + _sq(math.log10(p["lr"]) + 1.5) / 2 + _sq(p["subsample"] - 0.8)
    if model == "net":
        return (
            0.3 * _sq(p["layers"] - 2)
            + _sq(math.log2(p["units"]) - 7) / 4
            + 4 * _sq(p["dropout"] - 0.2)
            + (0.3 if p["opt"] == "sgd" else 0)
        )
    raise ValueError("conditional: unknown model %r" % (model,))


FORMULAS = {
    "overhead5": overhead5,
    "branin": branin,
    "hartmann6": hartmann6,
    "rosenbrock5": rosenbrock5,
    "ackley5": ackley5,
    "levy10": levy10,
    "styblinski8": styblinski8,
    "mixed": mixed,
    "conditional": conditional,
}


def evaluate(name, params):
    return float(FORMULAS[name](params))


# Multi-objective and multi-fidelity problems (problems.json "multiObjective" / "multiFidelity"),
# kept apart from PROBLEMS so the single-objective benchmarks are unchanged.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "problems.json")) as f:
    _EXTRA = json.load(f)
MO_PROBLEMS = _EXTRA["multiObjective"]
MF_PROBLEMS = _EXTRA["multiFidelity"]


def _zdt(p, n, power):
    x = _vec(p, n)
    f1 = x[0]
    s = 0.0
    for i in range(1, n):
        s += x[i]
    g = 1 + (9 * s) / (n - 1)
    return [f1, g * (1 - (f1 / g) ** power)]


def dtlz2(p):
    x = _vec(p, 7)
    g = 0.0
    for i in range(2, 7):
        g += _sq(x[i] - 0.5)
    a = x[0] * math.pi / 2
    b = x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)]


MO_FORMULAS = {
    "zdt1": lambda p: _zdt(p, 10, 0.5),
    "zdt2": lambda p: _zdt(p, 10, 2),
    "dtlz2": dtlz2,
}


def hartmann6_mf(p, step):
    s = math.log(step) / math.log(27)
    bias = 0.0
    for xi in _vec(p, 6):
        bias += _sq(xi - 0.8)
    return hartmann6(p) + (1 - s) * (0.5 + (2 * bias) / 6)


MF_FORMULAS = {"hartmann6_mf": hartmann6_mf}


def evaluate_multi(name, params):
    return [float(v) for v in MO_FORMULAS[name](params)]


def evaluate_fidelity(name, params, step):
    return float(MF_FORMULAS[name](params, step))
