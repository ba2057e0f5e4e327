"""The Optuna side of the benchmarks (run by overhead.ts / efficiency.ts with /usr/bin/python3).

Reads one JSON job on stdin, writes one JSON result on stdout; progress goes to stderr.
Jobs: {"mode": "versions"} | {"mode": "check", "points": [{"problem", "params"}]}
      | {"mode": "overhead", "sampler", "storage", "seed", "nTrials", "fullUpTo", "capSeconds", "problem"}
      | {"mode": "efficiency", "sampler", "problem", "seeds", "nTrials", "checkpoints"}
Samplers: "tpe" (TPESampler defaults), "tpe-mv" (multivariate=True), "random".
"""
import json
import os
import platform
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from problems import PROBLEMS, evaluate, suggest_all  # noqa: E402


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def make_sampler(optuna, kind, seed):
    if kind == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if kind == "tpe-mv":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise ValueError("unknown sampler %r" % (kind,))


def import_optuna():
    warnings.filterwarnings("ignore")
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def versions():
    optuna = import_optuna()
    import numpy
    import sqlalchemy

    return {
        "python": platform.python_version(),
        "optuna": optuna.__version__,
        "numpy": numpy.__version__,
        "sqlalchemy": sqlalchemy.__version__,
    }


def make_storage(optuna, url, wal):
    """None (in memory), a sqlite:/// URL as given (Optuna's defaults: rollback journal,
    synchronous=FULL), or with wal=True the same database in WAL mode with synchronous=NORMAL,
    the settings our SQLite backend uses."""
    if url is None or not wal:
        return url
    import sqlalchemy

    storage = optuna.storages.RDBStorage(url)

    def pragmas(dbapi_connection, _record):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    sqlalchemy.event.listen(storage.engine, "connect", pragmas)
    storage.engine.dispose()  # later connections get the pragmas
    with storage.engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    if str(mode).lower() != "wal" or int(sync) != 1:
        raise RuntimeError("could not switch Optuna's SQLite to WAL/NORMAL (journal_mode=%s, synchronous=%s)" % (mode, sync))
    return storage


def overhead(job):
    optuna = import_optuna()
    spec = PROBLEMS[job["problem"]]
    name = job["problem"]
    # Untimed warm-up in memory (first-call costs: imports, caches), as the TypeScript side does.
    warm = optuna.create_study(sampler=make_sampler(optuna, job["sampler"], job["seed"] + 1), direction="minimize")
    for _ in range(job.get("warmup", 0)):
        t = warm.ask()
        warm.tell(t, evaluate(name, suggest_all(t, spec)))
    storage = make_storage(optuna, job.get("storage"), job.get("wal", False))
    study = optuna.create_study(
        sampler=make_sampler(optuna, job["sampler"], job["seed"]),
        storage=storage,
        study_name="overhead",
        direction="minimize",
    )
    n_trials, full_up_to, cap = job["nTrials"], job["fullUpTo"], job["capSeconds"]
    times = []
    start = time.perf_counter()
    capped_from = None
    stopped_by = "done"
    next_log = start + 30
    for i in range(n_trials):
        if i >= full_up_to:
            now = time.perf_counter()
            if capped_from is None:
                capped_from = now
            if now - capped_from >= cap:
                stopped_by = "cap"
                break
        t0 = time.perf_counter()
        trial = study.ask()
        value = evaluate(name, suggest_all(trial, spec))
        study.tell(trial, value)
        t1 = time.perf_counter()
        times.append((t1 - t0) * 1000.0)
        if t1 > next_log:
            log("  optuna %s/%s: %d trials, %.0f s, last %.1f ms/trial" % (job["sampler"], job.get("storageLabel", "memory"), i + 1, t1 - start, times[-1]))
            next_log = t1 + 30
    return {"timesMs": times, "stoppedBy": stopped_by, "bestValue": study.best_value, "wallS": time.perf_counter() - start}


def efficiency(job):
    optuna = import_optuna()
    name = job["problem"]
    spec = PROBLEMS[name]
    checkpoints = job["checkpoints"]
    runs = []
    for seed in job["seeds"]:
        study = optuna.create_study(sampler=make_sampler(optuna, job["sampler"], seed), direction="minimize")
        t0 = time.perf_counter()
        study.optimize(lambda t: evaluate(name, suggest_all(t, spec)), n_trials=job["nTrials"])
        wall = time.perf_counter() - t0
        best = float("inf")
        best_at = {}
        for i, t in enumerate(study.trials):
            if t.value is not None and t.value < best:
                best = t.value
            if (i + 1) in checkpoints:
                best_at[str(i + 1)] = best
        runs.append({"seed": seed, "bestAt": best_at, "wallS": wall})
        log("  optuna %s %s seed %d: %.2f s, best %.6g" % (job["sampler"], name, seed, wall, best))
    return {"runs": runs}


def check(job):
    return {"values": [evaluate(p["problem"], p["params"]) for p in job["points"]]}


def main():
    job = json.load(sys.stdin)
    mode = job["mode"]
    if mode == "versions":
        out = versions()
    elif mode == "check":
        out = check(job)
    elif mode == "overhead":
        out = overhead(job)
    elif mode == "efficiency":
        out = efficiency(job)
    else:
        raise ValueError("unknown mode %r" % (mode,))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
