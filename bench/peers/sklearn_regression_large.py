"""Peers of bench/regression-large.ts: scikit-learn regressors on the same training and test rows.

Usage: sklearn_regression_large.py TRAIN.csv TEST.csv SEED KERNEL
Each CSV: a header, numeric feature columns, the target last. KERNEL is 1 to also fit RBF SVR
(O(n^2) memory and up to O(n^3) time: the benchmark asks for it up to 10 000 rows). Prints one JSON
object: each peer's test MSE, RMSE, R^2 and CPU seconds (fit + predict, this process), and the
versions. Features are standardised on the training rows (StandardScaler in a Pipeline, as a
scikit-learn user would); the SVR and MLP also see a standardised target (TransformedTargetRegressor),
since both assume a target of unit scale (SVR's epsilon = 0.1 is in the target's units).
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression, RidgeCV
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR


def load(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    return d[:, :-1], d[:, -1]


def scaled_target(model):
    return TransformedTargetRegressor(regressor=model, transformer=StandardScaler())


def main():
    train, test, seed, kernel = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    xtr, ytr = load(train)
    xte, yte = load(test)
    peers = {
        "linear": make_pipeline(StandardScaler(), LinearRegression()),
        # Ridge with its penalty chosen by efficient leave-one-out CV over a decade grid.
        "ridge": make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13))),
        # scikit-learn's default MLP (100 ReLU units, Adam) with early stopping on a 10 % validation split.
        "mlp": make_pipeline(StandardScaler(), scaled_target(MLPRegressor(max_iter=1000, early_stopping=True, random_state=seed))),
    }
    if kernel:
        # RBF support-vector regression, scikit-learn's defaults (C = 1, epsilon = 0.1, gamma = "scale").
        peers["svr"] = make_pipeline(StandardScaler(), scaled_target(SVR()))
    out = {"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}}
    for name, model in peers.items():
        t0 = time.process_time()
        model.fit(xtr, ytr)
        p = model.predict(xte)
        cpu = time.process_time() - t0
        mse = float(mean_squared_error(yte, p))
        out[name] = {"mse": mse, "rmse": mse ** 0.5, "r2": float(r2_score(yte, p)), "cpu": cpu}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
