"""The Optuna side of bench/samplers.ts (run with /usr/bin/python3, Optuna 3.1 from Debian).

Reads one JSON job on stdin, writes one JSON result on stdout; progress goes to stderr.
Jobs: {"mode": "versions"}
      | {"mode": "check", "points": [{"kind": "single" | "multi" | "fidelity", "problem", "params", "step"?}]}
      | {"mode": "single", "sampler", "problem", "seeds", "nTrials", "checkpoints"}
      | {"mode": "multi", "sampler", "problem", "seeds", "nTrials"}
      | {"mode": "fidelity", "sampler", "problem", "seeds", "checkpoints" (budgets in full evaluations), "hyperband"}
Samplers: "tpe" (TPESampler defaults), "cmaes" (CmaEsSampler defaults; its backend is Debian's
python3-cmaes), "random", and for "multi" "nsga2" (NSGAIISampler defaults) or "random".

Every run uses study.ask()/tell() so the time of the sampler (ask + suggest + tell, the objective
excluded) is measured per trial the same way as on the TypeScript side: process CPU time and wall time.
"""
import json
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from problems import MF_PROBLEMS, MO_PROBLEMS, PROBLEMS, evaluate, evaluate_fidelity, evaluate_multi, suggest_all  # noqa: E402


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def import_optuna():
    warnings.filterwarnings("ignore")
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def make_sampler(optuna, kind, seed):
    if kind == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if kind == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if kind == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    raise ValueError("unknown sampler %r" % (kind,))


def study_name(problem, seed):
    """A fixed name: HyperbandPruner hashes the study name to pick brackets, so a random one would make seeded runs unrepeatable."""
    return "%s-seed%d" % (problem, seed)


def versions():
    optuna = import_optuna()
    import numpy

    try:
        import cmaes

        cmaes_version = cmaes.__version__
    except ImportError:
        cmaes_version = None
    import platform

    return {"python": platform.python_version(), "optuna": optuna.__version__, "numpy": numpy.__version__, "cmaes": cmaes_version}


def run_loop(study, n_trials, objective, on_trial):
    """Runs n_trials through ask/tell; returns per-trial sampler CPU and wall milliseconds (objective excluded)."""
    cpu_ms = []
    wall_ms = []
    for i in range(n_trials):
        c0 = time.process_time()
        w0 = time.perf_counter()
        trial = study.ask()
        value, obj_s = objective(trial)
        study.tell(trial, value)
        w1 = time.perf_counter()
        c1 = time.process_time()
        wall_ms.append((w1 - w0 - obj_s) * 1000.0)
        cpu_ms.append(max(0.0, (c1 - c0 - obj_s) * 1000.0))
        on_trial(i + 1, value)
    return cpu_ms, wall_ms


def single(job):
    optuna = import_optuna()
    name = job["problem"]
    spec = PROBLEMS[name]
    checkpoints = set(job["checkpoints"])
    runs = []
    for seed in job["seeds"]:
        study = optuna.create_study(sampler=make_sampler(optuna, job["sampler"], seed), direction="minimize", study_name=study_name(name, seed))
        state = {"best": float("inf"), "at": {}}

        def objective(trial):
            params = suggest_all(trial, spec)
            t0 = time.perf_counter()
            v = evaluate(name, params)
            return v, time.perf_counter() - t0

        def on_trial(k, v):
            if v < state["best"]:
                state["best"] = v
            if k in checkpoints:
                state["at"][str(k)] = state["best"]

        t0 = time.perf_counter()
        cpu_ms, wall_ms = run_loop(study, job["nTrials"], objective, on_trial)
        runs.append({"seed": seed, "bestAt": state["at"], "cpuMs": cpu_ms, "wallMs": wall_ms, "wallS": time.perf_counter() - t0})
        log("  optuna %s %s seed %d: best %.6g, %.2f ms/trial" % (job["sampler"], name, seed, state["best"], sum(cpu_ms) / len(cpu_ms)))
    return {"runs": runs}


def multi(job):
    optuna = import_optuna()
    name = job["problem"]
    spec = MO_PROBLEMS[name]
    m = len(spec["reference"])
    runs = []
    for seed in job["seeds"]:
        study = optuna.create_study(sampler=make_sampler(optuna, job["sampler"], seed), directions=["minimize"] * m, study_name=study_name(name, seed))
        values = []

        def objective(trial):
            params = suggest_all(trial, spec)
            t0 = time.perf_counter()
            v = evaluate_multi(name, params)
            return v, time.perf_counter() - t0

        t0 = time.perf_counter()
        cpu_ms, wall_ms = run_loop(study, job["nTrials"], objective, lambda _k, v: values.append(v))
        runs.append({"seed": seed, "values": values, "cpuMs": cpu_ms, "wallMs": wall_ms, "wallS": time.perf_counter() - t0})
        log("  optuna %s %s seed %d: %.2f ms/trial" % (job["sampler"], name, seed, sum(cpu_ms) / len(cpu_ms)))
    return {"runs": runs}


def fidelity(job):
    """Multi-fidelity runs until max(budgets) x maxResource steps are spent, as runs.ts does: with
    "hyperband", HyperbandPruner(min 1, max maxResource, eta 3) and a report + should_prune after
    every step; without, every trial trains all steps. Returns the best full-fidelity value among the
    trials finished within each budget."""
    optuna = import_optuna()
    from optuna.trial import TrialState

    name = job["problem"]
    spec = MF_PROBLEMS[name]
    r_max = spec["maxResource"]
    budgets = job["checkpoints"]
    total = max(budgets) * r_max
    runs = []
    for seed in job["seeds"]:
        t0 = time.perf_counter()
        pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=r_max, reduction_factor=3) if job.get("hyperband") else optuna.pruners.NopPruner()
        study = optuna.create_study(sampler=make_sampler(optuna, job["sampler"], seed), pruner=pruner, direction="minimize", study_name=study_name(name, seed))
        events = []
        spent = 0
        completed = 0
        while spent < total:
            trial = study.ask()
            params = suggest_all(trial, spec)
            final = None
            if not job.get("hyperband"):
                final = evaluate_fidelity(name, params, r_max)
                spent += r_max
            else:
                for t in range(1, r_max + 1):
                    v = evaluate_fidelity(name, params, t)
                    trial.report(v, t)
                    spent += 1
                    if t == r_max:
                        final = v
                    elif trial.should_prune():
                        break
            if final is None:
                study.tell(trial, state=TrialState.PRUNED)
            else:
                study.tell(trial, final)
                completed += 1
            events.append((spent, final))
        best_at = {}
        for b in budgets:
            vals = [f for (r, f) in events if r <= b * r_max and f is not None]
            best_at[str(b)] = min(vals) if vals else None  # JSON has no Infinity; None reads as "none finished"
        runs.append({"seed": seed, "bestAt": best_at, "trials": len(events), "completed": completed, "wallS": time.perf_counter() - t0})
        log("  optuna %s%s %s seed %d: best %s after %d trials" % (job["sampler"], "+hyperband" if job.get("hyperband") else "", name, seed, best_at[str(max(budgets))], len(events)))
    return {"runs": runs}


def check(job):
    out = []
    for p in job["points"]:
        if p["kind"] == "single":
            out.append([evaluate(p["problem"], p["params"])])
        elif p["kind"] == "multi":
            out.append(evaluate_multi(p["problem"], p["params"]))
        else:
            out.append([evaluate_fidelity(p["problem"], p["params"], p["step"])])
    return {"values": out, "mfProblems": sorted(MF_PROBLEMS)}


def main():
    job = json.load(sys.stdin)
    mode = job["mode"]
    if mode == "versions":
        out = versions()
    elif mode == "check":
        out = check(job)
    elif mode == "single":
        out = single(job)
    elif mode == "multi":
        out = multi(job)
    elif mode == "fidelity":
        out = fidelity(job)
    else:
        raise ValueError("unknown mode %r" % (mode,))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
