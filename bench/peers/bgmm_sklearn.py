"""scikit-learn's BayesianGaussianMixture on Old Faithful from a fixed start, for BayesianFaithfulTests.cs.

Run from the repository root: /usr/bin/python3 bench/peers/bgmm_sklearn.py --cov diag
Start: every row with eruptions > 3 in component 0, the others in component 1 (our InitialLabels); then
scikit-learn's own initial M-step from those responsibilities, and its E/M iterations to convergence.
Priors: scikit-learn's defaults (Dirichlet process, gamma = 1/K, beta0 = 1, m0 = data mean, nu0 = D,
covariance prior = sample covariance / its diagonal / the mean of its diagonal).
"""
import argparse
import json

import numpy as np
import sklearn
from sklearn.mixture import BayesianGaussianMixture


class FixedStart(BayesianGaussianMixture):
    def _initialize_parameters(self, X, random_state):
        resp = np.zeros((X.shape[0], self.n_components))
        resp[np.arange(X.shape[0]), np.where(X[:, 0] > 3, 0, 1)] = 1
        self._initialize(X, resp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cov", default="diag")
    ap.add_argument("--data", default="datasets/faithful.csv")
    args = ap.parse_args()
    X = np.loadtxt(args.data, delimiter=",", skiprows=1)
    m = FixedStart(n_components=2, covariance_type=args.cov, max_iter=2000, tol=1e-12, n_init=1, random_state=0)
    m.fit(X)
    print(json.dumps({"sklearn": sklearn.__version__, "cov": args.cov, "converged": bool(m.converged_), "n_iter": int(m.n_iter_),
                      "weights": [repr(float(w)) for w in m.weights_],
                      "means": [[repr(float(v)) for v in row] for row in m.means_]}))


if __name__ == "__main__":
    main()
