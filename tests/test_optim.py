"""Tests of course_utils.optim against closed forms, hand-run recurrences, numerical
gradients and scikit-learn."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from course_utils import datasets, gradcheck, optim


# --------------------------------------------------------------------------- gradient descent
@pytest.mark.parametrize("eta", [0.01, 0.15, 0.21])
def test_gradient_descent_on_a_bowl_follows_the_closed_form(eta):
    # on L = ½ Σ a_k w_k², each step multiplies w_k by (1 − η a_k)
    a = np.array([1.0, 10.0])
    w0 = np.array([-4.0, 1.5])
    history = optim.gradient_descent(optim.quadratic_bowl, w0, learning_rate=eta, n_steps=20)
    t = np.arange(21)[:, None]
    expected = w0 * (1 - eta * a) ** t
    np.testing.assert_allclose(history.path, expected, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(history.loss, 0.5 * np.sum(a * expected**2, axis=1), rtol=1e-12)
    np.testing.assert_array_equal(history.params, history.path[-1])
    assert history.seconds.shape == (21,) and np.all(np.diff(history.seconds) >= 0)


def test_momentum_follows_the_heavy_ball_recurrence_by_hand():
    # L = ½ w², gradient w; η = 0.1, μ = 0.5, w0 = 1:
    # v1 = −0.1 → w1 = 0.9; v2 = 0.5(−0.1) − 0.1(0.9) = −0.14 → w2 = 0.76;
    # v3 = 0.5(−0.14) − 0.1(0.76) = −0.146 → w3 = 0.614
    history = optim.gradient_descent(
        lambda w: optim.quadratic_bowl(w, [1.0]), [1.0], learning_rate=0.1, n_steps=3, momentum=0.5
    )
    np.testing.assert_allclose(history.path[:, 0], [1.0, 0.9, 0.76, 0.614], rtol=1e-12)


def test_gradient_descent_does_not_modify_the_start():
    w0 = np.array([1.0, 2.0])
    optim.gradient_descent(optim.quadratic_bowl, w0, learning_rate=0.1, n_steps=3)
    np.testing.assert_array_equal(w0, [1.0, 2.0])


def test_double_well_derivative_and_minima():
    w = np.array([0.7])
    report = gradcheck.check_gradient(
        lambda v: optim.tilted_double_well(v)[0], lambda v: optim.tilted_double_well(v)[1], w
    )
    assert report.passed, report
    # the stationary points are the real roots of 4w³ − 6w + 1
    roots = np.sort(np.roots([4, 0, -6, 1]).real)
    for start, root in [(-2.0, roots[0]), (2.0, roots[2])]:
        end = optim.gradient_descent(
            optim.tilted_double_well, [start], learning_rate=0.02, n_steps=500
        )
        assert end.params[0] == pytest.approx(root, abs=1e-9)


# --------------------------------------------------------------------------- mini-batch SGD
def _recording_objective(seen):
    """Mean of ½‖θ − x‖² over the batch; records which example indices each batch held."""

    def loss_and_grad(theta, X, y):
        seen.append(np.asarray(y).copy())
        return float(np.mean(0.5 * np.sum((theta - X) ** 2, axis=1))), theta - X.mean(axis=0)

    return loss_and_grad


def test_each_epoch_visits_every_example_once_in_batches():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    seen = []
    history = optim.minibatch_sgd(
        _recording_objective(seen), np.zeros(2), X, y, learning_rate=0.1, n_epochs=3, batch_size=4
    )
    batches = seen[1::2]  # calls alternate: a step's batch, then the full-data loss
    assert [len(b) for b in batches] == [4, 4, 2] * 3
    for epoch in range(3):
        assert sorted(np.concatenate(batches[3 * epoch : 3 * epoch + 3])) == list(range(10))
    np.testing.assert_array_equal(history.examples_seen, [0, 4, 8, 10, 14, 18, 20, 24, 28, 30])
    assert len(history.loss) == 10


def test_shuffling_is_seeded():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    orders = []
    for seed in (0, 0, 1):
        seen = []
        optim.minibatch_sgd(
            _recording_objective(seen),
            np.zeros(2),
            X,
            y,
            learning_rate=0.1,
            n_epochs=1,
            batch_size=1,
            seed=seed,
        )
        orders.append([int(b[0]) for b in seen[1::2]])
    assert orders[0] == orders[1] != orders[2]


def test_full_batch_sgd_is_gradient_descent():
    X, y = datasets.make_blobs(60, 3, seed=2)
    params0 = optim.init_linear_params(2, 3, seed=0)

    def objective(p, Xb, yb):
        return optim.linear_classifier_loss(p, Xb, yb)

    sgd = optim.minibatch_sgd(objective, params0, X, y, learning_rate=0.3, n_epochs=15)
    gd = optim.gradient_descent(
        lambda p: objective(p, X, y), params0, learning_rate=0.3, n_steps=15
    )
    np.testing.assert_allclose(sgd.loss, gd.loss, rtol=1e-12)
    np.testing.assert_allclose(sgd.params, gd.params, rtol=1e-12)


def test_sgd_on_a_mean_converges_near_the_mean():
    # ½‖θ − x‖² averaged over the data is minimised by the mean of the data
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2)) + np.array([3.0, -1.0])
    history = optim.minibatch_sgd(
        _recording_objective([]),
        np.zeros(2),
        X,
        np.arange(200),
        learning_rate=0.05,
        n_epochs=30,
        batch_size=20,
        momentum=0.5,
    )
    np.testing.assert_allclose(history.params, X.mean(axis=0), atol=0.05)


# --------------------------------------------------------------------------- random search
def test_random_search_keeps_the_best_guess():
    history = optim.random_search(
        lambda w: optim.quadratic_bowl(w)[0], (2,), n_trials=200, scale=1.0, seed=3
    )
    assert np.all(np.diff(history.loss) <= 0)
    assert history.loss[-1] == pytest.approx(optim.quadratic_bowl(history.params)[0])
    # the same draws, redone by hand
    draws = np.random.default_rng(3).standard_normal((200, 2))
    best = min(0.5 * (d[0] ** 2 + 10 * d[1] ** 2) for d in draws)
    assert history.loss[-1] == pytest.approx(best, rel=1e-12)


# --------------------------------------------------------------------------- linear classifier
@pytest.mark.parametrize("loss", optim.LINEAR_LOSSES)
@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_linear_classifier_gradient_is_right(loss, reg):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((15, 4))
    y = rng.integers(0, 3, size=15)
    params = rng.standard_normal((5, 3))
    report = gradcheck.check_gradient(
        lambda p: optim.linear_classifier_loss(p, X, y, loss=loss, reg=reg)[0],
        lambda p: optim.linear_classifier_loss(p, X, y, loss=loss, reg=reg)[1],
        params,
    )
    assert report.relative_error < 1e-7, report


def test_softmax_loss_matches_scikit_learn_log_loss():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((30, 2))
    y = rng.integers(0, 4, size=30)
    params = rng.standard_normal((3, 4))
    scores = X @ params[:2] + params[2]
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    value, _ = optim.linear_classifier_loss(params, X, y, loss="softmax", reg=0.2)
    expected = log_loss(y, probs, labels=range(4)) + 0.2 * np.sum(params[:2] ** 2)
    assert value == pytest.approx(expected, rel=1e-12)


def test_trained_softmax_classifier_matches_scikit_learn_logistic_regression():
    # ours: mean CE + λ‖W‖²; scikit-learn: C Σ CE + ½‖W‖², the same minimiser when λ = 1/(2CN)
    X, y = datasets.make_blobs(150, 3, seed=4, spread=0.9)
    lam = 0.01
    reference = LogisticRegression(C=1 / (2 * lam * len(y)), tol=1e-12, max_iter=10_000).fit(X, y)
    ours = optim.gradient_descent(
        lambda p: optim.linear_classifier_loss(p, X, y, loss="softmax", reg=lam),
        optim.init_linear_params(2, 3),
        learning_rate=1.0,
        n_steps=500,
        momentum=0.9,
    )
    np.testing.assert_allclose(ours.params[:-1], reference.coef_.T, atol=1e-5)
    scores = optim.linear_scores(ours.params, X)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(probs, reference.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(optim.predict(ours.params, X), reference.predict(X))


def test_init_is_small_and_biases_zero():
    params = optim.init_linear_params(4, 3, scale=1e-3, seed=0)
    assert params.shape == (5, 3)
    np.testing.assert_array_equal(params[-1], 0.0)
    assert 0 < np.abs(params[:-1]).max() < 5e-3


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: optim.gradient_descent(
                optim.quadratic_bowl, [1.0, 1.0], learning_rate=0.0, n_steps=1
            ),
            ValueError,
            "learning_rate",
        ),
        (
            lambda: optim.gradient_descent(
                optim.quadratic_bowl, [1.0, 1.0], learning_rate=0.1, n_steps=1, momentum=1.0
            ),
            ValueError,
            "momentum",
        ),
        (
            lambda: optim.gradient_descent(
                lambda w: (0.0, np.zeros(3)), [1.0, 1.0], learning_rate=0.1, n_steps=1
            ),
            ValueError,
            "shape",
        ),
        (
            lambda: optim.minibatch_sgd(
                _recording_objective([]),
                np.zeros(2),
                np.zeros((3, 2)),
                np.zeros(4),
                learning_rate=0.1,
                n_epochs=1,
            ),
            ValueError,
            "same number of rows",
        ),
        (
            lambda: optim.minibatch_sgd(
                _recording_objective([]),
                np.zeros(2),
                np.zeros((3, 2)),
                np.arange(3),
                learning_rate=0.1,
                n_epochs=1,
                batch_size=4,
            ),
            ValueError,
            "batch_size",
        ),
        (
            lambda: optim.linear_classifier_loss(
                np.zeros((3, 2)), np.zeros((4, 2)), np.zeros(4, dtype=int), loss="l2"
            ),
            ValueError,
            "loss must be one of",
        ),
        (
            lambda: optim.linear_classifier_loss(
                np.zeros((3, 2)), np.zeros((4, 3)), np.zeros(4, dtype=int)
            ),
            ValueError,
            "X must have",
        ),
        (
            lambda: optim.train_linear_classifier(np.zeros((4, 2)), np.zeros(4)),
            TypeError,
            "int class indices",
        ),
    ],
)
def test_invalid_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("loss", optim.LINEAR_LOSSES)
def test_linear_classifier_loss_and_gradient_match_pytorch_autograd(loss):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    X = rng.standard_normal((25, 3))
    y = rng.integers(0, 4, size=25)
    params = rng.standard_normal((4, 4))
    value, grad = optim.linear_classifier_loss(params, X, y, loss=loss, reg=0.2)
    p = torch.tensor(params, requires_grad=True)
    scores = torch.tensor(X) @ p[:-1] + p[-1]
    target = torch.tensor(y)
    if loss == "softmax":
        data = torch.nn.functional.cross_entropy(scores, target)
    else:  # multi_margin_loss divides by the number of classes
        power = 2 if loss == "squared_hinge" else 1
        data = torch.nn.functional.multi_margin_loss(scores, target, p=power) * 4
    reference = data + 0.2 * (p[:-1] ** 2).sum()
    reference.backward()
    assert value == pytest.approx(reference.item(), rel=1e-12)
    np.testing.assert_allclose(grad, p.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_recording_per_epoch_takes_the_same_steps():
    X, y = datasets.make_blobs(60, 3, seed=0, spread=0.9)
    every_step = optim.train_linear_classifier(X, y, learning_rate=0.3, n_epochs=4, batch_size=7)
    per_epoch = optim.train_linear_classifier(
        X, y, learning_rate=0.3, n_epochs=4, batch_size=7, record="epoch"
    )
    np.testing.assert_array_equal(per_epoch.params, every_step.params)
    np.testing.assert_array_equal(per_epoch.examples_seen, [0, 60, 120, 180, 240])
    assert per_epoch.loss[-1] == every_step.loss[-1] and per_epoch.loss[0] == every_step.loss[0]
    assert len(every_step.loss) == 4 * 9 + 1
    with pytest.raises(ValueError, match="record must be"):
        optim.train_linear_classifier(X, y, n_epochs=1, record="batch")
