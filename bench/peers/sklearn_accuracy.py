"""scikit-learn peers of the accuracy benchmark (bench/accuracy.ts): logistic regression, an
RBF-kernel SVM and an MLP, trained on exactly the rows dynaspin trained on and scored on exactly
the rows it was tested on.

Run with Debian's /usr/bin/python3 (python3-sklearn on OpenBLAS). Every model runs on one thread
(threadpoolctl limits BLAS and OpenMP to 1), like dynaspin's default single worker.

Line protocol (one JSON object per line each way):
  start        -> {"versions": {...}, "blas": [...]}     or {"error": "..."} (then exits)
  {"x": PATH, "y": PATH, "n": N, "d": D, "train": [...], "test": [...], "seed": S}
               -> {"logistic": R, "svm": R, "mlp": R}     R = {"test", "train", "seconds", "params"}
     x: N*D float64 little-endian row-major; y: N int32 class indices; train/test: row indices.
  {"quit": true} -> exits

Configurations (what a careful user runs; see docs/accuracy.md):
  every model sits behind a StandardScaler fitted on the training rows;
  logistic: LogisticRegression(lbfgs, max_iter 5000), C chosen by 5-fold stratified CV on the
    training rows from {0.01, 0.1, 1, 10, 100};
  svm: SVC(kernel="rbf"), (C, gamma) chosen by the same CV from C in {0.1, 1, 10, 100} and
    gamma in {0.1, 1, 10, 100} / d (gamma = 1/d is scikit-learn's "scale" on standardised data);
  mlp: MLPClassifier(hidden_layer_sizes=(100,), adam, max_iter 2000, random_state = seed).
  With more than 5000 training rows (MNIST) the CV searches are skipped (scikit-learn defaults
  C = 1, gamma = "scale") and the MLP keeps max_iter 200, to bound the time.
Seconds are the wall time of fit (including the CV search and the refit), perf_counter.
"""
import json
import sys
import time
import warnings


def fail(msg):
    sys.stdout.write(json.dumps({"error": msg}) + "\n")
    sys.stdout.flush()
    sys.exit(0)


try:
    import numpy as np
    import scipy
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError as e:  # pragma: no cover - depends on the machine
    fail(f"{e} (install Debian's python3-sklearn and python3-threadpoolctl)")

SEARCH_MAX_ROWS = 5000


def blas_info():
    # Touch BLAS so that its library is loaded before asking threadpoolctl.
    np.dot(np.ones((4, 4)), np.ones((4, 4)))
    return [
        {k: p.get(k) for k in ("user_api", "internal_api", "version", "num_threads", "filepath")}
        for p in threadpool_info()
    ]


def fit_score(model, x_tr, y_tr, x_te, y_te):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        t0 = time.perf_counter()
        model.fit(x_tr, y_tr)
        seconds = time.perf_counter() - t0
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    params = {}
    if isinstance(model, GridSearchCV):
        params = {k.split("__")[-1]: v for k, v in model.best_params_.items()}
    return {
        "test": float(np.mean(model.predict(x_te) == y_te)),
        "train": float(np.mean(model.predict(x_tr) == y_tr)),
        "seconds": seconds,
        "params": params,
        "converged": converged,
    }


def run(req):
    n, d = req["n"], req["d"]
    x = np.fromfile(req["x"], dtype="<f8", count=n * d).reshape(n, d)
    y = np.fromfile(req["y"], dtype="<i4", count=n)
    tr = np.asarray(req["train"], dtype=np.int64)
    te = np.asarray(req["test"], dtype=np.int64)
    seed = int(req["seed"])
    x_tr, y_tr, x_te, y_te = x[tr], y[tr], x[te], y[te]
    search = len(tr) <= SEARCH_MAX_ROWS
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)

    def searched(pipe, grid):
        return GridSearchCV(pipe, grid, cv=cv, n_jobs=1) if search else pipe

    out = {}
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    out["logistic"] = fit_score(
        searched(lr, {"logisticregression__C": [0.01, 0.1, 1, 10, 100]}), x_tr, y_tr, x_te, y_te
    )
    svm = make_pipeline(StandardScaler(), SVC(kernel="rbf"))
    gammas = [g / d for g in (0.1, 1, 10, 100)]
    out["svm"] = fit_score(
        searched(svm, {"svc__C": [0.1, 1, 10, 100], "svc__gamma": gammas}), x_tr, y_tr, x_te, y_te
    )
    mlp = make_pipeline(
        StandardScaler(),
        MLPClassifier(hidden_layer_sizes=(100,), max_iter=2000 if search else 200, random_state=seed),
    )
    out["mlp"] = fit_score(mlp, x_tr, y_tr, x_te, y_te)
    out["search"] = search
    return out


def main():
    with threadpool_limits(limits=1):
        hello = {
            "versions": {
                "python": sys.version.split()[0],
                "sklearn": sklearn.__version__,
                "numpy": np.__version__,
                "scipy": scipy.__version__,
            },
            "blas": blas_info(),
        }
        sys.stdout.write(json.dumps(hello) + "\n")
        sys.stdout.flush()
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            req = json.loads(line)
            if req.get("quit"):
                break
            try:
                res = run(req)
            except Exception as e:  # reported to the benchmark as one line, not a traceback
                res = {"error": f"{type(e).__name__}: {e}"}
            sys.stdout.write(json.dumps(res) + "\n")
            sys.stdout.flush()


main()
