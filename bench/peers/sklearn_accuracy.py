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

Configurations (what a careful user runs; see docs/accuracy.md), every scaler fitted on the
training rows only:
  logistic: LogisticRegression(lbfgs, max_iter 5000) behind a StandardScaler or a MinMaxScaler,
    scaler and C chosen by 5-fold stratified CV on the training rows, C in {0.01, 0.1, 1, 10, 100};
  svm: SVC(kernel="rbf"), scaler, C in {1, 10, 100} and gamma in {0.1, 1, 10, 100} x g0 chosen
    by the same CV (g0 = 1/(d Var) of the scaled training data: scikit-learn's gamma = "scale");
  mlp: StandardScaler, MLPClassifier(hidden_layer_sizes=(100,), adam, max_iter 2000,
    random_state = seed), no search.
  With more than 5000 training rows (MNIST) the searches are skipped: LogisticRegression(C = 1)
  and SVC(C = 1, gamma = "scale") behind a MinMaxScaler (pixels in [0, 1], as dynaspin sees
  them), and the MLP keeps max_iter 200, to bound the time. With more than 20 000 training rows
  the SVM is fitted on a stratified random subsample of 20 000 of them (seeded; "train" is then its
  accuracy on the subsample), as a user would to keep a kernel SVM tractable.
Seconds are the wall time of fit (including the CV searches and the refit), perf_counter.
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
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    from sklearn.svm import SVC
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError as e:  # pragma: no cover - depends on the machine
    fail(f"{e} (install Debian's python3-sklearn and python3-threadpoolctl)")

SEARCH_MAX_ROWS = 5000
# Kernel SVMs cost O(rows^2) memory and time: above this many training rows the SVM is fitted on a
# stratified random subsample of this size (seeded), and scored on every test row.
SVM_MAX_ROWS = 20000


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


def best_of_scalers(x_tr, y_tr, x_te, y_te, model_grid, cv):
    """Grid search over the model's grid behind each scaler (standardisation, and min-max to [0, 1]
    as dynaspin normalises); the search with the best cross-validation score is refitted and kept.
    `model_grid(g0)` gives the estimator and its grid, g0 = 1/(d·Var) of the scaled training data
    (scikit-learn's gamma = "scale")."""
    best = None
    t0 = time.perf_counter()
    for name, scaler in (("standard", StandardScaler()), ("minmax", MinMaxScaler())):
        xs = scaler.fit_transform(x_tr)
        g0 = 1.0 / (xs.shape[1] * xs.var()) if xs.var() > 0 else 1.0
        est, grid = model_grid(g0)
        gs = GridSearchCV(make_pipeline(scaler, est), grid, cv=cv, n_jobs=1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            gs.fit(x_tr, y_tr)
        if best is None or gs.best_score_ > best[0].best_score_:
            best = (gs, name, caught)
    seconds = time.perf_counter() - t0
    gs, name, caught = best
    params = {k.split("__")[-1]: v for k, v in gs.best_params_.items()}
    params["scaler"] = name
    return {
        "test": float(np.mean(gs.predict(x_te) == y_te)),
        "train": float(np.mean(gs.predict(x_tr) == y_tr)),
        "seconds": seconds,
        "params": params,
        "converged": not any(issubclass(w.category, ConvergenceWarning) for w in caught),
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
    out = {}
    if search:
        out["logistic"] = best_of_scalers(
            x_tr, y_tr, x_te, y_te,
            lambda g0: (LogisticRegression(max_iter=5000), {"logisticregression__C": [0.01, 0.1, 1, 10, 100]}), cv)
        out["svm"] = best_of_scalers(
            x_tr, y_tr, x_te, y_te,
            lambda g0: (SVC(kernel="rbf"), {"svc__C": [1, 10, 100], "svc__gamma": [m * g0 for m in (0.1, 1, 10, 100)]}), cv)
    else:
        out["logistic"] = fit_score(make_pipeline(MinMaxScaler(), LogisticRegression(max_iter=5000)), x_tr, y_tr, x_te, y_te)
        if len(tr) > SVM_MAX_ROWS:
            from sklearn.model_selection import train_test_split
            xs, _, ys, _ = train_test_split(x_tr, y_tr, train_size=SVM_MAX_ROWS, stratify=y_tr, random_state=seed)
            out["svm"] = fit_score(make_pipeline(MinMaxScaler(), SVC(kernel="rbf")), xs, ys, x_te, y_te)
            out["svm"]["train"] = float(np.mean(out["svm"]["train"]))
            out["svm"]["params"] = {"subsample": SVM_MAX_ROWS}
        else:
            out["svm"] = fit_score(make_pipeline(MinMaxScaler(), SVC(kernel="rbf")), x_tr, y_tr, x_te, y_te)
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
