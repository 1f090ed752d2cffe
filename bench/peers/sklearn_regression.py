"""Peers of bench/regression.ts: scikit-learn regressors on the same training and test rows.

Usage: sklearn_regression.py TRAIN.csv TEST.csv SEED
Each CSV: a header, numeric feature columns, the target last. Prints one JSON object: the test
mean squared error of each peer, and the versions. Features are standardised on the training rows
(StandardScaler, as a scikit-learn user would in a Pipeline); the target is left as it is.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR
from sklearn.metrics import mean_squared_error, r2_score


def load(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    return d[:, :-1], d[:, -1]


def main():
    train, test, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    xtr, ytr = load(train)
    xte, yte = load(test)
    peers = {
        # scikit-learn's default MLP (one hidden layer of 100 ReLU units, Adam), more iterations so it converges.
        "mlp": make_pipeline(StandardScaler(), MLPRegressor(max_iter=2000, random_state=seed)),
        # The same with L-BFGS, which scikit-learn recommends for small data sets (often better here).
        "mlp_lbfgs": make_pipeline(StandardScaler(), MLPRegressor(solver="lbfgs", max_iter=5000, random_state=seed)),
        # TensorFlow Playground's default network: hidden layers of 4 and 2 tanh units (L-BFGS).
        "mlp42": make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(4, 2), activation="tanh", solver="lbfgs", max_iter=5000, random_state=seed)),
        # RBF support-vector regression with scikit-learn's defaults (C = 1, epsilon = 0.1).
        "svr": make_pipeline(StandardScaler(), SVR()),
    }
    out = {"versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}}
    out["mean"] = {"mse": float(np.mean((yte - ytr.mean()) ** 2)), "r2": float(r2_score(yte, np.full_like(yte, ytr.mean()))), "seconds": 0.0}
    for name, model in peers.items():
        t0 = time.perf_counter()
        model.fit(xtr, ytr)
        p = model.predict(xte)
        out[name] = {"mse": float(mean_squared_error(yte, p)), "r2": float(r2_score(yte, p)), "seconds": time.perf_counter() - t0}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
