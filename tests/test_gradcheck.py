"""course_utils.gradcheck against closed-form derivatives."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.gradcheck import check_gradient, numerical_gradient, relative_error


def test_numerical_gradient_of_a_cubic_matches_its_derivative():
    x = np.array([[0.5, -1.0, 2.0], [3.0, -0.25, 1.5]])
    numeric = numerical_gradient(lambda v: np.sum(v**3), x)
    np.testing.assert_allclose(numeric, 3 * x**2, rtol=1e-9)


def test_numerical_gradient_restores_x_exactly_and_reads_it_through_a_closure():
    w = np.linspace(-1, 1, 7)
    before = w.copy()
    numeric = numerical_gradient(lambda _: np.sum(np.sin(w)), w)
    np.testing.assert_array_equal(w, before)
    np.testing.assert_allclose(numeric, np.cos(w), rtol=1e-9)


def test_centred_difference_error_is_second_order():
    # exp''' = exp, so the centred error is ≈ h²/6 · e^x: shrinking h tenfold shrinks it 100×.
    x = np.array([1.0])
    errors = [
        abs(numerical_gradient(lambda v: np.exp(v[0]), x, h=h)[0] - np.e) for h in (1e-2, 1e-3)
    ]
    assert errors[0] / errors[1] == pytest.approx(100, rel=0.01)
    assert errors[0] == pytest.approx(1e-4 / 6 * np.e, rel=0.01)


def test_relative_error_hand_values():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0, 0.0], [3.0, 0.0]) == pytest.approx(0.5)  # |1−3| / (1+3)
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1e-20], [-1e-20], floor=1e-300) == pytest.approx(1.0)
    # below the floor (default 1e-10) the comparison is absolute: rounding noise is no error
    assert relative_error([0.0], [1e-13]) == pytest.approx(1e-3)
    assert relative_error([0.0, 2.0], [1e-13, 2.0]) < 1e-2


def test_check_gradient_does_not_fail_on_a_zero_entry_that_rounding_makes_nonzero():
    # f(x) = x0² + 3(x1 + 1) − 3x1: the exact derivative in x1 is 0, but the two terms round
    # differently at x1 ± h, so the numerical gradient there is rounding noise (−2.2e-11).
    x = np.array([0.7, 0.3])
    f = lambda v: v[0] ** 2 + 3.0 * (v[1] + 1.0) - 3.0 * v[1]  # noqa: E731
    g = lambda v: np.array([2 * v[0], 0.0])  # noqa: E731
    numeric = numerical_gradient(f, x.copy())
    assert numeric[1] != 0.0
    assert relative_error(g(x), numeric, floor=1e-300) == pytest.approx(1.0)  # without a floor
    report = check_gradient(f, g, x.copy())
    assert report.passed, report
    assert abs(numeric[1]) <= report.noise
    # the noise level is ε·|f|/h times NOISE_UNITS; a real error far above it still fails
    bad = check_gradient(f, lambda v: np.array([2 * v[0], 1e-3]), x.copy())
    assert not bad.passed and bad.worst_index == (1,)


def test_check_gradient_passes_a_right_gradient_and_points_at_a_wrong_one():
    W = np.array([[1.0, -2.0], [0.5, 3.0], [2.0, -1.0]])
    f = lambda w: np.sum(w**2) + np.sum(w[2] ** 2)  # noqa: E731 - row 2 counts twice
    right = lambda w: 2 * w + np.vstack([np.zeros((2, 2)), 2 * w[2:]])  # noqa: E731
    wrong = lambda w: 2 * w  # noqa: E731 - forgot row 2's extra term
    good = check_gradient(f, right, W.copy(), name="W")
    assert good.passed and good.relative_error < 1e-9
    assert str(good).startswith("gradient OK")
    bad = check_gradient(f, wrong, W.copy(), name="W")
    assert not bad.passed
    assert bad.worst_index[0] == 2
    assert bad.relative_error == pytest.approx(1 / 3)  # |2w − 4w| / (2|w| + 4|w|)
    assert "W[2, " in str(bad) and "differs from a numerical gradient" in str(bad)


def test_check_gradient_sampled_entries_only():
    x = np.random.default_rng(0).normal(size=(20, 30))
    report = check_gradient(
        lambda v: np.sum(np.tanh(v)), lambda v: 1 - np.tanh(v) ** 2, x, samples=25
    )
    assert report.passed


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: numerical_gradient(lambda v: 0.0, np.array([1, 2])), TypeError, "dtype=float"),
        (
            lambda: numerical_gradient(lambda v: 0.0, [1.0, 2.0]),
            TypeError,
            "NumPy array of floats",
        ),
        (lambda: numerical_gradient(lambda v: v, np.ones(2)), ValueError, "single number"),
        (lambda: numerical_gradient(lambda v: 0.0, np.ones(2), h=0), ValueError, "h must"),
        (lambda: relative_error(np.ones(2), np.ones(3)), ValueError, "same shape"),
        (lambda: relative_error(np.ones(2), np.ones(2), floor=0.0), ValueError, "floor must"),
        (lambda: check_gradient(np.sum, lambda v: v[:1], np.ones(2)), ValueError, "shape of x"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
