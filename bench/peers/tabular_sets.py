"""Generated tabular sets for bench/tabular-untuned.ts: data the training defaults were not tuned on.

Run with Debian's /usr/bin/python3 (python3-sklearn). `python3 tabular_sets.py DIR` writes one CSV
per set into DIR (features, then a `label` column) and prints their names; `python3 tabular_sets.py
--logistic REQUEST.json` scores the benchmark's logistic regression on given splits. The first nine sets
recreate those of docs/results.md ("Small tabular sets, third pass"; make_classification with
seeds 101-107 and two subsets of scikit-learn's 8x8 digits, the same 1797 images as data/digits),
the last three (fourth pass) are small sets trained without a validation split: 160 digits,
a noisy 5-class set of 200 rows and a 2-class set of 100 rows with 30 features.
"""
import os
import sys

import numpy as np
from sklearn.datasets import load_digits, make_classification


def write(path, x, y):
    with open(path, "w") as f:
        f.write(",".join(f"f{j}" for j in range(x.shape[1])) + ",label\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + f",c{int(label)}\n")


def sets():
    out = {}
    x, y = make_classification(n_samples=150, n_features=6, n_informative=4, n_redundant=1, n_classes=3, n_clusters_per_class=1, random_state=101)
    out["3c6d"] = (x, y)
    x, y = make_classification(n_samples=180, n_features=12, n_informative=5, n_redundant=2, n_classes=2, flip_y=0.02, random_state=102)
    out["2c12d"] = (x, y)
    x, y = make_classification(n_samples=240, n_features=8, n_informative=6, n_redundant=1, n_classes=4, n_clusters_per_class=1, random_state=103)
    out["4c8d"] = (x, y)
    x, y = make_classification(n_samples=400, n_features=25, n_informative=8, n_redundant=4, n_classes=2, random_state=104)
    x = x * np.logspace(-1, 3, x.shape[1])
    out["2c25d"] = (x, y)
    x, y = make_classification(n_samples=600, n_features=10, n_informative=6, n_redundant=2, n_classes=3, random_state=105)
    out["3c10d"] = (np.exp(x), y)
    x, y = make_classification(n_samples=800, n_features=15, n_informative=10, n_redundant=3, n_classes=5, n_clusters_per_class=1, random_state=106)
    out["5c15d"] = (x, y)
    x, y = make_classification(n_samples=120, n_features=4, n_informative=3, n_redundant=1, n_classes=2, class_sep=0.7, random_state=107)
    out["2c4d"] = (x, y)
    d = load_digits()
    rng = np.random.RandomState(108)
    idx = rng.choice(len(d.target), 400, replace=False)
    img = d.images[idx].reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16)
    out["digits4x4"] = (img, d.target[idx])
    keep = np.flatnonzero(d.target < 5)
    idx = rng.choice(keep, 300, replace=False)
    out["digits8x8-5c"] = (d.data[idx], d.target[idx])
    idx = rng.choice(len(d.target), 160, replace=False)
    img = d.images[idx].reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16)
    out["digits4x4-160"] = (img, d.target[idx])
    x, y = make_classification(n_samples=200, n_features=10, n_informative=6, n_redundant=2, n_classes=5, n_clusters_per_class=1, flip_y=0.03, random_state=109)
    out["5c10d-200"] = (x, y)
    x, y = make_classification(n_samples=100, n_features=30, n_informative=5, n_redundant=5, n_classes=2, random_state=110)
    out["2c30d-100"] = (x * np.logspace(-2, 2, 30), y)
    return out


def logistic(request_path):
    """The accuracy benchmark's logistic-regression peer (bench/peers/sklearn_accuracy.py: scaler and C
    chosen by 5-fold stratified CV on the training rows) for each split of a JSON request
    {"csv": PATH, "splits": [{"seed": S, "train": [...], "test": [...]}]}; prints test accuracies."""
    import json
    import warnings
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    from threadpoolctl import threadpool_limits

    req = json.load(open(request_path))
    raw = np.genfromtxt(req["csv"], delimiter=",", skip_header=1, dtype=str)
    x = raw[:, :-1].astype(float)
    _, y = np.unique(raw[:, -1], return_inverse=True)
    out = []
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for sp in req["splits"]:
            tr, te = np.asarray(sp["train"]), np.asarray(sp["test"])
            cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=sp["seed"])
            best = None
            for scaler in (StandardScaler(), MinMaxScaler()):
                gs = GridSearchCV(make_pipeline(scaler, LogisticRegression(max_iter=5000)), {"logisticregression__C": [0.01, 0.1, 1, 10, 100]}, cv=cv, n_jobs=1)
                gs.fit(x[tr], y[tr])
                if best is None or gs.best_score_ > best.best_score_:
                    best = gs
            out.append(float(np.mean(best.predict(x[te]) == y[te])))
    print(json.dumps(out))


def main():
    if sys.argv[1] == "--logistic":
        return logistic(sys.argv[2])
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, (x, y) in sets().items():
        write(os.path.join(folder, f"{name}.csv"), x, y)
        print(name)


main()
