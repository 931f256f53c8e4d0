"""Every measurable claim of chapter 2 (regularization), on the chapter's own data and settings.

Each test repeats a computation of `chapters/02_regularization.ipynb` with the same
`course_utils` calls and asserts what the chapter's text says about it.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import losses
from course_utils import regularization as reg


# --------------------------------------------------------------------------- geometry
def _penalised_optima(alpha):
    X2, y2 = reg.two_feature_problem()
    return reg.lasso_coordinate_descent(X2, y2, alpha), reg.ridge(X2, y2, 2 * len(y2) * alpha)


def test_geometry_l1_lands_on_a_corner_l2_does_not():
    for alpha in (0.2, 1.2, 1.8):
        w_l1, w_l2 = _penalised_optima(alpha)
        assert np.all(w_l2 != 0.0)  # L2: both coordinates non-zero at every α
        assert (w_l1[1] == 0.0) == (alpha > 1.0)  # L1: w₂ exactly 0 at α = 1.2 and 1.8
        assert w_l1[0] > 0.0


def test_geometry_ridge_scaling_matches_the_penalised_objective():
    # ridge(X, y, 2nα) minimises J0 + α‖w‖², the objective the figure draws.
    X2, y2 = reg.two_feature_problem()
    alpha = 1.2
    _, w_l2 = _penalised_optima(alpha)
    grad = -X2.T @ (y2 - X2 @ w_l2) / len(y2) + 2 * alpha * w_l2
    assert np.max(np.abs(grad)) < 1e-12


# --------------------------------------------------------------------------- paths
@pytest.fixture(scope="module")
def paths():
    X, y, w_true = reg.sparse_regression_data(n=100, p=30, k=5)
    lasso_alphas = reg.alpha_max(X, y) * np.logspace(0, -3, 40)
    ridge_alphas = np.logspace(-2, 4, 40)
    return (
        w_true != 0,
        reg.lasso_path(X, y, lasso_alphas, tol=1e-10),
        reg.ridge_path(X, y, ridge_alphas),
    )


def test_lasso_path_has_exact_zeros_and_selects_the_relevant_features(paths):
    relevant, lasso_coefs, _ = paths
    zeros = np.count_nonzero(lasso_coefs == 0.0, axis=1)
    assert zeros[0] == 30  # at α_max every coefficient is 0
    middle = len(zeros) // 3
    assert zeros[middle] == 25
    assert np.all(lasso_coefs[middle, relevant] != 0.0)
    assert np.all(lasso_coefs[middle, ~relevant] == 0.0)
    assert 0 < zeros[-1] < 25  # even at the smallest α some irrelevant weights stay exactly 0


def test_ridge_path_has_no_exact_zeros(paths):
    _, _, ridge_coefs = paths
    assert np.count_nonzero(ridge_coefs == 0.0) == 0
    assert np.min(np.abs(ridge_coefs[-1])) > 0.0


# --------------------------------------------------------------------------- weight decay
def test_weight_decay_shrinks_the_weights_and_ends_on_the_ridge_solution():
    X, y, _ = reg.sparse_regression_data(n=100, p=30, k=5)
    final_norms = []
    for lam in (0.0, 30.0, 150.0):
        theta, norms = reg.weight_decay_gradient_descent(X, y, lam, lr=0.5, n_iter=400)
        assert np.max(np.abs(theta - reg.ridge(X, y, lam))) < 1e-8
        final_norms.append(norms[-1])
    assert final_norms[0] > final_norms[1] > final_norms[2]


# --------------------------------------------------------------------------- validation curve
def test_validation_curve_overfits_then_underfits():
    x_train, y_train = reg.noisy_sine(20, seed=1)
    x_val, y_val = reg.noisy_sine(200, seed=2)
    lambdas = np.logspace(-8, 2, 41)
    train, val = reg.ridge_validation_curve(
        reg.polynomial_features(x_train, 12),
        y_train,
        reg.polynomial_features(x_val, 12),
        y_val,
        lambdas,
    )
    best = int(np.argmin(val))
    assert np.all(np.diff(train) >= -1e-12)  # training error only rises with λ
    assert 0 < best < len(lambdas) - 1  # an interior optimum
    assert 0.05 <= lambdas[best] <= 0.2  # "near λ ≈ 0.1"
    assert val[0] == val.max() and train[0] == train.min()  # smallest λ: overfitting
    assert val[-1] > 4 * val[best] and train[-1] > 4 * train[best]  # largest λ: underfitting


# --------------------------------------------------------------------------- 1-D threshold
def test_one_dimensional_example_and_threshold():
    def f_prime(x):
        return x - 1.0

    assert reg.minimize_1d_with_l1(f_prime, 0.5) == pytest.approx(0.5, abs=1e-12)
    assert reg.minimize_1d_with_l1(f_prime, 2.0) == 0.0
    x_grid = np.linspace(-1.5, 2.5, 4001)
    for lam in (0.5, 2.0):
        F = 0.5 * (x_grid - 1.0) ** 2 + lam * np.abs(x_grid)
        assert x_grid[np.argmin(F)] == pytest.approx(reg.minimize_1d_with_l1(f_prime, lam))
    lam_sweep = np.linspace(0, 3, 61)
    minimisers = np.array([reg.minimize_1d_with_l1(f_prime, lam) for lam in lam_sweep])
    np.testing.assert_array_equal(minimisers == 0.0, lam_sweep >= abs(f_prime(0.0)))
    np.testing.assert_allclose(minimisers, np.maximum(1 - lam_sweep, 0.0), atol=1e-12)


def test_threshold_in_p_dimensions_is_alpha_max():
    X, y, _ = reg.sparse_regression_data(n=100, p=30, k=5)
    a = reg.alpha_max(X, y)
    assert np.all(reg.lasso_coordinate_descent(X, y, a * (1 + 1e-9)) == 0.0)
    assert np.count_nonzero(reg.lasso_coordinate_descent(X, y, a * (1 - 1e-3))) > 0


# --------------------------------------------------------------------------- three solvers
@pytest.fixture(scope="module")
def solver_runs():
    Xs, ys, _ = reg.sparse_regression_data(n=100, p=50, k=5, correlation=0.5)
    alpha = 0.1 * reg.alpha_max(Xs, ys)
    return {
        "subgradient": reg.lasso_subgradient_descent(
            Xs, ys, alpha, n_iter=500, return_history=True
        ),
        "ista": reg.lasso_ista(Xs, ys, alpha, return_history=True),
        "fista": reg.lasso_ista(Xs, ys, alpha, accelerated=True, return_history=True),
        "cd": reg.lasso_coordinate_descent(Xs, ys, alpha, return_history=True),
    }


def test_subgradient_descent_leaves_no_exact_zeros_where_proximal_methods_find_them(solver_runs):
    zeros = {name: np.count_nonzero(w == 0.0) for name, (w, _) in solver_runs.items()}
    assert zeros["subgradient"] == 0
    assert zeros["ista"] == zeros["fista"] == zeros["cd"] == 45
    w_cd = solver_runs["cd"][0]
    for name in ("ista", "fista"):
        np.testing.assert_array_equal(solver_runs[name][0] == 0.0, w_cd == 0.0)
        np.testing.assert_allclose(solver_runs[name][0], w_cd, atol=1e-6)


def test_solver_speed_ranking_and_subgradient_is_far(solver_runs):
    n_iter = {name: h.n_iter for name, (_, h) in solver_runs.items()}
    assert all(h.converged for name, (_, h) in solver_runs.items() if name != "subgradient")
    assert n_iter["cd"] < 100 < n_iter["fista"] < 1000 < n_iter["ista"]  # dozens, hundreds, more
    best = min(h.objective.min() for _, h in solver_runs.values())
    assert solver_runs["subgradient"][1].objective[-1] - best > 0.1
    for name in ("ista", "fista", "cd"):
        assert solver_runs[name][1].objective[-1] - best < 1e-12


def test_subgradient_zig_zags_and_ista_settles_on_zero(solver_runs):
    w_cd = solver_runs["cd"][0]
    should_be_zero = np.flatnonzero(w_cd == 0.0)
    sub = solver_runs["subgradient"][1].coefs[:, should_be_zero]
    changes = np.count_nonzero(np.diff(np.sign(sub), axis=0), axis=0)
    assert changes.max() > 300  # "zig-zags across 0 for the whole run"
    j = should_be_zero[np.argmax(changes)]
    ista = solver_runs["ista"][1].coefs[:, j]
    first_zero_for_good = np.flatnonzero(ista != 0.0).max() + 1
    assert first_zero_for_good < 300 and np.all(ista[first_zero_for_good:] == 0.0)


# --------------------------------------------------------------------------- elastic net
def test_elastic_net_shares_weight_between_twins_lasso_does_not():
    Xp, yp = reg.correlated_pair_data()
    w_lasso = reg.lasso_coordinate_descent(Xp, yp, 0.3)
    w_enet = reg.elastic_net_coordinate_descent(Xp, yp, 0.3, l1_ratio=0.3)
    assert abs(w_lasso[0] - w_lasso[1]) > 1.0
    assert abs(w_enet[0] - w_enet[1]) < 0.1
    assert np.all(w_lasso[2:] == 0.0)
    assert np.count_nonzero(w_enet[2:] == 0.0) == 2


# --------------------------------------------------------------------------- Occam
def test_hinge_loss_cannot_tell_w_from_2w_but_l2_can():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    labels = np.array([0, 1, 2])
    W = np.array([[2.0, -1.0, -1.0], [-1.0, 2.0, -1.0]])
    assert losses.multiclass_hinge(X @ W, labels) == 0.0
    assert losses.multiclass_hinge(X @ (2 * W), labels) == 0.0
    assert reg.squared_l2_norm((2 * W).ravel()) == 4 * reg.squared_l2_norm(W.ravel())


# --------------------------------------------------------------------------- issue 13 errata
def _ridge_direct(X, y, alpha):
    return np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y)


def test_ridge_coefficients_cross_zero_only_at_isolated_alphas(paths):
    relevant, _, ridge_coefs = paths
    crossings = np.count_nonzero(np.diff(np.sign(ridge_coefs), axis=0), axis=0)
    assert np.count_nonzero(crossings[~relevant]) == 14  # of 25 irrelevant coefficients
    assert np.count_nonzero(crossings[relevant]) == 0
    # Bisect one crossing: the coefficient is 0 at a single α and non-zero on both sides of it.
    X, y, _ = reg.sparse_regression_data(n=100, p=30, k=5)
    alphas = np.logspace(-2, 4, 40)
    j = int(np.flatnonzero(crossings)[0])
    k = int(np.flatnonzero(np.diff(np.sign(ridge_coefs[:, j])))[0])
    lo, hi = np.log(alphas[k]), np.log(alphas[k + 1])
    sign_lo = np.sign(_ridge_direct(X, y, np.exp(lo))[j])
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.sign(_ridge_direct(X, y, np.exp(mid))[j]) == sign_lo:
            lo = mid
        else:
            hi = mid
    root = np.exp((lo + hi) / 2)
    assert abs(_ridge_direct(X, y, root)[j]) < 1e-10
    before, after = _ridge_direct(X, y, root * 0.99)[j], _ridge_direct(X, y, root * 1.01)[j]
    assert before * after < 0 and min(abs(before), abs(after)) > 1e-6


def test_elastic_net_leaks_because_its_l1_weight_is_weaker():
    from sklearn.linear_model import ElasticNet, Lasso

    Xp, yp = reg.correlated_pair_data()
    w_enet = reg.elastic_net_coordinate_descent(Xp, yp, 0.3, l1_ratio=0.3)
    w_weak = Lasso(alpha=0.09, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(Xp, yp).coef_
    np.testing.assert_array_equal(w_weak[2:] != 0.0, w_enet[2:] != 0.0)
    assert np.count_nonzero(w_enet[2:]) == 2
    same_l1 = ElasticNet(alpha=1.0, l1_ratio=0.3, fit_intercept=False, tol=1e-12, max_iter=100_000)
    w_same_l1 = same_l1.fit(Xp, yp).coef_
    assert np.all(w_same_l1[2:] == 0.0) and abs(w_same_l1[0] - w_same_l1[1]) < 0.1
    np.testing.assert_allclose(
        reg.elastic_net_coordinate_descent(Xp, yp, 1.0, l1_ratio=0.3), w_same_l1, atol=1e-6
    )


def test_when_each_solver_finds_its_final_zero_pattern(solver_runs):
    final = solver_runs["cd"][0] == 0.0

    def final_from(history):
        wrong = np.flatnonzero(~np.all((history.coefs == 0.0) == final, axis=1))
        return int(wrong.max()) + 2 if len(wrong) else 1

    steps = {name: final_from(h) for name, (_, h) in solver_runs.items() if name != "subgradient"}
    assert 150 < steps["ista"] < 300  # "about step 220", not "a few dozen"
    assert steps["fista"] < 100 and steps["cd"] == 1


def test_subgradient_iterates_have_a_duality_gap_far_above_the_tolerance(solver_runs):
    Xs, ys, _ = reg.sparse_regression_data(n=100, p=50, k=5, correlation=0.5)
    alpha = 0.1 * reg.alpha_max(Xs, ys)
    w_sub, history = solver_runs["subgradient"]
    scale = ys @ ys / len(ys)
    assert history.gap[-1] == pytest.approx(reg.duality_gap(Xs, ys, w_sub, alpha), rel=1e-9)
    assert history.gap.min() > 1e6 * reg.DEFAULT_TOL * scale


def test_weight_decay_at_lambda_150_is_near_the_stability_limit():
    X, y, _ = reg.sparse_regression_data(n=100, p=30, k=5)
    m, lr = len(y), 0.5
    settle = {}
    for lam in (0.0, 30.0, 150.0):
        curvature = np.linalg.eigvalsh((X.T @ X + lam * np.eye(X.shape[1])) / m).max()
        _, norms = reg.weight_decay_gradient_descent(X, y, lam, lr=lr, n_iter=400)
        within = np.abs(norms - norms[-1]) <= 0.01 * norms[-1]
        settle[lam] = len(norms) - int(np.argmin(within[::-1]))
        if lam == 150.0:
            assert 1.8 < lr * curvature < 2.0
            assert np.all(np.diff(np.sign(np.diff(norms[:12]))) != 0)  # up, down, up, …
        else:
            assert lr * curvature < 1.5
    assert settle[150.0] > settle[0.0] > settle[30.0]


def test_validation_curve_has_a_first_dip_and_a_bump_before_its_minimum():
    x_train, y_train = reg.noisy_sine(20, seed=1)
    x_val, y_val = reg.noisy_sine(200, seed=2)
    lambdas = np.logspace(-8, 2, 41)
    _, val = reg.ridge_validation_curve(
        reg.polynomial_features(x_train, 12),
        y_train,
        reg.polynomial_features(x_val, 12),
        y_val,
        lambdas,
    )
    i = np.arange(1, len(lambdas) - 1)
    dips = i[(val[i] < val[i - 1]) & (val[i] < val[i + 1])]
    bumps = i[(val[i] > val[i - 1]) & (val[i] > val[i + 1])]
    best = int(np.argmin(val))
    assert lambdas[dips[0]] == pytest.approx(5.6e-5, rel=0.01) and dips[-1] == best
    assert 1e-4 < lambdas[bumps[0]] < 2e-3 and len(bumps) == 1
    assert val[dips[0]] > val[best]


def test_scikit_learn_equivalences_hold_without_intercept_or_on_centred_data():
    from sklearn.linear_model import Lasso, Ridge

    X, y, _ = reg.sparse_regression_data(n=100, p=30, k=5)
    X_raw, y_raw = X + 3.0, y + 10.0
    alpha = 0.1 * reg.alpha_max(X, y)
    settings = {"alpha": alpha, "tol": 1e-12, "max_iter": 100_000}
    with_b, without_b = Lasso(**settings).fit(X_raw, y_raw), Lasso(fit_intercept=False, **settings)
    ours = reg.lasso_coordinate_descent(X_raw, y_raw, alpha)
    np.testing.assert_allclose(ours, without_b.fit(X_raw, y_raw).coef_, atol=1e-6)
    assert np.max(np.abs(ours - with_b.coef_)) > 0.1
    xm, ym = X_raw.mean(axis=0), y_raw.mean()
    centred = reg.lasso_coordinate_descent(X_raw - xm, y_raw - ym, alpha)
    np.testing.assert_allclose(centred, with_b.coef_, atol=1e-6)
    assert ym - xm @ centred == pytest.approx(with_b.intercept_, abs=1e-6)
    ridge_b = Ridge(alpha=5.0).fit(X_raw, y_raw)
    np.testing.assert_allclose(reg.ridge(X_raw - xm, y_raw - ym, 5.0), ridge_b.coef_, atol=1e-8)
    assert np.max(np.abs(reg.ridge(X_raw, y_raw, 5.0) - ridge_b.coef_)) > 1e-3


def test_unstandardised_units_make_the_lasso_drop_a_relevant_feature():
    X, y, _ = reg.sparse_regression_data(n=100, p=30, k=5)
    alpha = 0.1 * reg.alpha_max(X, y)
    assert np.count_nonzero(reg.lasso_coordinate_descent(X, y, alpha)[:5]) == 5
    X_units = X.copy()
    X_units[:, 0] *= 0.1
    w_units = reg.lasso_coordinate_descent(X_units, y, alpha)
    assert w_units[0] == 0.0 and np.count_nonzero(w_units[:5]) == 4


def test_map_estimates_are_the_penalised_minimisers():
    # Laplace prior (scale b) → Lasso with α = σ²/(n b); Gaussian prior (τ) → ridge, α = σ²/τ².
    X, y, _ = reg.sparse_regression_data(n=100, p=30, k=5)
    n, p = X.shape
    sigma, b, tau = 0.7, 0.05, 0.8

    def neg_log_posterior_laplace(w):
        return np.sum((y - X @ w) ** 2) / (2 * sigma**2) + np.sum(np.abs(w)) / b

    def neg_log_posterior_gauss(w):
        return np.sum((y - X @ w) ** 2) / (2 * sigma**2) + np.sum(w**2) / (2 * tau**2)

    w_lasso = reg.lasso_coordinate_descent(X, y, sigma**2 / (n * b))
    w_ridge = reg.ridge(X, y, sigma**2 / tau**2)
    rng = np.random.default_rng(1)
    for _ in range(200):  # no nearby point has a higher posterior
        step = 1e-3 * rng.standard_normal(p)
        assert neg_log_posterior_laplace(w_lasso + step) > neg_log_posterior_laplace(w_lasso)
        assert neg_log_posterior_gauss(w_ridge + step) > neg_log_posterior_gauss(w_ridge)
    # and the ridge MAP is the Gaussian posterior's mean, (XᵀX/σ² + I/τ²)⁻¹ Xᵀy/σ²
    posterior_mean = np.linalg.solve(X.T @ X / sigma**2 + np.eye(p) / tau**2, X.T @ y / sigma**2)
    np.testing.assert_allclose(w_ridge, posterior_mean, atol=1e-10)


def test_which_data_sets_are_centred_and_standardised():
    """Review of issue 13: the intercept section says the data of the paths, the solvers and the
    elastic net are centred (columns and y), and the standardisation paragraph that they are
    standardised; the two-feature picture's data are not centred (drawn through the origin),
    and the polynomial features are standardised inside each fit."""
    sets = [
        reg.sparse_regression_data(n=100, p=30, k=5)[:2],
        reg.sparse_regression_data(n=100, p=50, k=5, correlation=0.5)[:2],
        reg.correlated_pair_data(),
    ]
    for X, y in sets:
        np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(X.std(axis=0), 1.0, atol=1e-12)
        assert abs(y.mean()) < 1e-12
    X2, y2 = reg.two_feature_problem()
    assert np.max(np.abs(X2.mean(axis=0))) > 0.1 and abs(X2.std(axis=0)[0] - 1) > 0.05
    assert abs(y2.mean()) > 0.01
    # the polynomial fit standardises with training statistics: rescaling a column changes nothing
    x_train, y_train = reg.noisy_sine(20, seed=1)
    F = reg.polynomial_features(x_train, 12)
    G = F * np.linspace(0.1, 10, 12) + 3.0
    np.testing.assert_allclose(
        reg.ridge_fit_predict(F, y_train, F, [0.1]),
        reg.ridge_fit_predict(G, y_train, G, [0.1]),
        atol=1e-8,
    )
