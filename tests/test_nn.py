"""Unit tests of course_utils.nn against numerical gradients and hand-computed values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from course_utils import nn
from course_utils.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(1234)


def _away_from_zero(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Random values with |x| ≥ 0.1, so a ReLU check never straddles the kink."""
    x = np.random.default_rng(seed).standard_normal(shape)
    return np.where(np.abs(x) < 0.1, np.sign(x) * 0.1 + x, x)


# --------------------------------------------------------------------------- gradient checks
@pytest.mark.parametrize(
    "layer",
    [
        nn.Dense(5, 3, rng=0),
        nn.Dense(5, 3, bias=False, init="normal", rng=1),
        nn.Dense(5, 3, init="he", rng=2),
        nn.Sigmoid(),
        nn.Tanh(),
        nn.ReLU(),
    ],
    ids=repr,
)
def test_every_layer_backward_matches_numerical_gradient(layer: nn.Layer) -> None:
    if "b" in layer.params:
        layer.params["b"][...] = RNG.standard_normal(layer.params["b"].shape)
    x = _away_from_zero((4, 5), seed=3)
    reports = nn.gradient_check_layer(layer, x)
    expected = {"x", *layer.params}
    assert set(reports) == expected
    for name, report in reports.items():
        assert report.relative_error < 1e-7, (name, str(report))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mse_backward_and_value(reduction: str) -> None:
    pred = RNG.standard_normal((6, 2))
    target = RNG.standard_normal((6, 2))
    loss = nn.MSE(reduction)
    expected = np.sum((pred - target) ** 2) / (12 if reduction == "mean" else 1)
    assert loss.forward(pred, target) == pytest.approx(expected, rel=1e-14)
    assert nn.gradient_check_loss(loss, pred, target).relative_error < 1e-7


def test_softmax_cross_entropy_hand_computed_case() -> None:
    # logits [0, ln 2, ln 3]: softmax = [1, 2, 3] / 6; the true class 2 has p = 1/2.
    logits = np.array([[0.0, np.log(2.0), np.log(3.0)], [5.0, 5.0, 5.0]])
    labels = np.array([2, 0])
    loss = nn.SoftmaxCrossEntropy()
    assert loss.forward(logits, labels) == pytest.approx((np.log(2.0) + np.log(3.0)) / 2)
    expected_grad = np.array([[1 / 6, 2 / 6, 3 / 6 - 1], [1 / 3 - 1, 1 / 3, 1 / 3]]) / 2
    np.testing.assert_allclose(loss.backward(), expected_grad, rtol=1e-13, atol=1e-15)


def test_softmax_cross_entropy_backward_and_sklearn() -> None:
    from sklearn.metrics import log_loss

    logits = RNG.standard_normal((7, 4))
    labels = RNG.integers(0, 4, 7)
    loss = nn.SoftmaxCrossEntropy()
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert loss.forward(logits, labels) == pytest.approx(
        log_loss(labels, probs, labels=range(4)), rel=1e-12
    )
    assert nn.gradient_check_loss(loss, logits, labels).relative_error < 1e-7


def test_softmax_cross_entropy_is_finite_for_huge_logits() -> None:
    loss = nn.SoftmaxCrossEntropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = loss.forward(np.array([[1000.0, 0.0, -1000.0]]), np.array([1]))
    assert value == pytest.approx(1000.0)


def test_sigmoid_values_and_no_overflow() -> None:
    x = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(nn.Sigmoid().forward(x), 1 / (1 + np.exp(-x)), rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = nn.Sigmoid().forward(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_dense_forward_by_hand() -> None:
    layer = nn.Dense(2, 2, rng=0)
    layer.params["W"][...] = [[1.0, 2.0], [3.0, 4.0]]
    layer.params["b"][...] = [0.5, -0.5]
    np.testing.assert_array_equal(layer.forward(np.array([[1.0, 1.0]])), [[4.5, 5.5]])


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_whole_network_gradient_with_weight_decay(activation: str) -> None:
    net = nn.mlp([5, 6, 4, 3], activation=activation, weight_decay=0.3, seed=2)
    for _, param, _ in net.parameters():
        param += 0.1 * RNG.standard_normal(param.shape)  # nonzero biases too
    x = _away_from_zero((8, 5), seed=5)
    y = RNG.integers(0, 3, 8)
    reports = nn.gradient_check_network(net, x, y)
    assert len(reports) == 6
    for name, report in reports.items():
        assert report.relative_error < 1e-6, (name, str(report))


def test_weight_decay_penalises_weights_not_biases() -> None:
    x, y = RNG.standard_normal((6, 4)), RNG.integers(0, 3, 6)
    plain = nn.mlp([4, 5, 3], seed=0)
    decayed = nn.mlp([4, 5, 3], seed=0, weight_decay=0.5)
    for (_, p, _), (_, q, _) in zip(plain.parameters(), decayed.parameters(), strict=True):
        p += 0.2
        q += 0.2
    j_plain = plain.loss_and_gradients(x, y)
    j_decayed = decayed.loss_and_gradients(x, y)
    weights = [layer.params["W"] for layer in plain.layers if isinstance(layer, nn.Dense)]
    assert j_decayed - j_plain == pytest.approx(0.25 * sum(np.sum(w**2) for w in weights))
    for (name, p, g0), (_, _, g1) in zip(plain.parameters(), decayed.parameters(), strict=True):
        expected = 0.5 * p if name.endswith("W") else np.zeros_like(p)
        np.testing.assert_allclose(g1 - g0, expected, atol=1e-14)


def test_gradient_check_catches_a_wrong_backward() -> None:
    class BrokenTanh(nn.Tanh):
        def backward(self, dout: np.ndarray) -> np.ndarray:
            return dout * (1.0 - self._out)  # forgot to square

    report = nn.gradient_check_layer(BrokenTanh(), _away_from_zero((3, 4)))["x"]
    assert not report.passed and report.relative_error > 1e-2


# --------------------------------------------------------------------------- training
def test_train_step_is_one_gradient_descent_step() -> None:
    net = nn.mlp([3, 4, 2], seed=0, weight_decay=0.1)
    x, y = RNG.standard_normal((5, 3)), RNG.integers(0, 2, 5)
    before = [p.copy() for _, p, _ in net.parameters()]
    j = net.loss_and_gradients(x, y)
    grads = [g.copy() for _, _, g in net.parameters()]
    assert net.train_step(x, y, 0.3) == pytest.approx(j, rel=1e-14)
    for (_, p, _), p0, g in zip(net.parameters(), before, grads, strict=True):
        np.testing.assert_allclose(p, p0 - 0.3 * g, rtol=1e-14, atol=1e-15)


def test_fit_full_batch_numerical_descent_direction() -> None:
    # One full-batch step with a tiny rate lowers J by about η‖∇J‖² (first-order Taylor).
    net = nn.mlp([3, 4, 2], seed=1)
    x, y = RNG.standard_normal((10, 3)), RNG.integers(0, 2, 10)
    j0 = net.loss_and_gradients(x, y)
    squared_norm = sum(float(np.sum(g**2)) for _, _, g in net.parameters())
    nn.fit(net, x, y, epochs=1, batch_size=10, learning_rate=1e-5)
    assert j0 - net.objective(x, y) == pytest.approx(1e-5 * squared_norm, rel=1e-3)


def test_fit_is_deterministic_and_records_history() -> None:
    x, y = RNG.standard_normal((50, 4)), RNG.integers(0, 3, 50)

    def run(seed: int) -> nn.History:
        net = nn.mlp([4, 8, 3], seed=0)
        return nn.fit(net, x, y, epochs=3, batch_size=16, learning_rate=0.1, seed=seed)

    a, b, c = run(0), run(0), run(1)
    assert a.loss.shape == (12,) and a.epoch_loss.shape == (3,)
    assert a.train_accuracy.shape == (3,) and a.val_accuracy.shape == (0,)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert not np.array_equal(a.loss, c.loss)
    np.testing.assert_allclose(a.epoch_loss, a.loss.reshape(3, 4).mean(axis=1))


def test_shuffled_mini_batches_cover_every_sample_once_per_epoch() -> None:
    # With MSE(sum), a zero learning rate and one-hot inputs, the sum of the batch losses
    # of an epoch is the loss over all samples, whatever the order.
    x = np.eye(6)
    y = np.arange(6.0).reshape(-1, 1)
    net = nn.Network([nn.Dense(6, 1, rng=0)], nn.MSE("sum"))
    history = nn.fit(net, x, y, epochs=2, batch_size=4, learning_rate=1e-300)
    total = net.objective(x, y)
    assert history.loss[:2].sum() == pytest.approx(total)
    assert history.loss[2:].sum() == pytest.approx(total)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_through_training(dtype: type) -> None:
    net = nn.mlp([4, 8, 3], seed=0, dtype=dtype, weight_decay=1e-3)
    x, y = RNG.standard_normal((20, 4)), RNG.integers(0, 3, 20)
    nn.fit(net, x, y, epochs=2, batch_size=8, learning_rate=0.1)
    assert net.forward(x).dtype == dtype
    assert all(p.dtype == dtype and g.dtype == dtype for _, p, g in net.parameters())


def test_float32_and_float64_agree_on_a_short_run() -> None:
    x, y = RNG.standard_normal((40, 4)), RNG.integers(0, 3, 40)
    runs = []
    for dtype in (np.float32, np.float64):
        net = nn.mlp([4, 8, 3], seed=0, dtype=dtype)
        runs.append(nn.fit(net, x, y, epochs=2, batch_size=8, learning_rate=0.1).loss)
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-4)


def test_mlp_structure() -> None:
    net = nn.mlp([64, 128, 10])
    assert [type(layer).__name__ for layer in net.layers] == ["Dense", "ReLU", "Dense"]
    assert isinstance(net.loss, nn.SoftmaxCrossEntropy)
    assert repr(net).startswith("Network([Dense(64, 128), ReLU(), Dense(128, 10)]")
    assert net.layers[0].needs_input_grad is False  # the input's gradient is never needed
    # He initialisation for the ReLU layer: standard deviation √(2/64).
    assert np.std(net.layers[0].params["W"]) == pytest.approx(np.sqrt(2 / 64), rel=0.05)


# --------------------------------------------------------------------------- bad input
def test_bad_inputs_are_named() -> None:
    net = nn.mlp([4, 5, 3])
    with pytest.raises(ValueError, match=r"x must have shape \(N, 4\)"):
        net.forward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="NaN"):
        net.forward(np.array([[np.nan, 0, 0, 0]]))
    with pytest.raises(ValueError, match="class indices in 0 … 2"):
        net.objective(np.zeros((2, 4)), np.array([0, 3]))
    with pytest.raises(TypeError, match="integer class indices"):
        net.objective(np.zeros((2, 4)), np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="as_inputs"):
        net.train_step(np.zeros((2, 4), dtype=np.float32), np.array([0, 1]), 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        nn.fit(net, np.zeros((2, 4)), np.array([0, 1]), epochs=1, batch_size=1, learning_rate=0)
    with pytest.raises(ValueError, match="batch_size"):
        nn.fit(net, np.zeros((2, 4)), np.array([0, 1]), epochs=1, batch_size=0, learning_rate=1)


def test_bad_networks_are_refused() -> None:
    with pytest.raises(ValueError, match="expects 6"):
        nn.Network([nn.Dense(4, 5), nn.ReLU(), nn.Dense(6, 2)], nn.SoftmaxCrossEntropy())
    with pytest.raises(TypeError, match="one dtype"):
        nn.Network(
            [nn.Dense(4, 5), nn.ReLU(), nn.Dense(5, 2, dtype=np.float32)],
            nn.SoftmaxCrossEntropy(),
        )
    with pytest.raises(TypeError, match="first layer must be Dense"):
        nn.Network([nn.ReLU(), nn.Dense(4, 2)], nn.MSE())
    with pytest.raises(TypeError, match="dtype must be"):
        nn.Dense(2, 2, dtype=np.float16)
    with pytest.raises(ValueError, match="weight_decay"):
        nn.mlp([2, 2], weight_decay=-1.0)


def test_mse_targets_must_match_output_shape() -> None:
    net = nn.classic_network()
    with pytest.raises(ValueError, match=r"y.reshape\(-1, 1\)"):
        net.objective(np.zeros((4, 3)), np.zeros(4))


def test_numerical_gradient_of_network_input_is_not_needed_but_consistent() -> None:
    # The first Dense layer skips dL/dx; a deeper one still passes it back correctly.
    net = nn.mlp([3, 4, 2], seed=0)
    x, y = RNG.standard_normal((5, 3)), RNG.integers(0, 2, 5)
    net.loss_and_gradients(x, y)
    assert net.layers[0].backward(np.ones((5, 4))) is None
    hidden = net.layers[1].forward(net.layers[0].forward(x))
    last = net.layers[2]

    def f(h: np.ndarray) -> float:
        return net.loss.forward(last.forward(h), y)

    f(hidden)
    analytic = last.backward(net.loss.backward())
    assert relative_error(analytic, numerical_gradient(f, hidden.copy())) < 1e-7
