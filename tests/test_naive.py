"""Tests of the loop-based hinge loss against hand computation, the vectorized version and
numerical gradients."""

import numpy as np
import pytest

from course_utils import gradcheck, losses, naive

CAT_CAR_FROG = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])


def test_worked_example_by_hand():
    # (2.9 + 0 + 12.9) / 3, computed by hand from the definition
    value = naive.multiclass_hinge_naive(CAT_CAR_FROG, np.array([0, 1, 2]))
    assert value == pytest.approx(15.8 / 3, abs=1e-12)


@pytest.mark.parametrize("margin", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("seed", range(3))
def test_agrees_with_vectorized(margin, seed):
    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((40, 7))
    labels = rng.integers(0, 7, size=40)
    assert naive.multiclass_hinge_naive(scores, labels, margin) == pytest.approx(
        losses.multiclass_hinge(scores, labels, margin), rel=1e-12
    )
    np.testing.assert_allclose(
        naive.multiclass_hinge_grad_naive(scores, labels, margin),
        losses.multiclass_hinge_grad(scores, labels, margin),
        atol=1e-15,
    )


def test_gradient_matches_numerical_gradient_away_from_kinks():
    rng = np.random.default_rng(7)
    scores = rng.standard_normal((12, 5))
    labels = rng.integers(0, 5, size=12)
    margins = scores - scores[np.arange(12), labels][:, None] + 1.0
    margins[np.arange(12), labels] = np.inf
    assert np.min(np.abs(margins)) > 1e-3  # no kink within reach of h
    report = gradcheck.check_gradient(
        lambda s: naive.multiclass_hinge_naive(s, labels),
        lambda s: naive.multiclass_hinge_grad_naive(s, labels),
        scores,
    )
    assert report.relative_error < 1e-7, report


def test_gradient_at_a_kink_is_the_zero_subgradient():
    grad = naive.multiclass_hinge_grad_naive(np.array([[1.0, 0.0, -5.0]]), np.array([0]))
    np.testing.assert_array_equal(grad, np.zeros((1, 3)))


@pytest.mark.parametrize(
    ("scores", "labels", "error", "match"),
    [
        (np.zeros(3), np.array([0]), ValueError, r"shape \(N, C\)"),
        (np.zeros((2, 3)), np.array([0, 3]), ValueError, "class indices in 0"),
        (np.zeros((2, 3)), np.array([0.0, 1.0]), TypeError, "integer class indices"),
        (np.array([[np.nan, 0.0]]), np.array([0]), ValueError, "NaN"),
    ],
)
def test_invalid_input(scores, labels, error, match):
    with pytest.raises(error, match=match):
        naive.multiclass_hinge_naive(scores, labels)
    with pytest.raises(error, match=match):
        naive.multiclass_hinge_grad_naive(scores, labels)


def test_matches_pytorch_multi_margin_loss():
    # PyTorch's multi_margin_loss is the Weston–Watkins hinge divided by the number of classes
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    scores = rng.standard_normal((30, 6))
    labels = rng.integers(0, 6, size=30)
    s = torch.tensor(scores, requires_grad=True)
    reference = torch.nn.functional.multi_margin_loss(s, torch.tensor(labels), margin=1.0) * 6
    reference.backward()
    assert naive.multiclass_hinge_naive(scores, labels) == pytest.approx(
        reference.item(), rel=1e-12
    )
    np.testing.assert_allclose(
        naive.multiclass_hinge_grad_naive(scores, labels), s.grad.numpy(), atol=1e-15
    )
