"""course_utils.robust against independent solvers (NumPy, SciPy, scikit-learn)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize
from sklearn.linear_model import QuantileRegressor

from course_utils.datasets import make_line_with_outliers
from course_utils.robust import fit_constant, fit_line

X, Y, OUTLIER = make_line_with_outliers(seed=3)


def huber_reference(a, delta):
    """Huber's ρ written independently: min over the quadratic/linear split."""
    return np.sum(np.where(np.abs(a) < delta, a * a / 2, delta * np.abs(a) - delta * delta / 2))


def test_l2_line_is_polyfit():
    np.testing.assert_allclose(fit_line(X, Y, "l2"), np.polyfit(X, Y, 1), rtol=1e-12)


def test_l2_and_l1_constants_are_mean_and_median():
    y = np.random.default_rng(1).standard_t(df=2, size=41)
    assert fit_constant(y, "l2") == pytest.approx(np.mean(y), rel=1e-12)
    assert fit_constant(y, "l1") == pytest.approx(np.median(y), abs=1e-7)


def test_l1_line_matches_median_regression():
    reference = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(X[:, None], Y)
    slope, intercept = fit_line(X, Y, "l1")
    objective = lambda s, b: np.sum(np.abs(Y - s * X - b))  # noqa: E731
    assert objective(slope, intercept) == pytest.approx(
        objective(reference.coef_[0], reference.intercept_), rel=1e-7
    )
    assert slope == pytest.approx(reference.coef_[0], abs=1e-5)


@pytest.mark.parametrize("delta", [0.5, 1.0, 3.0])
def test_huber_line_and_constant_match_scipy(delta):
    result = optimize.minimize(
        lambda p: huber_reference(Y - p[0] * X - p[1], delta),
        x0=[0.0, 0.0],
        method="BFGS",
        options={"gtol": 1e-10},
    )
    np.testing.assert_allclose(fit_line(X, Y, "huber", delta), result.x, atol=1e-5)
    best = optimize.minimize_scalar(lambda c: huber_reference(Y - c, delta), bracket=(-5, 5))
    assert fit_constant(Y, "huber", delta) == pytest.approx(best.x, abs=1e-6)


def test_outliers_drag_l2_but_not_l1_or_huber():
    true_slope = 2.0
    errors = {loss: abs(fit_line(X, Y, loss)[0] - true_slope) for loss in ("l2", "l1", "huber")}
    assert errors["l2"] > 1.0
    assert errors["l1"] < 0.2 and errors["huber"] < 0.2


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: fit_line(X, Y[:-1]), ValueError, "same length"),
        (lambda: fit_constant(Y, "l3"), ValueError, "'l2', 'l1', 'huber'"),
        (lambda: fit_constant(np.zeros((2, 2))), ValueError, "1-D"),
        (lambda: fit_constant(Y, "huber", delta=-1), ValueError, "delta"),
        (lambda: make_line_with_outliers(5, n_outliers=5), ValueError, "n_outliers"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
