"""Tests for course_utils.naive: right where float64 copes, non-finite where it does not."""

import math
import warnings

import numpy as np
import pytest

from course_utils import losses, naive

MODERATE = np.random.default_rng(1).normal(scale=4.0, size=(30, 6))
LABELS = np.random.default_rng(2).integers(0, 6, size=30)


def test_naive_functions_agree_with_math_on_moderate_inputs():
    x = np.linspace(-30, 30, 61)
    expected = np.array([1.0 / (1.0 + math.exp(-v)) for v in x])
    np.testing.assert_allclose(naive.naive_sigmoid(x), expected, rtol=1e-15)
    np.testing.assert_allclose(
        naive.naive_log_sigmoid(x),
        [-math.log1p(math.exp(-v)) for v in x],
        rtol=1e-12,
        atol=1e-15,  # log of a number near 1 keeps only absolute precision
    )
    row = MODERATE[0]
    exps = [math.exp(v) for v in row]
    np.testing.assert_allclose(naive.naive_softmax(row), np.array(exps) / sum(exps), rtol=1e-14)


def test_naive_losses_agree_with_stable_ones_on_moderate_inputs():
    np.testing.assert_allclose(
        naive.naive_softmax_cross_entropy(MODERATE, LABELS),
        losses.softmax_cross_entropy(MODERATE, LABELS, reduction="none"),
        rtol=1e-12,
    )
    s = MODERATE[:, 0]
    t = (LABELS % 2).astype(float)
    np.testing.assert_allclose(
        naive.naive_binary_cross_entropy_with_logits(s, t),
        losses.binary_cross_entropy_with_logits(s, t, reduction="none"),
        rtol=1e-9,
    )


def test_naive_sigmoid_overflows_and_its_log_is_minus_infinity():
    with pytest.warns(RuntimeWarning, match="overflow"):
        value = naive.naive_sigmoid(np.array([-1000.0]))
    assert value[0] == 0.0
    with pytest.warns(RuntimeWarning):
        log_value = naive.naive_log_sigmoid(np.array([-1000.0]))
    assert np.isneginf(log_value[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert -losses.softplus(np.array([1000.0]))[0] == -1000.0


def test_naive_binary_cross_entropy_is_nan_or_inf_where_the_stable_one_is_exact():
    s = np.array([-1000.0, 1000.0, 1000.0, -1000.0])
    t = np.array([1.0, 1.0, 0.0, 0.0])
    with pytest.warns(RuntimeWarning):
        naive_values = naive.naive_binary_cross_entropy_with_logits(s, t)
    assert np.isposinf(naive_values[[0, 2]]).all()
    assert np.isnan(naive_values[[1, 3]]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stable = losses.binary_cross_entropy_with_logits(s, t, reduction="none")
    np.testing.assert_array_equal(stable, [1000.0, 0.0, 1000.0, 0.0])


def test_naive_softmax_is_nan_for_large_logits_and_for_all_very_negative_logits():
    rows = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1001.0, -1002.0]])
    with pytest.warns(RuntimeWarning):
        p = naive.naive_softmax(rows)
    assert np.isnan(p[0, 0]) and np.isnan(p[1]).all()
    stable = losses.softmax(rows)
    assert np.isfinite(stable).all()
    np.testing.assert_allclose(stable[1], losses.softmax(np.array([0.0, -1.0, -2.0])))
    with pytest.warns(RuntimeWarning):
        ce = naive.naive_softmax_cross_entropy(rows, np.array([2, 0]))
    assert np.isposinf(ce[0]) and np.isnan(ce[1])
    np.testing.assert_allclose(
        losses.softmax_cross_entropy(rows, np.array([2, 0]), reduction="none"),
        [2000.0, math.log(1 + math.exp(-1) + math.exp(-2))],
        rtol=1e-15,
    )


def test_naive_log_softmax_is_minus_infinity_where_a_probability_underflows():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        value = naive.naive_log_softmax(np.array([0.0, -800.0]))
    assert np.isneginf(value[1])
    assert losses.log_softmax(np.array([0.0, -800.0]))[1] == pytest.approx(-800.0)


def test_clipped_cross_entropy_caps_the_loss_at_minus_log_eps():
    probs = losses.softmax(np.array([[-20.0, 0.0, 0.0], [-1000.0, 0.0, 0.0], [2.0, 0.0, 0.0]]))
    values = naive.clipped_cross_entropy(probs, np.array([0, 0, 0]))
    np.testing.assert_allclose(values[:2], -math.log(1e-7))
    assert values[2] == pytest.approx(-math.log(probs[2, 0]))  # no clipping: the true loss
    tight = naive.clipped_cross_entropy(probs, np.array([0, 0, 0]), eps=1e-300)
    assert tight[1] == pytest.approx(-math.log(1e-300))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: naive.clipped_cross_entropy(np.ones((2, 2)) / 2, np.array([0, 1]), 0.6),
            ValueError,
            "eps",
        ),
        (lambda: naive.clipped_cross_entropy(np.ones(2) / 2, np.array([0])), ValueError, "shape"),
        (
            lambda: naive.clipped_cross_entropy(np.ones((1, 2)) / 2, np.array([0.0])),
            TypeError,
            "integer",
        ),
        (lambda: naive.naive_softmax(3.0), ValueError, "dimension"),
        (
            lambda: naive.naive_softmax_cross_entropy(np.zeros(3), np.array([0])),
            ValueError,
            "shape",
        ),
        (lambda: naive.naive_sigmoid(["a"]), TypeError, "numeric"),
    ],
)
def test_invalid_arguments_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_capture_warnings_returns_the_result_and_unique_messages():
    result, messages = naive.capture_warnings(naive.naive_softmax, np.array([[1000.0, 1000.0]]))
    assert np.isnan(result).all()
    assert messages == [
        "RuntimeWarning: overflow encountered in exp",
        "RuntimeWarning: invalid value encountered in divide",
    ]
    result, messages = naive.capture_warnings(naive.naive_sigmoid, np.array([0.0]))
    assert result.tolist() == [0.5] and messages == []


def test_float64_thresholds_quoted_in_the_docstrings():
    with np.errstate(under="ignore"):
        assert np.exp(-745.0) > 0.0 and np.exp(-745.2) == 0.0
    assert naive.naive_sigmoid(np.array([37.0]))[0] == 1.0
    assert naive.naive_sigmoid(np.array([36.0]))[0] < 1.0
