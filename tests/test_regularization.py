"""course_utils.regularization against scikit-learn, closed forms and numerical gradients."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from course_utils import regularization as reg
from course_utils.gradcheck import numerical_gradient, relative_error

sklearn_linear = pytest.importorskip("sklearn.linear_model")
Lasso, Ridge, ElasticNet = sklearn_linear.Lasso, sklearn_linear.Ridge, sklearn_linear.ElasticNet


def _problem(seed: int, n: int, p: int, k: int, shared: float = 0.0):
    """Gaussian design (columns correlated through a shared factor), k non-zero weights."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + shared * rng.standard_normal((n, 1))
    w = np.zeros(p)
    w[:k] = rng.uniform(1, 3, k) * rng.choice([-1, 1], k)
    return X, X @ w + rng.standard_normal(n)


# n > p, n < p, correlated columns, square: the four shapes a Lasso solver meets.
PROBLEMS = {
    "tall": (0, 100, 40, 5, 0.0),
    "wide": (1, 50, 200, 5, 0.0),
    "correlated": (2, 200, 30, 10, 2.0),
    "square": (3, 80, 80, 8, 0.5),
}


def _sklearn_lasso(X, y, alpha, l1_ratio=1.0):
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=False, tol=1e-14)
    if l1_ratio == 1.0:
        model = Lasso(alpha=alpha, fit_intercept=False, tol=1e-14)
    model.set_params(max_iter=1_000_000)
    return model.fit(X, y).coef_


# --------------------------------------------------------------------------- norms, prox
def test_norms_by_hand():
    w = np.array([3.0, -4.0])
    assert reg.l1_norm(w) == 7.0
    assert reg.l2_norm(w) == 5.0  # the square root of the sum of squares
    assert reg.squared_l2_norm(w) == 25.0  # the ridge penalty is its square


def test_l1_subgradient_is_the_derivative_away_from_zero_and_zero_at_zero():
    w = np.array([-2.0, -0.3, 0.0, 0.7])
    np.testing.assert_array_equal(reg.l1_subgradient(w), [-1.0, -1.0, 0.0, 1.0])
    x = np.array([-2.0, -0.3, 0.7])
    numeric = numerical_gradient(lambda v: reg.l1_norm(v), x.copy())
    assert relative_error(reg.l1_subgradient(x), numeric) < 1e-7


def test_squared_l2_norm_grad_against_numerical_gradient():
    w = np.array([0.3, -1.2, 2.0])
    numeric = numerical_gradient(lambda v: reg.squared_l2_norm(v), w.copy())
    assert relative_error(reg.squared_l2_norm_grad(w), numeric) < 1e-7


def test_soft_threshold_by_hand():
    out = reg.soft_threshold(np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]), 1.0)
    np.testing.assert_array_equal(out, [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0])
    assert np.all(out[1:6] == 0.0)  # exact zeros, not tiny numbers


@pytest.mark.parametrize("v", [-2.5, -0.4, 0.0, 0.3, 1.7])
@pytest.mark.parametrize("t", [0.0, 0.5, 1.0])
def test_soft_threshold_is_the_prox_of_the_absolute_value(v, t):
    best = minimize_scalar(
        lambda w: 0.5 * (w - v) ** 2 + t * abs(w),
        bounds=(-5, 5),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert abs(float(reg.soft_threshold(v, t)) - best.x) < 1e-7


def test_soft_threshold_rejects_negative_threshold():
    with pytest.raises(ValueError, match="t must be a threshold"):
        reg.soft_threshold([1.0], -0.1)


# --------------------------------------------------------------------------- Lasso solvers
SOLVERS = {
    "ista": lambda X, y, a: reg.lasso_ista(X, y, a),
    "fista": lambda X, y, a: reg.lasso_ista(X, y, a, accelerated=True),
    "coordinate_descent": lambda X, y, a: reg.lasso_coordinate_descent(X, y, a),
}


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.02])
@pytest.mark.parametrize("solver", SOLVERS)
def test_lasso_matches_sklearn_with_default_arguments(problem, fraction, solver):
    X, y = _problem(*PROBLEMS[problem])
    alpha = fraction * reg.alpha_max(X, y)
    expected = _sklearn_lasso(X, y, alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("error", reg.ConvergenceWarning)
        w = SOLVERS[solver](X, y, alpha)
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(w == 0.0, expected == 0.0)  # the same exact zeros
    assert 0 < np.count_nonzero(w) < X.shape[1]


@pytest.mark.parametrize("problem", ["tall", "wide", "correlated"])
@pytest.mark.parametrize("l1_ratio", [0.2, 0.5, 0.9])
def test_elastic_net_matches_sklearn(problem, l1_ratio):
    X, y = _problem(*PROBLEMS[problem])
    alpha = 0.05 * reg.alpha_max(X, y)
    expected = _sklearn_lasso(X, y, alpha, l1_ratio)
    w = reg.elastic_net_coordinate_descent(X, y, alpha, l1_ratio)
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(w == 0.0, expected == 0.0)


def test_lasso_path_matches_sklearn_lasso_path():
    X, y = _problem(*PROBLEMS["tall"])
    alphas = reg.alpha_max(X, y) * np.logspace(0, -3, 15)
    _, expected, _ = sklearn_linear.lasso_path(X, y, alphas=alphas, tol=1e-14, max_iter=10**6)
    np.testing.assert_allclose(reg.lasso_path(X, y, alphas), expected.T, rtol=0, atol=1e-6)


def test_alpha_max_is_where_the_lasso_solution_becomes_zero():
    X, y = _problem(*PROBLEMS["tall"])
    a = reg.alpha_max(X, y)
    assert np.all(_sklearn_lasso(X, y, a) == 0.0)
    assert np.count_nonzero(_sklearn_lasso(X, y, 0.99 * a)) >= 1
    assert np.all(reg.lasso_coordinate_descent(X, y, a * (1 + 1e-9)) == 0.0)


def test_duality_gap_bounds_the_suboptimality():
    X, y = _problem(*PROBLEMS["wide"])
    alpha = 0.1 * reg.alpha_max(X, y)
    best = reg.lasso_objective(X, y, _sklearn_lasso(X, y, alpha), alpha)
    rng = np.random.default_rng(5)
    for _ in range(20):
        w = rng.standard_normal(X.shape[1]) * rng.uniform(0, 0.3)
        excess = reg.lasso_objective(X, y, w, alpha) - best
        assert 0 <= excess <= reg.duality_gap(X, y, w, alpha) + 1e-12
    # the default stopping rule: gap ≤ tol·‖y‖²/n
    gap = reg.duality_gap(X, y, reg.lasso_ista(X, y, alpha), alpha)
    assert gap <= reg.DEFAULT_TOL * (y @ y) / len(y)


@pytest.mark.parametrize("accelerated", [False, True])
def test_iteration_counts_do_not_depend_on_rounding(accelerated):
    # A run must stop at the same step when X changes by one rounding unit, as it does between
    # CPUs and BLAS builds: the default tolerance sits above the rounding floor, and FISTA's
    # restart test is not decided by rounding.
    X, y, _ = reg.sparse_regression_data(n=100, p=50, k=5, correlation=0.5)
    alpha = 0.1 * reg.alpha_max(X, y)
    rng = np.random.default_rng(1)
    counts = set()
    for trial in range(8):
        X_rounded = X * (1 + 1e-15 * rng.standard_normal(X.shape)) if trial else X
        _, history = reg.lasso_ista(
            X_rounded, y, alpha, accelerated=accelerated, return_history=True
        )
        counts.add(history.n_iter)
    assert len(counts) == 1, counts


def test_elastic_net_objective_by_hand():
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    y = np.array([1.0, 1.0])
    w = np.array([0.5, -1.0])
    # residual (0.5, 3): ‖r‖² = 9.25 → 9.25/4; penalties 0.6·0.4·1.5 and 0.6·0.6/2·1.25
    expected = 9.25 / 4 + 0.6 * 0.4 * 1.5 + 0.6 * 0.6 / 2 * 1.25
    assert reg.elastic_net_objective(X, y, w, 0.6, 0.4) == pytest.approx(expected, rel=1e-15)


def test_history_records_a_decreasing_gap_and_convergence():
    X, y = _problem(*PROBLEMS["tall"])
    alpha = 0.1 * reg.alpha_max(X, y)
    w, history = reg.lasso_coordinate_descent(X, y, alpha, return_history=True)
    assert history.converged and history.n_iter == len(history.objective) == len(history.gap)
    assert history.objective[-1] == pytest.approx(reg.lasso_objective(X, y, w, alpha), rel=1e-12)
    assert np.all(np.diff(history.objective) <= 1e-12)  # coordinate descent never goes up


def test_max_iter_warns():
    X, y = _problem(*PROBLEMS["tall"])
    alpha = 0.1 * reg.alpha_max(X, y)
    with pytest.warns(reg.ConvergenceWarning, match="max_iter"):
        reg.lasso_ista(X, y, alpha, max_iter=3)
    with pytest.warns(reg.ConvergenceWarning, match="max_iter"):
        reg.lasso_coordinate_descent(X, y, alpha, max_iter=1)


def test_subgradient_descent_approaches_the_solution_without_exact_zeros():
    X, y = _problem(*PROBLEMS["tall"])
    alpha = 0.1 * reg.alpha_max(X, y)
    expected = _sklearn_lasso(X, y, alpha)
    w, history = reg.lasso_subgradient_descent(X, y, alpha, n_iter=3000, return_history=True)
    assert np.max(np.abs(w - expected)) < 0.05
    assert history.objective[-1] < history.objective[0]
    assert np.count_nonzero(w == 0.0) == 0 < np.count_nonzero(expected == 0.0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: reg.lasso_ista(np.ones(3), np.ones(3), 0.1), "X must be a 2-D array"),
        (lambda: reg.lasso_ista(np.ones((3, 2)), np.ones(4), 0.1), r"y must have shape \(n,\)"),
        (lambda: reg.lasso_ista(np.ones((3, 2)), np.ones(3), 0.0), "alpha must be"),
        (lambda: reg.lasso_coordinate_descent(np.ones((3, 2)), [1, 2, np.nan], 1.0), "NaN"),
        (
            lambda: reg.elastic_net_coordinate_descent(np.ones((3, 2)), np.ones(3), 1.0, 1.5),
            "l1_ratio must lie in",
        ),
        (lambda: reg.lasso_ista(np.ones((3, 2)), np.ones(3), 1.0, max_iter=0), "max_iter"),
        (lambda: reg.ridge(np.ones((3, 2)), np.ones(3), -1.0), "alpha must be a finite number"),
        (lambda: reg.ridge(np.ones((3, 2)), np.ones(3), 0.0), "singular"),
        (
            lambda: reg.lasso_coordinate_descent(np.ones((3, 2)), np.ones(3), 1.0, w0=[0.0]),
            "w0 must have shape",
        ),
    ],
)
def test_bad_inputs_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_numeric_input_raises_type_error():
    with pytest.raises(TypeError, match="X must be a numeric array"):
        reg.ridge([["a", "b"]], [1.0], 1.0)


# --------------------------------------------------------------------------- ridge
@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("alpha", [1e-3, 1.0, 50.0])
def test_ridge_matches_sklearn(problem, alpha):
    X, y = _problem(*PROBLEMS[problem])
    expected = Ridge(alpha=alpha, fit_intercept=False, solver="svd").fit(X, y).coef_
    np.testing.assert_allclose(reg.ridge(X, y, alpha), expected, rtol=0, atol=1e-8)


def test_ridge_with_several_targets_and_alpha_zero():
    X, y = _problem(*PROBLEMS["tall"])
    Y = np.column_stack([y, 2 * y + 1])
    expected = Ridge(alpha=3.0, fit_intercept=False, solver="svd").fit(X, Y).coef_.T
    np.testing.assert_allclose(reg.ridge(X, Y, 3.0), expected, rtol=0, atol=1e-8)
    least_squares = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(reg.ridge(X, y, 0.0), least_squares, rtol=0, atol=1e-10)


def test_ridge_path_equals_ridge_at_each_alpha():
    X, y = _problem(*PROBLEMS["wide"])
    alphas = np.logspace(-2, 3, 7)
    path = reg.ridge_path(X, y, alphas)
    for a, row in zip(alphas, path, strict=True):
        np.testing.assert_allclose(row, reg.ridge(X, y, a), rtol=0, atol=1e-9)


def test_ridge_validation_curve_matches_sklearn_with_intercept():
    x, y = reg.noisy_sine(20, seed=1)
    xv, yv = reg.noisy_sine(50, seed=2)
    X, Xv = reg.polynomial_features(x, 9), reg.polynomial_features(xv, 9)
    alphas = np.array([1e-4, 1e-1, 10.0])
    train, val = reg.ridge_validation_curve(X, y, Xv, yv, alphas)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    for i, a in enumerate(alphas):
        model = Ridge(alpha=a, solver="svd").fit((X - mean) / scale, y)
        assert train[i] == pytest.approx(np.mean((model.predict((X - mean) / scale) - y) ** 2))
        assert val[i] == pytest.approx(np.mean((model.predict((Xv - mean) / scale) - yv) ** 2))


# --------------------------------------------------------------------------- weight decay
def test_weight_decay_step_is_a_gradient_step_on_the_penalised_loss():
    X, y = _problem(*PROBLEMS["tall"])
    m, lam, lr = len(y), 7.0, 0.1
    theta0 = np.random.default_rng(0).standard_normal(X.shape[1])

    def J(theta):
        return (np.sum((X @ theta - y) ** 2) + lam * np.sum(theta**2)) / (2 * m)

    step, _ = reg.weight_decay_gradient_descent(X, y, lam, lr=lr, n_iter=1, w0=theta0)
    expected = theta0 - lr * numerical_gradient(J, theta0.copy())
    assert relative_error(step, expected) < 1e-7


def test_weight_decay_converges_to_ridge_and_shrinks_the_weights():
    X, y = _problem(*PROBLEMS["tall"])
    theta, norms = reg.weight_decay_gradient_descent(X, y, 30.0, lr=0.5, n_iter=2000)
    np.testing.assert_allclose(theta, reg.ridge(X, y, 30.0), rtol=0, atol=1e-8)
    unregularised, _ = reg.weight_decay_gradient_descent(X, y, 0.0, lr=0.5, n_iter=2000)
    assert norms[-1] < np.linalg.norm(unregularised)


# --------------------------------------------------------------------------- the 1-D example
def _f_prime(x):  # f(x) = log cosh(x − 1) + 0.1 x²: convex, not quadratic, f′(0) = −tanh(1)
    return np.tanh(x - 1.0) + 0.2 * x


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.7, np.tanh(1.0) + 1e-9, 1.0, 2.0])
def test_minimize_1d_with_l1_against_scipy(lam):
    def F(x):
        return np.log(np.cosh(x - 1.0)) + 0.1 * x**2 + lam * abs(x)

    best = minimize_scalar(F, bounds=(-5, 5), method="bounded", options={"xatol": 1e-10})
    x = reg.minimize_1d_with_l1(_f_prime, lam)
    assert abs(x - best.x) < 1e-6
    assert (x == 0.0) == (lam >= abs(_f_prime(0.0)))


def test_minimize_1d_with_l1_on_the_negative_side():
    x = reg.minimize_1d_with_l1(lambda x: 2 * (x + 3.0), 1.0)  # f = (x + 3)²: 2(x + 3) − 1 = 0
    assert x == pytest.approx(-2.5, abs=1e-10)


# --------------------------------------------------------------------------- pictures' data
def test_data_loss_on_grid_matches_direct_evaluation():
    X, y = reg.two_feature_problem()
    w1, w2 = np.meshgrid(np.linspace(-1, 3, 5), np.linspace(-2, 2, 4))
    grid = reg.data_loss_on_grid(X, y, w1, w2)
    for i, j in np.ndindex(w1.shape):
        w = np.array([w1[i, j], w2[i, j]])
        assert grid[i, j] == pytest.approx(np.sum((y - X @ w) ** 2) / (2 * len(y)), rel=1e-12)


def test_polynomial_features():
    np.testing.assert_array_equal(
        reg.polynomial_features(np.array([2.0, -1.0]), 3), [[2, 4, 8], [-1, 1, -1]]
    )


def test_a_constant_zero_column_gets_weight_zero():
    X, y = _problem(*PROBLEMS["tall"])
    X[:, 3] = 0.0
    alpha = 0.1 * reg.alpha_max(X, y)
    expected = _sklearn_lasso(X, y, alpha)
    w0 = np.ones(X.shape[1])
    for w in (
        reg.lasso_coordinate_descent(X, y, alpha, w0=w0),
        reg.lasso_ista(X, y, alpha, w0=w0),
    ):
        assert w[3] == 0.0
        np.testing.assert_allclose(w, expected, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(reg.lasso_ista(np.zeros((5, 2)), np.ones(5), 0.1), [0.0, 0.0])


# --------------------------------------------------------------------------- chapter 2 figures
def test_chapter2_plotting_helpers_label_their_axes():
    plotting = pytest.importorskip("course_utils.plotting")
    import matplotlib.pyplot as plt

    X, y = reg.two_feature_problem()
    w1, w2 = np.meshgrid(np.linspace(-1, 3, 30), np.linspace(-1, 1, 20))
    w_l1 = reg.lasso_coordinate_descent(X, y, 1.2)
    w_l2 = reg.ridge(X, y, 10.0)
    fig = plotting.plot_constraint_regions(
        w1,
        w2,
        reg.data_loss_on_grid(X, y, w1, w2),
        least_squares=reg.ridge(X, y, 0.0),
        l1_point=w_l1,
        l1_loss=1.0,
        l2_point=w_l2,
        l2_loss=1.0,
    )
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()) == ("w₁", "w₂")
    alphas = np.logspace(-2, 0, 5)
    fig2 = plotting.plot_coefficient_paths(alphas, np.ones((5, 3)), relevant=[True, False, False])
    assert fig2.axes[0].get_xscale() == "log" and fig2.axes[0].get_ylabel() == "coefficient"
    fig3 = plotting.plot_convergence({"a": np.array([1.0, 0.1, 0.0])})
    assert fig3.axes[0].get_yscale() == "log" and fig3.axes[0].get_xlabel() == "iteration"
    for figure in (fig, fig2, fig3):
        plt.close(figure)
