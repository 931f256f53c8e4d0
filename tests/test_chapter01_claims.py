"""Every measurable claim of Chapter 1, computed with the same course_utils calls."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import losses, robust
from course_utils.datasets import make_line_with_outliers

RESIDUAL = np.linspace(-3, 3, 601)
ZERO = np.zeros_like(RESIDUAL)


def test_derivatives_l2_grows_l1_constant_huber_clipped():
    big = np.abs(RESIDUAL) > 1.0
    l2 = losses.mse_grad(RESIDUAL, ZERO, reduction="none")
    l1 = losses.mae_grad(RESIDUAL, ZERO, reduction="none")
    hub = losses.huber_grad(RESIDUAL, ZERO, 1.0, reduction="none")
    pseudo = losses.pseudo_huber_grad(RESIDUAL, ZERO, 1.0, reduction="none")
    assert np.all(np.diff(l2) > 0) and l2[-1] == pytest.approx(6.0)
    np.testing.assert_array_equal(np.abs(l1[RESIDUAL != 0]), 1.0)
    assert np.max(np.abs(hub)) == pytest.approx(1.0) and np.all(np.abs(hub[big]) == 1.0)
    assert np.all(np.abs(pseudo) < 1.0) and pseudo[-1] == pytest.approx(3 / np.sqrt(10))


def test_tensorflow_l2_loss_is_half_the_sum_of_squares():
    a = np.array([1.0, -2.0, 3.0])
    assert losses.mse(a, np.zeros(3), reduction="sum") == 14.0  # tf.nn.l2_loss gives 7.0


def test_outliers_drag_only_the_l2_line():
    x, y, _ = make_line_with_outliers(seed=0)
    slopes = {name: robust.fit_line(x, y, name)[0] for name in ("l2", "l1", "huber")}
    assert slopes["l2"] < 1.0  # the true slope is 2
    assert abs(slopes["l1"] - 2) < 0.1 and abs(slopes["huber"] - 2) < 0.2


def test_four_bad_readings_move_the_mean_by_over_a_unit_but_not_the_median():
    _, readings, corrupted = make_line_with_outliers(slope=0.0, intercept=5.0, seed=1)
    clean = readings[~corrupted]
    assert np.mean(clean) - np.mean(readings) > 1.0
    # "about 4 × 12 / 41": the corrupted readings carry their own noise too
    assert np.mean(clean) - np.mean(readings) == pytest.approx(4 * 12 / 41, rel=0.05)
    assert abs(np.median(clean) - np.median(readings)) < 0.05
    assert robust.fit_constant(readings, "l1") == pytest.approx(np.median(readings), abs=1e-6)
    huber = robust.fit_constant(readings, "huber")
    assert abs(huber - np.mean(clean)) < 0.2


def test_clipped_probability_caps_the_loss_but_the_logit_form_does_not():
    logits = np.array([5.0, 40.0, 1000.0])
    via_p = losses.binary_cross_entropy(losses.sigmoid(logits), np.zeros(3), reduction="none")
    exact = losses.binary_cross_entropy_with_logits(logits, np.zeros(3), reduction="none")
    assert via_p[0] == pytest.approx(exact[0], rel=1e-9)
    np.testing.assert_allclose(via_p[1:], -np.log(1e-12), rtol=1e-6)
    np.testing.assert_allclose(exact[1:], [40.0, 1000.0], rtol=1e-12)


def test_pos_weight_scales_only_the_positive_term():
    s, t = np.array([-2.0, 2.0]), np.array([1.0, 0.0])
    base = losses.binary_cross_entropy_with_logits(s, t, 1.0, reduction="none")
    assert base[0] == pytest.approx(2.127, abs=5e-4)
    for w in (0.5, 4.0):
        weighted = losses.binary_cross_entropy_with_logits(s, t, w, reduction="none")
        assert weighted[0] == pytest.approx(w * base[0]) and weighted[1] == base[1]


def test_margin_loss_bounds_on_the_zero_one_loss():
    m = np.linspace(-3, 3, 601)
    y = np.ones_like(m)
    zero_one = (m <= 0).astype(float)
    assert np.all(losses.hinge(m, y, reduction="none") >= zero_one)
    assert np.all(losses.hinge(m, y, squared=True, reduction="none") >= zero_one)
    logistic = losses.logistic_loss(m, y, reduction="none")
    assert not np.all(logistic >= zero_one)
    assert losses.logistic_loss(np.array([0.0]), np.array([1.0])) == pytest.approx(np.log(2))
    assert np.all(logistic / np.log(2) >= zero_one)


def test_sparse_example_in_the_exercise():
    value = losses.softmax_cross_entropy(np.array([[2.0, 1.0, 0.1]]), np.array([1]))
    assert value == pytest.approx(1.417, abs=1e-3) and value > np.log(3)


def test_huber_slope_is_half_the_l2_slope_inside_delta_and_clipped_outside():
    # Erratum: Huber is ½a² inside ±δ, so its slope is a, half of the table's L2 slope 2a.
    for delta in (0.3, 1.0, 2.5):
        inside = np.abs(RESIDUAL) <= delta
        hub = losses.huber_grad(RESIDUAL, ZERO, delta, reduction="none")
        l2 = losses.mse_grad(RESIDUAL, ZERO, reduction="none")
        np.testing.assert_allclose(hub[inside], l2[inside] / 2, atol=1e-12)
        np.testing.assert_allclose(np.abs(hub[~inside]), delta)


def test_irls_lines_match_independent_solvers_to_high_accuracy():
    # Erratum: IRLS stops at a tolerance; it is not exact, but it is accurate to ~1e-8.
    from scipy.optimize import linprog, minimize

    x, y, _ = make_line_with_outliers(seed=0)
    n = len(x)
    # L1 line as a linear program: minimise Σ t_i with −t ≤ y − (s·x + b) ≤ t.
    cost = np.r_[0.0, 0.0, np.ones(n)]
    rows = np.block(
        [
            [-x[:, None], -np.ones((n, 1)), -np.eye(n)],
            [x[:, None], np.ones((n, 1)), -np.eye(n)],
        ]
    )
    lp = linprog(
        cost,
        A_ub=rows,
        b_ub=np.r_[-y, y],
        bounds=[(None, None)] * 2 + [(0, None)] * n,
        method="highs",
    )
    np.testing.assert_allclose(robust.fit_line(x, y, "l1"), lp.x[:2], atol=1e-8)

    def huber_total(theta):
        return losses.huber(y, theta[0] * x + theta[1], 1.0, reduction="sum")

    smooth = minimize(huber_total, [1.0, 1.0], method="BFGS", options={"gtol": 1e-12})
    np.testing.assert_allclose(robust.fit_line(x, y, "huber"), smooth.x, atol=1e-6)


def test_cookbook_float32_values_agree_to_the_printed_digits():
    logits = np.array([[1.0, -3.0, 10.0]], dtype=np.float32)
    cases = [
        (np.array([[0.1, 0.02, 0.88]], dtype=np.float32), 1.1601256, 1e-7),
        (np.array([2]), 0.00012564, 1e-8),
    ]
    for target, printed, last_digit in cases:
        value = losses.softmax_cross_entropy(logits, target, reduction="none")[0]
        assert value.dtype == np.float32
        assert abs(value - printed) <= last_digit / 2 + np.spacing(value)
    exact = np.log1p(np.exp(-9.0) + np.exp(-13.0))
    in64 = losses.softmax_cross_entropy(logits.astype(float), np.array([2]))
    assert in64 == pytest.approx(exact, rel=1e-12) and f"{exact:.9f}" == "0.000125662"


def test_logit_form_is_accurate_to_rounding_for_any_logit():
    """Review of issue 13: the stable form is "accurate to rounding for any logit" (not
    "exact"): against 50-digit arithmetic it is within a few ε wherever the true loss is a
    float64 number, and only a loss below float64's range (log(1 + e^(−1000))) comes out 0."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    logits = np.array(
        [-1000, -700, -40, -20, -5, -1, -1e-3, 0, 1e-8, 1e-3, 1, 5, 20, 40, 700, 1000]
    )
    for label in (0.0, 1.0):
        got = losses.binary_cross_entropy_with_logits(
            logits, np.full_like(logits, label), reduction="none"
        )
        for s, value in zip(logits, got, strict=True):
            sign = -1 if label == 1.0 else 1
            exact = mpmath.log1p(mpmath.exp(sign * mpmath.mpf(s)))
            if exact < np.finfo(float).tiny:  # below float64's range: underflows to 0
                assert value == 0.0 and abs(s) == 1000
            else:
                assert abs(value - exact) <= 4 * np.finfo(float).eps * exact, (label, s)
