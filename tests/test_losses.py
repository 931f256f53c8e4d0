"""course_utils.losses against independent references.

References, never the functions themselves: hand-computed values, published numbers
(TensorFlow's documentation, CS231n's worked example), SciPy, scikit-learn, PyTorch (values and
autograd gradients), and centred-difference numerical gradients.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import special
from sklearn import metrics

from course_utils import losses as L
from course_utils.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(20261122)
REDUCTIONS = ("mean", "sum", "none")


def scalar_of(loss_fn, *args, reduction="mean", **kwargs):
    """A scalar function of the first argument, for numerical gradients (sum of 'none')."""
    if reduction == "none":
        return lambda x: float(np.sum(loss_fn(x, *args, reduction="none", **kwargs)))
    return lambda x: loss_fn(x, *args, reduction=reduction, **kwargs)


# ----------------------------------------------------------------------------- hand values
class TestHandComputed:
    def test_mse(self):
        assert L.mse([1.0, 2.0, 3.0], [1.0, 0.0, 0.0]) == pytest.approx(13 / 3)
        assert L.mse([1.0, 2.0, 3.0], [1.0, 0.0, 0.0], reduction="sum") == pytest.approx(13)
        np.testing.assert_array_equal(
            L.mse([1.0, 2.0, 3.0], [1.0, 0.0, 0.0], reduction="none"), [0.0, 4.0, 9.0]
        )

    def test_mae(self):
        assert L.mae([1.0, 2.0, -3.0], [1.0, 0.0, 0.0]) == pytest.approx(5 / 3)

    def test_huber_both_pieces(self):
        # a = 0.5 (quadratic: 0.125), a = 2 (linear: 1·(2 − 0.5)), a = −3 (linear: 2.5)
        values = L.huber([0.5, 2.0, -3.0], [0.0, 0.0, 0.0], delta=1.0, reduction="none")
        np.testing.assert_allclose(values, [0.125, 1.5, 2.5])
        # δ = 2, a = 3: 2·(3 − 1) = 4;  a = 1: ½
        values = L.huber([3.0, 1.0], [0.0, 0.0], delta=2.0, reduction="none")
        np.testing.assert_allclose(values, [4.0, 0.5])

    def test_huber_is_continuous_with_continuous_slope_at_delta(self):
        delta = 1.7
        below, above = delta * (1 - 1e-9), delta * (1 + 1e-9)
        v = L.huber([below, above], [0.0, 0.0], delta=delta, reduction="none")
        g = L.huber_grad([below, above], [0.0, 0.0], delta=delta, reduction="none")
        assert v[0] == pytest.approx(v[1], rel=1e-8)
        assert g[0] == pytest.approx(g[1], rel=1e-8)

    def test_pseudo_huber_closed_form_and_limits(self):
        assert L.pseudo_huber([1.0], [0.0]) == pytest.approx(np.sqrt(2) - 1)
        assert L.pseudo_huber([2.0], [0.0], delta=2.0) == pytest.approx(4 * (np.sqrt(2) - 1))
        # ≈ a²/2 for |a| ≪ δ;  ≈ δ|a| − δ² for |a| ≫ δ
        assert L.pseudo_huber([1e-3], [0.0], delta=1.0) == pytest.approx(0.5e-6, rel=1e-6)
        assert L.pseudo_huber([1e4], [0.0], delta=2.0) == pytest.approx(2 * 1e4 - 4, rel=1e-7)

    def test_binary_cross_entropy(self):
        assert L.binary_cross_entropy([0.8], [1.0]) == pytest.approx(-np.log(0.8))
        assert L.binary_cross_entropy([0.8], [0.0]) == pytest.approx(-np.log(0.2))
        # the clipped extremes stay finite: −log(1e-12)
        assert L.binary_cross_entropy([0.0], [1.0]) == pytest.approx(-np.log(1e-12))

    def test_tensorflow_published_softmax_values(self):
        # TensorFlow's documentation of softmax_cross_entropy_with_logits / the sparse version.
        logits = np.array([[1.0, -3.0, 10.0]])
        assert L.softmax_cross_entropy(logits, np.array([[0.1, 0.02, 0.88]])) == pytest.approx(
            1.1601256,
            abs=1e-7,  # TensorFlow prints eight significant digits
        )
        # TensorFlow prints 0.00012564, computed in float32; float64 gives 0.000125662.
        sparse32 = L.softmax_cross_entropy(logits.astype(np.float32), np.array([2]), "none")
        assert sparse32.dtype == np.float32
        assert float(sparse32[0]) == pytest.approx(0.00012564, abs=5e-9)
        expected64 = np.log1p(np.exp(-9.0) + np.exp(-13.0))
        assert L.softmax_cross_entropy(logits, np.array([2])) == pytest.approx(
            expected64, rel=1e-12
        )

    def test_cs231n_hinge_example(self):
        # Three classes (cat, car, frog); columns of the notes' score table as rows here.
        scores = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
        labels = np.array([0, 1, 2])
        per_row = L.multiclass_hinge(scores, labels, reduction="none")
        np.testing.assert_allclose(per_row, [2.9, 0.0, 12.9], atol=1e-12)
        assert L.multiclass_hinge(scores, labels) == pytest.approx((2.9 + 12.9) / 3)

    def test_logistic_matches_bce_on_logits(self):
        s = np.linspace(-30, 30, 61)
        y = np.where(RNG.random(61) < 0.5, -1.0, 1.0)
        expected = np.logaddexp(0.0, -y * s)  # numpy's own log(e^0 + e^(−ys))
        np.testing.assert_allclose(L.logistic_loss(s, y, reduction="none"), expected, rtol=1e-13)


# ----------------------------------------------------------------------------- SciPy
def test_sigmoid_softmax_log_softmax_match_scipy():
    x = RNG.normal(scale=20, size=(7, 5))
    np.testing.assert_allclose(L.sigmoid(x), special.expit(x), rtol=1e-13)
    for axis in (0, 1, -1):
        np.testing.assert_allclose(
            L.softmax(x, axis=axis), special.softmax(x, axis=axis), rtol=1e-12
        )
        np.testing.assert_allclose(
            L.log_softmax(x, axis=axis), special.log_softmax(x, axis=axis), rtol=1e-12, atol=1e-12
        )
    np.testing.assert_allclose(L.softplus(x), np.logaddexp(0.0, x), rtol=1e-13)


# ----------------------------------------------------------------------------- scikit-learn
class TestScikitLearn:
    def test_regression_metrics(self):
        pred, target = RNG.normal(size=50), RNG.normal(size=50)
        assert L.mse(pred, target) == pytest.approx(metrics.mean_squared_error(target, pred))
        assert L.mae(pred, target) == pytest.approx(metrics.mean_absolute_error(target, pred))

    def test_binary_log_loss(self):
        probs = RNG.uniform(0.01, 0.99, size=40)
        targets = (RNG.random(40) < 0.5).astype(float)
        assert L.binary_cross_entropy(probs, targets) == pytest.approx(
            metrics.log_loss(targets, probs, labels=[0, 1]), rel=1e-12
        )

    def test_binary_hinge(self):
        scores = RNG.normal(scale=2, size=40)
        labels = np.where(RNG.random(40) < 0.5, -1.0, 1.0)
        assert L.hinge(scores, labels) == pytest.approx(metrics.hinge_loss(labels, scores))

    def test_multiclass_log_loss(self):
        logits = RNG.normal(scale=3, size=(30, 4))
        labels = RNG.integers(0, 4, size=30)
        expected = metrics.log_loss(labels, special.softmax(logits, axis=1), labels=[0, 1, 2, 3])
        assert L.softmax_cross_entropy(logits, labels) == pytest.approx(expected, rel=1e-10)


# ----------------------------------------------------------------------------- PyTorch
def _t(torch, x, grad=False):
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=grad)


def _torch_value_and_grad(torch, fn, x, *args):
    xt = _t(torch, x, grad=True)
    out = fn(xt, *args)
    out.backward()
    return float(out.detach()), xt.grad.numpy()


class TestPyTorch:
    @pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
    def test_huber(self, torch, delta):
        F = torch.nn.functional
        pred, target = RNG.normal(scale=2, size=20), RNG.normal(size=20)
        value, grad = _torch_value_and_grad(
            torch, lambda p: F.huber_loss(p, _t(torch, target), delta=delta), pred
        )
        assert L.huber(pred, target, delta=delta) == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(L.huber_grad(pred, target, delta=delta), grad, rtol=1e-12)
        # smooth_l1 with β = δ is huber / δ: not the same loss.
        smooth = float(F.smooth_l1_loss(_t(torch, pred), _t(torch, target), beta=delta))
        assert L.huber(pred, target, delta=delta) / delta == pytest.approx(smooth, rel=1e-12)

    def test_mse_and_mae(self, torch):
        F = torch.nn.functional
        pred, target = RNG.normal(size=(4, 5)), RNG.normal(size=(4, 5))
        for ours, ours_grad, theirs in (
            (L.mse, L.mse_grad, F.mse_loss),
            (L.mae, L.mae_grad, F.l1_loss),
        ):
            for reduction in ("mean", "sum"):
                value, grad = _torch_value_and_grad(
                    torch,
                    lambda p, f=theirs, r=reduction: f(p, _t(torch, target), reduction=r),
                    pred,
                )
                assert ours(pred, target, reduction=reduction) == pytest.approx(value, rel=1e-12)
                np.testing.assert_allclose(
                    ours_grad(pred, target, reduction=reduction), grad, rtol=1e-12
                )

    def test_bce_on_probabilities(self, torch):
        F = torch.nn.functional
        probs = RNG.uniform(0.02, 0.98, size=25)
        targets = RNG.uniform(0, 1, size=25)  # soft targets
        value, grad = _torch_value_and_grad(
            torch, lambda p: F.binary_cross_entropy(p, _t(torch, targets)), probs
        )
        assert L.binary_cross_entropy(probs, targets) == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(L.binary_cross_entropy_grad(probs, targets), grad, rtol=1e-10)

    @pytest.mark.parametrize("pos_weight", [1.0, 3.0, 0.25, "per-class"])
    def test_bce_with_logits_pos_weight(self, torch, pos_weight):
        F = torch.nn.functional
        logits = RNG.normal(scale=5, size=(6, 3))
        targets = (RNG.random((6, 3)) < 0.4).astype(float)
        weight = np.array([0.5, 2.0, 4.0]) if pos_weight == "per-class" else pos_weight
        value, grad = _torch_value_and_grad(
            torch,
            lambda s: F.binary_cross_entropy_with_logits(
                s, _t(torch, targets), pos_weight=_t(torch, np.broadcast_to(weight, (3,)))
            ),
            logits,
        )
        assert L.binary_cross_entropy_with_logits(logits, targets, weight) == pytest.approx(
            value, rel=1e-12
        )
        np.testing.assert_allclose(
            L.binary_cross_entropy_with_logits_grad(logits, targets, weight), grad, rtol=1e-11
        )

    def test_logistic_is_soft_margin_loss(self, torch):
        F = torch.nn.functional
        scores = RNG.normal(scale=4, size=30)
        labels = np.where(RNG.random(30) < 0.5, -1.0, 1.0)
        value, grad = _torch_value_and_grad(
            torch, lambda s: F.soft_margin_loss(s, _t(torch, labels)), scores
        )
        assert L.logistic_loss(scores, labels) == pytest.approx(value, rel=1e-12)
        np.testing.assert_allclose(L.logistic_loss_grad(scores, labels), grad, rtol=1e-11)

    @pytest.mark.parametrize("soft", [False, True])
    def test_softmax_cross_entropy(self, torch, soft):
        F = torch.nn.functional
        logits = RNG.normal(scale=3, size=(8, 5))
        if soft:
            targets = special.softmax(RNG.normal(size=(8, 5)), axis=1)
            torch_targets = _t(torch, targets)
        else:
            targets = RNG.integers(0, 5, size=8)
            torch_targets = torch.tensor(targets)
        for reduction in ("mean", "sum"):
            value, grad = _torch_value_and_grad(
                torch,
                lambda s, r=reduction: F.cross_entropy(s, torch_targets, reduction=r),
                logits,
            )
            assert L.softmax_cross_entropy(logits, targets, reduction) == pytest.approx(
                value, rel=1e-12
            )
            np.testing.assert_allclose(
                L.softmax_cross_entropy_grad(logits, targets, reduction),
                grad,
                rtol=1e-10,
                atol=1e-15,
            )

    @pytest.mark.parametrize(("squared", "p"), [(False, 1), (True, 2)])
    @pytest.mark.parametrize("margin", [1.0, 0.5])
    def test_multiclass_hinge_is_multi_margin_loss_times_c(self, torch, squared, p, margin):
        # torch's multi_margin_loss averages Σ_{j≠y} max(0, Δ − s_y + s_j)^p over the C classes.
        F = torch.nn.functional
        n, c = 12, 4
        scores = RNG.normal(scale=2, size=(n, c))
        labels = RNG.integers(0, c, size=n)
        value, grad = _torch_value_and_grad(
            torch,
            lambda s: F.multi_margin_loss(s, torch.tensor(labels), p=p, margin=margin) * c,
            scores,
        )
        assert L.multiclass_hinge(scores, labels, margin, squared) == pytest.approx(
            value, rel=1e-12
        )
        np.testing.assert_allclose(
            L.multiclass_hinge_grad(scores, labels, margin, squared), grad, rtol=1e-12, atol=1e-15
        )


# ----------------------------------------------------------------------------- numerical gradients
def _cases():
    pred, target = RNG.normal(scale=2, size=(3, 4)), RNG.normal(size=(3, 4))
    # keep residuals away from the kinks of mae (0) and huber (±δ)
    a = pred - target
    pred = np.where(np.abs(a) < 0.05, pred + 0.2, pred)
    a = pred - target
    pred = np.where(np.abs(np.abs(a) - 1.0) < 0.05, pred + 0.2, pred)
    probs = RNG.uniform(0.05, 0.95, size=(3, 4))
    soft = RNG.uniform(0, 1, size=(3, 4))
    # well-conditioned logits: a probability of 1e-4 would put its gradient entry below the
    # finite-difference round-off, ~1e-16·|L| / h, and fail a correct gradient
    logits = RNG.normal(scale=1.0, size=(5, 3))
    labels = RNG.integers(0, 3, size=5)
    signed = np.where(RNG.random((3, 4)) < 0.5, -1.0, 1.0)
    hinge_scores = np.round(RNG.normal(scale=2, size=(5, 3)), 1) + 0.03  # margins never exactly 0
    return [
        ("mse", L.mse, L.mse_grad, pred, (target,)),
        ("mae", L.mae, L.mae_grad, pred, (target,)),
        ("huber", L.huber, L.huber_grad, pred, (target, 1.0)),
        ("pseudo_huber", L.pseudo_huber, L.pseudo_huber_grad, pred, (target, 0.7)),
        ("bce", L.binary_cross_entropy, L.binary_cross_entropy_grad, probs, (soft,)),
        (
            "bce_logits",
            L.binary_cross_entropy_with_logits,
            L.binary_cross_entropy_with_logits_grad,
            RNG.normal(scale=3, size=(3, 4)),
            (soft, 2.5),
        ),
        ("logistic", L.logistic_loss, L.logistic_loss_grad, RNG.normal(size=(3, 4)), (signed,)),
        ("softmax_ce", L.softmax_cross_entropy, L.softmax_cross_entropy_grad, logits, (labels,)),
        (
            "softmax_ce_soft",
            L.softmax_cross_entropy,
            L.softmax_cross_entropy_grad,
            logits,
            (special.softmax(RNG.normal(size=(5, 3)), axis=1),),
        ),
        ("binary_hinge", L.hinge, L.hinge_grad, signed * 0.37 + 0.2, (signed, 1.0, False)),
        ("binary_sq_hinge", L.hinge, L.hinge_grad, signed * 0.37 + 0.2, (signed, 1.0, True)),
        ("hinge", L.multiclass_hinge, L.multiclass_hinge_grad, hinge_scores, (labels, 1.0, False)),
        (
            "sq_hinge",
            L.multiclass_hinge,
            L.multiclass_hinge_grad,
            hinge_scores,
            (labels, 1.0, True),
        ),
    ]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("name", "loss", "grad", "x", "args"), _cases(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_gradient_matches_numerical_gradient(name, loss, grad, x, args, reduction):
    x = x.copy()
    numeric = numerical_gradient(scalar_of(loss, *args, reduction=reduction), x)
    analytic = grad(x, *args, reduction=reduction)
    assert analytic.shape == x.shape
    assert relative_error(analytic, numeric) < 1e-7, name


# ----------------------------------------------------------------------------- stability
def test_extreme_logits_are_finite_and_silent():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = L.softmax(logits)
        assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=1), 1.0)
        assert np.all(np.isfinite(L.log_softmax(logits)))
        # confidently right → 0; confidently wrong → about 2000
        per_row = L.softmax_cross_entropy(logits, np.array([0, 0]), reduction="none")
        np.testing.assert_allclose(per_row, [0.0, 2000.0], atol=1e-9)
        assert np.all(np.isfinite(L.softmax_cross_entropy_grad(logits, np.array([0, 0]))))
        s = np.array([1000.0, -1000.0, 1000.0, -1000.0])
        t = np.array([1.0, 0.0, 0.0, 1.0])
        np.testing.assert_allclose(
            L.binary_cross_entropy_with_logits(s, t, reduction="none"), [0, 0, 1000, 1000]
        )
        np.testing.assert_allclose(
            L.binary_cross_entropy_with_logits_grad(s, t, reduction="none"), [0, 0, 1, -1]
        )
        y = np.array([1.0, -1.0, -1.0, 1.0])
        np.testing.assert_allclose(L.logistic_loss(s, y, reduction="none"), [0, 0, 1000, 1000])
        np.testing.assert_allclose(L.sigmoid(s), [1, 0, 1, 0])


def test_float32_stays_float32():
    x = RNG.normal(size=(4, 3)).astype(np.float32)
    assert L.softmax(x).dtype == np.float32
    assert L.mse_grad(x, np.zeros_like(x)).dtype == np.float32
    assert L.softmax_cross_entropy_grad(x, np.array([0, 1, 2, 0])).dtype == np.float32


def test_integer_inputs_are_accepted_as_floats():
    assert L.mse([1, 2], [0, 0]) == pytest.approx(2.5)


# ----------------------------------------------------------------------------- bad input
BAD_INPUTS = [
    ("shape mismatch", lambda: L.mse(np.zeros(3), np.zeros(4)), ValueError, "same shape"),
    ("NaN", lambda: L.mae([1.0, np.nan], [0.0, 0.0]), ValueError, "NaN or infinity"),
    ("strings", lambda: L.mse(["a", "b"], [0.0, 0.0]), TypeError, "numeric"),
    ("complex", lambda: L.mse(np.array([1j]), np.array([0.0])), TypeError, "real numbers"),
    ("empty", lambda: L.mse(np.zeros(0), np.zeros(0)), ValueError, "at least one"),
    ("reduction", lambda: L.mse([1.0], [1.0], reduction="avg"), ValueError, "'mean', 'sum'"),
    ("delta 0", lambda: L.huber([1.0], [0.0], delta=0.0), ValueError, "delta"),
    ("delta str", lambda: L.pseudo_huber([1.0], [0.0], delta="1"), TypeError, "delta"),
    ("prob > 1", lambda: L.binary_cross_entropy([1.5], [1.0]), ValueError, "with_logits"),
    ("target < 0", lambda: L.binary_cross_entropy([0.5], [-1.0]), ValueError, "targets"),
    ("eps big", lambda: L.binary_cross_entropy([0.5], [1.0], eps=0.7), ValueError, "eps"),
    (
        "pos_weight<0",
        lambda: L.binary_cross_entropy_with_logits([0.0], [1.0], -1),
        ValueError,
        "pos_weight",
    ),
    (
        "pos_weight shape",
        lambda: L.binary_cross_entropy_with_logits(np.zeros((2, 3)), np.zeros((2, 3)), np.ones(2)),
        ValueError,
        "broadcast",
    ),
    ("0/1 labels", lambda: L.logistic_loss([1.0, 2.0], [0.0, 1.0]), ValueError, "2 * y - 1"),
    (
        "1-D logits",
        lambda: L.softmax_cross_entropy(np.zeros(3), np.array([0])),
        ValueError,
        "reshape(1, -1)",
    ),
    (
        "float labels",
        lambda: L.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])),
        TypeError,
        "astype(int)",
    ),
    (
        "label range",
        lambda: L.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3])),
        ValueError,
        "0 … 2",
    ),
    (
        "label count",
        lambda: L.multiclass_hinge(np.zeros((2, 3)), np.array([0, 1, 2])),
        ValueError,
        "(N,)",
    ),
    (
        "rows not summing",
        lambda: L.softmax_cross_entropy(np.zeros((1, 2)), np.array([[0.5, 0.6]])),
        ValueError,
        "sum to 1",
    ),
    ("scalar logits", lambda: L.softmax(3.0), ValueError, "at least one dimension"),
    (
        "margin",
        lambda: L.multiclass_hinge(np.zeros((1, 2)), np.array([0]), margin=-1.0),
        ValueError,
        "margin",
    ),
    (
        "inf logits",
        lambda: L.softmax_cross_entropy(np.array([[np.inf, 0.0]]), np.array([0])),
        ValueError,
        "logits",
    ),
]


@pytest.mark.parametrize(
    ("name", "call", "error", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_raises_clear_error(name, call, error, message):
    with pytest.raises(error, match=None) as info:
        call()
    assert message in str(info.value), str(info.value)
