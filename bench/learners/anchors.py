"""Anchor side of the learner benchmark: scikit-learn 1.2, XGBoost 1.7 and PyTorch 1.13 (Debian).

Reads one JSON job from stdin, written by bench/learners.ts so both sides use the same rows and the
same folds:
  {"task": "binary"|"multiclass"|"regression", "columns": [[...] per feature, null = missing]
   (or "X": [[...] per row]), "cat": [column indices], "y": [...],
   "folds": [{"train": [...], "test": [...]}], "models": ["xgboost", "hgb", ...], "threads": 1,
   "repeats": 1 (each fit repeated, fastest time kept)}
Categorical columns arrive as integer codes with NaN for missing. Models that need numbers get
one-hot (categorical) + median imputation (numeric) + optional scaling, fitted on the training fold.
Writes {"models": {name: {"scores": [...], "fit_s": [...], "fit_all_s": s, "predict_s": [...], "n_iter"?: [...], "error"?: str}}}
to stdout ("n_iter": epochs the MLP ran per fold, so our side can train for as many).
A job {"mode": "versions"} prints the Python, numpy, scikit-learn, XGBoost and PyTorch versions instead.
Run with /usr/bin/python3 (Debian's packages), never the pyenv python3 first on PATH.
"""
import json
import os
import sys
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")


def make_model(name, task, cat, n_features, threads):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    num = [j for j in range(n_features) if j not in cat]

    def encoded(scale):
        steps_num = [SimpleImputer(strategy="median")] + ([StandardScaler()] if scale else [])
        parts = [("num", make_pipeline(*steps_num), num)]
        if cat:
            parts.append(("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")), cat))
        return ColumnTransformer(parts)

    clf = task != "regression"
    if name == "xgboost":
        import xgboost as xgb
        kw = dict(tree_method="hist", n_estimators=100, max_depth=6, learning_rate=0.3, n_jobs=threads, random_state=0)
        m = xgb.XGBClassifier(**kw) if clf else xgb.XGBRegressor(**kw)
        return make_pipeline(encoded(False), m) if cat else m
    if name == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
        mask = [j in cat for j in range(n_features)] if cat else None
        return (HistGradientBoostingClassifier if clf else HistGradientBoostingRegressor)(categorical_features=mask, random_state=0)
    if name == "random_forest":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
        return make_pipeline(encoded(False), (RandomForestClassifier if clf else RandomForestRegressor)(n_estimators=100, n_jobs=threads, random_state=0))
    if name == "linear":
        from sklearn.linear_model import LogisticRegression, Ridge
        return make_pipeline(encoded(True), LogisticRegression(max_iter=1000) if clf else Ridge(alpha=1.0))
    if name == "knn":
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
        return make_pipeline(encoded(True), (KNeighborsClassifier if clf else KNeighborsRegressor)(n_neighbors=5))
    if name == "mlp":
        from sklearn.neural_network import MLPClassifier, MLPRegressor
        return make_pipeline(encoded(True), (MLPClassifier if clf else MLPRegressor)(random_state=0, max_iter=200))
    raise ValueError("unknown model " + name)


def score(task, y_true, model, X):
    """The fold's score and the seconds `predict` took."""
    from sklearn.metrics import accuracy_score, mean_squared_error
    t0 = time.perf_counter()
    pred = model.predict(X)
    predict_s = time.perf_counter() - t0
    if task == "regression":
        return float(np.sqrt(mean_squared_error(y_true, pred))), predict_s
    return float(accuracy_score(y_true, pred)), predict_s


def versions():
    import platform
    out = {"python": platform.python_version(), "numpy": np.__version__}
    for mod in ("sklearn", "xgboost", "torch"):
        try:
            out[mod] = __import__(mod).__version__
        except ImportError:
            out[mod] = "missing"
    return out


def column(values):
    # JSON has no NaN: missing cells arrive as null, which float64 conversion turns into NaN.
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def main():
    job = json.load(sys.stdin)
    if job.get("mode") == "versions":
        json.dump(versions(), sys.stdout)
        return
    task, cat, threads = job["task"], job["cat"], job.get("threads", 1)
    # Columns (one list per feature) keep the JSON small and the null handling explicit.
    X = np.column_stack([column(c) for c in job["columns"]]) if "columns" in job else np.array(job["X"], dtype=np.float64)
    y = np.array(job["y"], dtype=np.float64 if task == "regression" else np.int64)
    try:
        import torch
        torch.set_num_threads(threads)
    except ImportError:
        pass
    # Each fit is repeated `repeats` times and the fastest kept (the fits are deterministic), which
    # filters out load spikes on a shared machine.
    repeats = max(1, int(job.get("repeats", 1)))

    def timed_fit(rows):
        best, m = float("inf"), None
        Xr, yr = X[rows], y[rows]  # row selection is outside the timing, as on our side
        for _ in range(repeats):
            m = make_model(name, task, cat, X.shape[1], threads)
            t0 = time.perf_counter()
            m.fit(Xr, yr)
            best = min(best, time.perf_counter() - t0)
        return m, best

    out = {}
    for name in job["models"]:
        res = {"scores": [], "fit_s": []}
        try:
            for f in job["folds"]:
                tr, te = np.array(f["train"]), np.array(f["test"])
                m, fit_s = timed_fit(tr)
                res["fit_s"].append(fit_s)
                value, predict_s = score(task, y[te], m, X[te])
                res["scores"].append(value)
                res.setdefault("predict_s", []).append(predict_s)
                n_iter = getattr(m[-1] if hasattr(m, "steps") else m, "n_iter_", None)
                if n_iter is not None and name == "mlp":
                    res.setdefault("n_iter", []).append(int(n_iter))
            _, res["fit_all_s"] = timed_fit(np.arange(X.shape[0]))
        except Exception as e:  # report, keep going with the other models
            res["error"] = f"{type(e).__name__}: {e}"
        out[name] = res
        print(f"  anchors: {name} done ({sum(res['fit_s']):.2f} s fitting)", file=sys.stderr, flush=True)
    json.dump({"models": out}, sys.stdout)


if __name__ == "__main__":
    main()
