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
