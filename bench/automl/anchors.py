"""Anchor side of the `ouro run` benchmark: scikit-learn 1.2, XGBoost 1.7 and Optuna 3.1 (Debian).

Reads one JSON job from stdin, written by bench/automl.ts:
  {"train": path, "test": path, "target": column, "task": "binary"|"multiclass"|"regression",
   "seed": int, "budget_seconds": float, "folds": 5, "systems": ["hgb", "xgboost", "optuna_xgboost"]}
`train` and `test` are the outer split's CSV files (header row, empty cell = missing). Column types
come from the training file only: a column whose non-empty cells all parse as numbers is numeric,
every other column is categorical. The test file is only read to predict.

Systems (one thread each):
  hgb             HistGradientBoosting{Classifier,Regressor} defaults, native categorical features
                  (ordinal codes from the training rows; unseen or missing = NaN).
  xgboost         XGB{Classifier,Regressor}(tree_method="hist") defaults; categoricals one-hot
                  (SimpleImputer constant "missing" + OneHotEncoder(handle_unknown="ignore")),
                  numeric columns as they are (XGBoost's own missing-value handling).
  optuna_xgboost  Optuna TPESampler(seed) tuning the same XGBoost pipeline for `budget_seconds` of
                  wall time: 5-fold CV on the training rows (stratified for classes), minimising
                  log-loss (classes) or RMSE (regression), the metric `ouro run` optimises by
                  default. XGBoost's defaults are enqueued as trial 0. A trial still running at the
                  deadline is pruned at its next fold boundary. The best parameters are refitted on
                  all training rows.
Writes {"systems": {name: {"classes"?: [...], "proba"?: [[...]], "values"?: [...], "wall_s": s,
"info": {...}, "error"?: str}}} to stdout: test-set predictions, scored on the TypeScript side so
every system is scored by the same code.
A job {"mode": "versions"} prints the Python, numpy, scikit-learn, XGBoost and Optuna versions.
Run with /usr/bin/python3 (Debian's packages), never the pyenv python3 first on PATH.
"""
import csv
import json
import math
import os
import sys
import time
import traceback

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def to_float(cell):
    try:
        v = float(cell)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def load(job):
    """Feature matrices (object for categoricals, float for numbers), the target and column kinds."""
    header, train_rows = read_csv(job["train"])
    test_header, test_rows = read_csv(job["test"])
    if test_header != header:
        raise ValueError("train and test headers differ")
    t = header.index(job["target"])
    features = [j for j in range(len(header)) if j != t]
    numeric = []
    for j in features:
        cells = [r[j].strip() for r in train_rows if j < len(r) and r[j].strip() != ""]
        numeric.append(len(cells) > 0 and all(to_float(c) is not None for c in cells))

    def matrix(rows):
        cols = []
        for k, j in enumerate(features):
            cells = [(r[j].strip() if j < len(r) else "") for r in rows]
            if numeric[k]:
                cols.append(np.array([np.nan if c == "" or to_float(c) is None else to_float(c) for c in cells], dtype=float))
            else:
                cols.append(np.array([None if c == "" else c for c in cells], dtype=object))
        return cols

    y_train = [r[t].strip() for r in train_rows]
    y_test = [r[t].strip() for r in test_rows]
    return matrix(train_rows), y_train, matrix(test_rows), y_test, numeric, [header[j] for j in features]


def onehot_matrix(train_cols, test_cols, numeric):
    """Numbers as they are (NaN kept), categoricals one-hot with "missing" as a category."""
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder

    num_idx = [k for k, n in enumerate(numeric) if n]
    cat_idx = [k for k, n in enumerate(numeric) if not n]

    def num(cols):
        return np.column_stack([cols[k] for k in num_idx]) if num_idx else np.zeros((len(cols[0]), 0))

    xtr, xte = num(train_cols), num(test_cols)
    if cat_idx:
        def cat(cols):
            return np.column_stack([cols[k] for k in cat_idx]).astype(object)
        imp = SimpleImputer(strategy="constant", fill_value="missing", missing_values=None)
        enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        ctr = enc.fit_transform(imp.fit_transform(cat(train_cols)))
        cte = enc.transform(imp.transform(cat(test_cols)))
        xtr, xte = np.hstack([xtr, ctr]), np.hstack([xte, cte])
    return xtr.astype(np.float32), xte.astype(np.float32)


def ordinal_matrix(train_cols, test_cols, numeric):
    """Numbers as they are; categoricals as codes of the training categories (unseen/missing = NaN)."""
    mask = []
    out_tr, out_te = [], []
    for k, n in enumerate(numeric):
        if n:
            out_tr.append(train_cols[k])
            out_te.append(test_cols[k])
            mask.append(False)
            continue
        cats = sorted({c for c in train_cols[k] if c is not None})
        code = {c: float(i) for i, c in enumerate(cats)}
        out_tr.append(np.array([code.get(c, np.nan) if c is not None else np.nan for c in train_cols[k]]))
        out_te.append(np.array([code.get(c, np.nan) if c is not None else np.nan for c in test_cols[k]]))
        # HistGradientBoosting takes at most 255 categories per feature; more go in as ordinal numbers.
        mask.append(len(cats) <= 255)
    return np.column_stack(out_tr), np.column_stack(out_te), mask


def xgb_model(task, seed, params=None):
    import xgboost as xgb
    kw = dict(tree_method="hist", n_jobs=1, random_state=seed)
    kw.update(params or {})
    return xgb.XGBRegressor(**kw) if task == "regression" else xgb.XGBClassifier(**kw)


def prediction(task, model, x, n_classes):
    if task == "regression":
        return {"values": [float(v) for v in model.predict(x)]}
    proba = model.predict_proba(x)
    if proba.shape[1] != n_classes:
        raise ValueError("predict_proba returned %d columns for %d classes" % (proba.shape[1], n_classes))
    return {"proba": [[float(p) for p in row] for row in proba]}


def run_hgb(task, seed, data, y, classes):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    train_cols, test_cols, numeric = data
    xtr, xte, mask = ordinal_matrix(train_cols, test_cols, numeric)
    cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    m = cls(categorical_features=mask if any(mask) else None, random_state=seed)
    m.fit(xtr, y)
    out = prediction(task, m, xte, len(classes))
    out["info"] = {"n_iter": int(m.n_iter_)}
    return out


def run_xgb(task, seed, data, y, classes):
    xtr, xte = onehot_matrix(*data)
    m = xgb_model(task, seed)
    m.fit(xtr, y)
    out = prediction(task, m, xte, len(classes))
    out["info"] = {"n_features_encoded": int(xtr.shape[1])}
    return out


def run_optuna(task, seed, data, y, classes, budget, n_folds, started):
    import optuna
    from sklearn.metrics import log_loss, mean_squared_error
    from sklearn.model_selection import KFold, StratifiedKFold

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    xtr, xte = onehot_matrix(*data)
    y = np.asarray(y)
    splitter = KFold(n_folds, shuffle=True, random_state=seed) if task == "regression" else StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    folds = list(splitter.split(xtr, y))
    deadline = started + budget

    def objective(trial):
        params = {
            "n_estimators": trial.suggest_int("n_estimators", 50, 1000, log=True),
            "max_depth": trial.suggest_int("max_depth", 2, 12),
            "learning_rate": trial.suggest_float("learning_rate", 0.005, 0.5, log=True),
            "subsample": trial.suggest_float("subsample", 0.5, 1.0),
            "colsample_bytree": trial.suggest_float("colsample_bytree", 0.3, 1.0),
            "min_child_weight": trial.suggest_float("min_child_weight", 0.1, 30.0, log=True),
            "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 30.0, log=True),
            "reg_alpha": trial.suggest_float("reg_alpha", 1e-3, 30.0, log=True),
        }
        losses = []
        for tr, te in folds:
            if time.perf_counter() > deadline:
                # The budget is spent mid-trial: stop at this fold boundary (as ouro run abandons its running candidate).
                raise optuna.TrialPruned()
            m = xgb_model(task, seed, params)
            m.fit(xtr[tr], y[tr])
            if task == "regression":
                losses.append(math.sqrt(mean_squared_error(y[te], m.predict(xtr[te]))))
            else:
                losses.append(log_loss(y[te], m.predict_proba(xtr[te]), labels=list(range(len(classes)))))
        return float(np.mean(losses))

    sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    # XGBoost's defaults first, as ouro run starts from each family's defaults.
    study.enqueue_trial({"n_estimators": 100, "max_depth": 6, "learning_rate": 0.3, "subsample": 1.0, "colsample_bytree": 1.0, "min_child_weight": 1.0, "reg_lambda": 1.0, "reg_alpha": 0.001})
    remaining = max(1.0, deadline - time.perf_counter())
    study.optimize(objective, timeout=remaining, gc_after_trial=False)
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not complete:
        raise RuntimeError("no Optuna trial finished within the budget")
    search_s = time.perf_counter() - started
    best = study.best_params
    m = xgb_model(task, seed, best)
    m.fit(xtr, y)
    out = prediction(task, m, xte, len(classes))
    out["info"] = {
        "trials": len(study.trials),
        "complete": len(complete),
        "pruned": sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials),
        "best_cv": float(study.best_value),
        "best_trial": int(study.best_trial.number),
        "best_params": best,
        "search_s": search_s,
    }
    return out


def versions():
    import platform
    out = {"python": platform.python_version(), "numpy": np.__version__}
    for mod in ("sklearn", "xgboost", "optuna"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception as e:  # noqa: BLE001
            out[mod] = "missing (%s)" % e
    return out


def main():
    job = json.load(sys.stdin)
    if job.get("mode") == "versions":
        json.dump(versions(), sys.stdout)
        return
    task = job["task"]
    seed = int(job["seed"])
    train_cols, y_train, test_cols, _, numeric, _ = load(job)
    data = (train_cols, test_cols, numeric)
    if task == "regression":
        classes = []
        y = np.array([float(v) for v in y_train])
    else:
        classes = sorted(set(y_train))
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[v] for v in y_train])
    results = {}
    for name in job["systems"]:
        started = time.perf_counter()
        try:
            if name == "hgb":
                out = run_hgb(task, seed, data, y, classes)
            elif name == "xgboost":
                out = run_xgb(task, seed, data, y, classes)
            elif name == "optuna_xgboost":
                out = run_optuna(task, seed, data, y, classes, float(job["budget_seconds"]), int(job.get("folds", 5)), started)
            else:
                raise ValueError("unknown system " + name)
        except Exception as e:  # noqa: BLE001
            out = {"error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()[-1500:]}
        out["wall_s"] = time.perf_counter() - started
        if task != "regression":
            out["classes"] = classes
        results[name] = out
        sys.stderr.write("  %s: %.1f s%s\n" % (name, out["wall_s"], " (error: %s)" % out["error"] if "error" in out else ""))
    json.dump({"systems": results}, sys.stdout)


if __name__ == "__main__":
    main()
