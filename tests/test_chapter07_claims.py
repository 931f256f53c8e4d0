"""Every measurable claim of chapter 7, asserted with the same course_utils calls."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_utils import datasets, nn


def _toy_run(hidden: int, learning_rate: float) -> tuple[nn.Network, nn.History]:
    x, y = datasets.classic_toy()
    network = nn.classic_network(hidden=hidden, seed=0)
    history = nn.fit(network, x, y, epochs=1500, batch_size=4, learning_rate=learning_rate)
    return network, history


def test_classic_data_is_xor_of_the_first_two_bits_with_a_constant_third() -> None:
    x, y = datasets.classic_toy()
    np.testing.assert_array_equal(x, [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    np.testing.assert_array_equal(y.ravel(), np.logical_xor(x[:, 0], x[:, 1]))


def test_classic_network_is_two_layers_without_biases() -> None:
    network = nn.classic_network(hidden=4)
    dense = [layer for layer in network.layers if isinstance(layer, nn.Dense)]
    assert len(dense) == 2
    assert [d.params["W"].shape for d in dense] == [(3, 4), (4, 1)]
    assert all("b" not in d.params for d in dense)
    assert network.loss.reduction == "sum"


def test_toy_loss_falls_steadily_and_predictions_approach_targets() -> None:
    network, history = _toy_run(4, 1.0)
    x, y = datasets.classic_toy()
    assert history.loss.shape == (1500,)
    assert np.all(np.diff(history.loss) < 0)  # falls at every iteration
    assert history.loss[0] == pytest.approx(1.56, abs=0.005)
    assert history.loss[-1] < 0.003
    predictions = network.forward(x).ravel()
    assert np.max(np.abs(predictions - y.ravel())) < 0.03
    # The sum-of-squares value the chapter prints is Σ(ŷ − y)².
    assert history.loss[-1] == pytest.approx(
        float(np.sum((network.forward(x) - y) ** 2)), rel=0.05
    )


def test_toy_gradients_pass_the_check() -> None:
    x, y = datasets.classic_toy()
    reports = nn.gradient_check_network(nn.classic_network(hidden=4, seed=0), x, y)
    assert all(r.relative_error < 1e-6 for r in reports.values())


def test_hidden_width_and_learning_rate_claims() -> None:
    # One hidden unit: every prediction 0.5, loss 1.0 at every learning rate.
    for rate in (0.1, 1.0, 3.0):
        network, history = _toy_run(1, rate)
        assert history.loss[-1] == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_allclose(network.forward(datasets.classic_toy()[0]).ravel(), 0.5, atol=1e-3)
    # Two hidden units: three samples fitted, the fourth stuck at 0.5 (loss ≈ 0.25).
    network, history = _toy_run(2, 1.0)
    predictions = network.forward(datasets.classic_toy()[0]).ravel()
    assert history.loss[-1] == pytest.approx(0.25, abs=0.01)
    assert np.sum(np.abs(predictions - 0.5) < 0.01) == 1
    assert _toy_run(2, 3.0)[1].loss[-1] == pytest.approx(0.25, abs=0.01)
    # Four: η = 0.1 still above 0.1 after 1500 iterations, η = 3 below 0.001.
    assert _toy_run(4, 0.1)[1].loss[-1] > 0.1
    assert _toy_run(4, 3.0)[1].loss[-1] < 0.001


def _digits_run(weight_decay: float) -> tuple[nn.Network, nn.History, float]:
    x_train, x_test, y_train, y_test = datasets.load_digits_split(test_fraction=0.25, seed=0)
    network = nn.mlp([64, 128, 10], activation="relu", weight_decay=weight_decay, seed=0)
    start = time.perf_counter()
    history = nn.fit(
        network,
        x_train,
        y_train,
        epochs=40,
        batch_size=64,
        learning_rate=0.2,
        seed=0,
        x_val=x_test,
        y_val=y_test,
    )
    return network, history, time.perf_counter() - start


def test_digits_split() -> None:
    x_train, x_test, y_train, y_test = datasets.load_digits_split(test_fraction=0.25, seed=0)
    assert x_train.shape == (1347, 64) and x_test.shape == (450, 64)
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert set(np.unique(y_test)) == set(np.unique(y_train)) == set(range(10))


def test_untrained_cross_entropy_is_a_little_above_log_10() -> None:
    x_train, _, y_train, _ = datasets.load_digits_split()
    network = nn.mlp([64, 128, 10], activation="relu", weight_decay=1e-3, seed=0)
    initial = network.loss.forward(network.forward(x_train), y_train)
    assert np.log(10) < initial < np.log(10) + 0.5
    assert round(initial, 2) == 2.59


def test_every_digits_layer_passes_the_gradient_check() -> None:
    x_train, _, y_train, _ = datasets.load_digits_split()
    network = nn.mlp([64, 128, 10], activation="relu", weight_decay=1e-3, seed=0)
    reports = nn.gradient_check_network(network, x_train[:16], y_train[:16], samples=40)
    assert set(reports) == {"layer0.W", "layer0.b", "layer2.W", "layer2.b"}
    assert all(r.relative_error < 1e-6 for r in reports.values())


def test_digits_reach_95_percent_quickly_and_deterministically() -> None:
    network, history, seconds = _digits_run(1e-3)
    _, x_test, _, y_test = datasets.load_digits_split()
    accuracy = network.accuracy(x_test, y_test)
    assert accuracy >= 0.95
    assert accuracy == pytest.approx(0.973, abs=0.001)  # the chapter's 97.3 %
    assert seconds < 20
    assert history.train_accuracy[-1] > 0.98
    assert history.val_accuracy[-1] == accuracy
    assert history.epoch_loss[-1] < history.epoch_loss[0] / 5
    assert len(history.loss) == 40 * 22
    # Deterministic: a second run gives the same history, bit for bit.
    again = _digits_run(1e-3)[1]
    np.testing.assert_array_equal(again.loss, history.loss)
    # The curves the chapter describes: the epoch mean falls from 1.80 to 0.22, with three
    # one-epoch dips in test accuracy (to about 65 %) that recover.
    assert round(history.epoch_loss[0], 2) == 1.80 and round(history.epoch_loss[-1], 2) == 0.22
    dips = np.flatnonzero(np.diff(history.val_accuracy) < -0.1) + 2
    assert dips.tolist() == [10, 21, 25]
    assert round(history.val_accuracy[5:].min(), 2) == 0.65
    assert all(history.val_accuracy[d] > 0.9 for d in dips)  # recovered one epoch later
    # The mistakes: 12, half of them predicted as a 1, two 8s read as 5s.
    predicted = network.predict_classes(x_test)
    wrong = predicted != y_test
    assert int(np.sum(wrong)) == 12
    assert int(np.sum(predicted[wrong] == 1)) == 6
    assert int(np.sum((y_test == 8) & (predicted == 5))) == 2


def test_weight_decay_shrinks_weights_without_costing_accuracy() -> None:
    _, x_test, _, y_test = datasets.load_digits_split()
    decayed, plain = _digits_run(1e-3)[0], _digits_run(0.0)[0]

    def squared(net: nn.Network) -> float:
        return sum(float(np.sum(layer.params["W"] ** 2)) for layer in net.layers[::2])

    assert squared(decayed) < 0.8 * squared(plain)  # "about a quarter" smaller
    assert squared(decayed) > 0.7 * squared(plain)
    assert decayed.accuracy(x_test, y_test) == pytest.approx(plain.accuracy(x_test, y_test))


def test_toy_first_moves_every_prediction_to_about_one_half() -> None:
    x, y = datasets.classic_toy()
    network = nn.classic_network(hidden=4, seed=0)
    history = nn.fit(network, x, y, epochs=10, batch_size=4, learning_rate=1.0)
    np.testing.assert_allclose(network.forward(x).ravel(), 0.5, atol=0.06)
    assert history.loss[-1] == pytest.approx(0.99, abs=0.01)
    _, full = _toy_run(4, 1.0)
    assert np.all(full.loss[10:100] > 0.5)  # it lingers near 1.0 before the drop
