"""scikit-learn reference for bench/learners/forest-timing.ts (development only; no test needs Python).

Run from the repository root with Debian's Python: /usr/bin/python3 bench/learners/forest-sklearn.py
Prints, per dataset and ensemble (100 trees, n_jobs=1): median wall and minimum CPU of 5 fits,
stratified 5-fold CV accuracy (classification) and OOB R² (regression).
"""
import time

import numpy as np
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.model_selection import StratifiedKFold, cross_val_score


def load(name, dtype):
    a = np.genfromtxt(f"data/{name}.csv", delimiter=",", skip_header=1, dtype=dtype)
    return a[:, :-1].astype(float), a[:, -1]


def timing(make, X, y):
    make(99).fit(X, y)
    wall, cpu = [], []
    for rep in range(5):
        w0, c0 = time.perf_counter(), time.process_time()
        make(rep).fit(X, y)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return f"fit {sorted(wall)[2] * 1000:.0f} ms wall (median), {min(cpu) * 1000:.0f} ms CPU (min)"


for name in ["breast_cancer", "digits"]:
    X, y = load(name, str)
    for C in [RandomForestClassifier, ExtraTreesClassifier]:
        t = timing(lambda s: C(n_estimators=100, n_jobs=1, random_state=s), X, y)
        acc = cross_val_score(C(n_estimators=100, random_state=0), X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean()
        print(f"{name} {C.__name__}: {t}; 5-fold CV accuracy {acc:.4f}")
for name in ["diabetes", "concrete"]:
    X, y = load(name, float)
    for C in [RandomForestRegressor, ExtraTreesRegressor]:
        t = timing(lambda s: C(n_estimators=100, n_jobs=1, random_state=s), X, y)
        oob = C(n_estimators=100, random_state=0, bootstrap=True, oob_score=True).fit(X, y).oob_score_
        print(f"{name} {C.__name__}: {t}; OOB R² {oob:.4f}")
