"""Every measurable claim of chapter 7, asserted with the same course_utils calls."""

from __future__ import annotations

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


def test_toy_gradients_pass_chapter_6s_threshold_with_a_wide_margin() -> None:
    x, y = datasets.classic_toy()
    reports = nn.gradient_check_network(nn.classic_network(hidden=4, seed=0), x, y, tolerance=1e-7)
    assert all(r.passed for r in reports.values())
    assert all(r.relative_error < 1e-8 for r in reports.values())


def test_hidden_width_and_learning_rate_claims() -> None:
    # Seed 0, one hidden unit: every prediction 0.5, loss 1.0 at every learning rate.
    for rate in (0.1, 1.0, 3.0):
        network, history = _toy_run(1, rate)
        assert history.loss[-1] == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_allclose(network.forward(datasets.classic_toy()[0]).ravel(), 0.5, atol=1e-3)
    # Seed 0, two hidden units: three samples fitted, the fourth stuck at 0.5 (loss ≈ 0.25).
    network, history = _toy_run(2, 1.0)
    predictions = network.forward(datasets.classic_toy()[0]).ravel()
    assert history.loss[-1] == pytest.approx(0.25, abs=0.01)
    assert np.sum(np.abs(predictions - 0.5) < 0.01) == 1
    assert _toy_run(2, 3.0)[1].loss[-1] == pytest.approx(0.25, abs=0.01)
    # Four: η = 0.1 still above 0.1 after 1500 iterations, η = 3 far lower.
    assert _toy_run(4, 0.1)[1].loss[-1] > 0.1
    assert _toy_run(4, 3.0)[1].loss[-1] < 0.001


def _seed_losses(hidden: int) -> np.ndarray:
    x, y = datasets.classic_toy()
    return np.array(
        [
            nn.fit(
                nn.classic_network(hidden=hidden, seed=seed),
                x,
                y,
                epochs=1500,
                batch_size=4,
                learning_rate=1.0,
            ).loss[-1]
            for seed in range(20)
        ]
    )


def test_narrow_networks_sit_on_plateaus_not_capacity_limits() -> None:
    x, y = datasets.classic_toy()
    # One unit: 1.0 is not its best; 9 of 20 starts reach 0.75 (one sample fitted).
    one = _seed_losses(1)
    assert int(np.sum(one < 0.8)) == 9
    assert round(float(one.min()), 2) == 0.75
    # Two units fit XOR without an output bias: seed 15 in 1500 iterations ...
    two = _seed_losses(2)
    assert int(np.argmin(two)) == 15 and round(float(two.min()), 3) == 0.013
    # ... and seed 0 given 20 000.
    slow = nn.classic_network(hidden=2, seed=0)
    history = nn.fit(slow, x, y, epochs=20_000, batch_size=4, learning_rate=1.0)
    assert history.loss[-1] < 0.002
    assert np.max(np.abs(slow.forward(x).ravel() - y.ravel())) < 0.05
    assert all("b" not in layer.params for layer in slow.layers if isinstance(layer, nn.Dense))


def _three_way():
    return datasets.load_digits_three_way(test_fraction=0.25, validation_fraction=0.2, seed=0)


def _digits_fit(sizes, rate, weight_decay=1e-3, epochs=60):
    x_train, x_val, _, y_train, y_val, _ = _three_way()
    network = nn.mlp(sizes, activation="relu", weight_decay=weight_decay, seed=0)
    history = nn.fit(
        network,
        x_train,
        y_train,
        epochs=epochs,
        batch_size=64,
        learning_rate=rate,
        seed=0,
        x_val=x_val,
        y_val=y_val,
        drop_last=True,
    )
    return network, history


def test_three_way_split_keeps_the_test_set_apart() -> None:
    x_train, x_val, x_test, y_train, y_val, y_test = _three_way()
    assert (len(x_train), len(x_val), len(x_test)) == (1077, 270, 450)
    assert len(x_train) + len(x_val) + len(x_test) == 1797
    assert divmod(len(x_train), 64) == (16, 53)
    # The test set is the one of the two-way split; no image is in two parts.
    _, x_test2, _, y_test2 = datasets.load_digits_split(test_fraction=0.25, seed=0)
    np.testing.assert_array_equal(x_test, x_test2)
    np.testing.assert_array_equal(y_test, y_test2)
    for y in (y_train, y_val, y_test):
        assert set(np.unique(y)) == set(range(10))
    assert x_train.min() == 0.0 and x_train.max() == 1.0


def test_drop_last_takes_only_full_batches() -> None:
    x_train, _, _, y_train, _, _ = _three_way()
    network = nn.mlp([64, 10], seed=0)
    history = nn.fit(
        network, x_train, y_train, epochs=2, batch_size=64, learning_rate=0.1, drop_last=True
    )
    assert len(history.loss) == 2 * 16
    with pytest.raises(ValueError, match="drop_last"):
        nn.fit(
            network,
            x_train[:10],
            y_train[:10],
            epochs=1,
            batch_size=64,
            learning_rate=0.1,
            drop_last=True,
        )


def test_untrained_cross_entropy_is_a_little_above_log_10() -> None:
    x_train, _, _, y_train, _, _ = _three_way()
    network = nn.mlp([64, 128, 10], activation="relu", weight_decay=1e-3, seed=0)
    initial = network.loss.forward(network.forward(x_train), y_train)
    assert np.log(10) < initial < np.log(10) + 0.5
    assert round(initial, 2) == 2.59


def test_every_digits_layer_passes_chapter_6s_threshold() -> None:
    x_train, _, _, y_train, _, _ = _three_way()
    network = nn.mlp([64, 128, 10], activation="relu", weight_decay=1e-3, seed=0)
    reports = nn.gradient_check_network(
        network, x_train[:16], y_train[:16], samples=40, tolerance=1e-7
    )
    assert set(reports) == {"layer0.W", "layer0.b", "layer2.W", "layer2.b"}
    assert all(r.relative_error < 1e-7 for r in reports.values())


RATES = (0.1, 0.2, 0.5, 1.0, 2.0)


def test_rates_are_chosen_on_validation_and_the_hidden_layer_beats_the_linear_baseline() -> None:
    _, _, x_test, _, _, y_test = _three_way()
    runs = {
        (name, rate): _digits_fit(sizes, rate)
        for name, sizes in (("linear", [64, 10]), ("hidden", [64, 128, 10]))
        for rate in RATES
    }
    best = {
        name: max(RATES, key=lambda r, name=name: runs[name, r][1].val_accuracy[-1])
        for name in ("linear", "hidden")
    }
    assert best == {"linear": 1.0, "hidden": 1.0}
    # η = 2 blows the network up (chance level) but not the linear model.
    assert runs["hidden", 2.0][1].val_accuracy[-1] == pytest.approx(0.1, abs=0.01)
    assert runs["linear", 2.0][1].val_accuracy[-1] > 0.9
    linear, hidden = runs["linear", 1.0][0], runs["hidden", 1.0][0]
    # The linear baseline: 97.1 % (13 errors); the hidden layer: 98.0 % (9 errors).
    assert round(100 * linear.accuracy(x_test, y_test), 1) == 97.1
    assert round(100 * hidden.accuracy(x_test, y_test), 1) == 98.0
    assert int(np.sum(linear.predict_classes(x_test) != y_test)) == 13
    assert int(np.sum(hidden.predict_classes(x_test) != y_test)) == 9
    assert hidden.accuracy(x_test, y_test) >= 0.95
    history = runs["hidden", 1.0][1]
    assert round(history.epoch_loss[0], 2) == 1.83 and round(history.epoch_loss[-1], 2) == 0.14
    assert round(100 * history.train_accuracy[-1], 1) == 100.0
    assert round(100 * history.val_accuracy[-1], 1) == 97.4
    assert round(-100 * np.diff(history.val_accuracy).min(), 1) == 7.4
    # The mistakes: the wrong answer given most often is a 1 (5 of the 9).
    predicted = hidden.predict_classes(x_test)
    guesses = np.bincount(predicted[predicted != y_test], minlength=10)
    assert int(np.argmax(guesses)) == 1 and int(guesses.max()) == 5


def test_dips_come_from_the_small_last_batch() -> None:
    x_train, x_val, _, y_train, y_val, _ = _three_way()
    x_all, y_all = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
    assert divmod(len(x_all), 64) == (21, 3)  # 1347 = 21·64 + 3
    runs = {}
    for drop_last in (False, True):
        network = nn.mlp([64, 128, 10], activation="relu", weight_decay=1e-3, seed=0)
        runs[drop_last] = nn.fit(
            network,
            x_all,
            y_all,
            epochs=40,
            batch_size=64,
            learning_rate=0.2,
            seed=0,
            drop_last=drop_last,
        )
    with_tail = runs[False].train_accuracy
    dips = np.flatnonzero(np.diff(with_tail) < -0.1) + 2
    assert dips.tolist() == [8, 23]
    assert round(100 * with_tail[5:].min()) == 74
    assert all(with_tail[d] > 0.9 for d in dips)  # recovered one epoch later
    assert not np.any(np.diff(runs[True].train_accuracy) < -0.1)


def test_weight_decay_shrinks_weights_without_costing_accuracy() -> None:
    _, x_val, _, _, y_val, _ = _three_way()
    decayed = _digits_fit([64, 128, 10], 1.0)[0]
    plain = _digits_fit([64, 128, 10], 1.0, weight_decay=0.0)[0]

    def squared(net: nn.Network) -> float:
        return sum(float(np.sum(layer.params["W"] ** 2)) for layer in net.layers[::2])

    assert round(100 * (1 - squared(decayed) / squared(plain))) == 61
    assert abs(decayed.accuracy(x_val, y_val) - plain.accuracy(x_val, y_val)) <= 3 / 270


def test_toy_first_moves_every_prediction_to_about_one_half() -> None:
    x, y = datasets.classic_toy()
    network = nn.classic_network(hidden=4, seed=0)
    history = nn.fit(network, x, y, epochs=10, batch_size=4, learning_rate=1.0)
    np.testing.assert_allclose(network.forward(x).ravel(), 0.5, atol=0.06)
    assert history.loss[-1] == pytest.approx(0.99, abs=0.01)
    _, full = _toy_run(4, 1.0)
    assert np.all(full.loss[10:100] > 0.5)  # it lingers near 1.0 before the drop
