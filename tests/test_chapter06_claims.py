"""Every measurable claim of Chapter 6 (gradient descent), recomputed with course_utils."""

import numpy as np
import pytest

from course_utils import datasets, gradcheck, optim

X, Y = datasets.make_blobs(300, 3, seed=0, spread=0.9)


def loss_and_grad(params, reg=0.0):
    return optim.linear_classifier_loss(params, X, Y, loss="softmax", reg=reg)


def test_start_is_near_log_c():
    assert loss_and_grad(optim.init_linear_params(2, 3))[0] == pytest.approx(np.log(3), abs=1e-3)


def test_gradient_descent_beats_random_search():
    search = optim.random_search(
        lambda p: loss_and_grad(p)[0], (3, 3), n_trials=1000, scale=2.0, seed=0
    )
    descent = optim.gradient_descent(
        loss_and_grad, optim.init_linear_params(2, 3), learning_rate=0.5, n_steps=50
    )
    assert descent.loss[-1] < search.loss[-1]
    X8, y8 = datasets.make_blobs(400, 8, seed=0, spread=0.3)
    search8 = optim.random_search(
        lambda p: optim.linear_classifier_loss(p, X8, y8)[0], (3, 8), n_trials=1000, scale=2.0
    )
    descent8 = optim.gradient_descent(
        lambda p: optim.linear_classifier_loss(p, X8, y8),
        optim.init_linear_params(2, 8),
        learning_rate=0.5,
        n_steps=50,
    )
    # the gap widens with more parameters
    assert search8.loss[-1] / descent8.loss[-1] > 2 * search.loss[-1] / descent.loss[-1]


def bowl_final_loss(rate, n_steps=30, momentum=0.0):
    history = optim.gradient_descent(
        optim.quadratic_bowl, [-4.0, 1.5], learning_rate=rate, n_steps=n_steps, momentum=momentum
    )
    return history


def test_learning_rates_crawl_converge_diverge():
    small, right, large = (bowl_final_loss(r) for r in (0.02, 0.15, 0.21))
    assert small.loss[-1] > 1.0  # still far after 30 steps
    assert right.loss[-1] < 1e-3
    assert large.loss[-1] > large.loss[0]
    # right: w2 changes sign every step (oscillates) since 1 − 10η < 0
    assert np.all(np.diff(np.sign(right.path[:, 1])) != 0)


@pytest.mark.parametrize(("rate", "converges"), [(0.19, True), (0.199, True), (0.201, False)])
def test_stability_threshold_is_two_over_the_largest_curvature(rate, converges):
    history = bowl_final_loss(rate, n_steps=2000)
    assert (history.loss[-1] < history.loss[0]) == converges


def test_momentum_speeds_up_the_crawl():
    assert bowl_final_loss(0.02, momentum=0.8).loss[-1] < 0.01 < bowl_final_loss(0.02).loss[-1]


def test_gradient_check_and_a_forgotten_penalty():
    point = np.random.default_rng(1).standard_normal((3, 3))
    good = gradcheck.check_gradient(
        lambda p: loss_and_grad(p)[0], lambda p: loss_and_grad(p)[1], point
    )
    assert good.relative_error < 1e-7
    buggy = gradcheck.check_gradient(
        lambda p: loss_and_grad(p, reg=0.1)[0], lambda p: loss_and_grad(p, reg=0.0)[1], point
    )
    assert buggy.relative_error > 1e-2


def one_sided(params, h):
    base = loss_and_grad(params)[0]
    grad = np.zeros_like(params)
    for k in np.ndindex(params.shape):
        moved = params.copy()
        moved[k] += h
        grad[k] = (loss_and_grad(moved)[0] - base) / h
    return grad


def test_step_size_sweep_is_v_shaped():
    point = np.random.default_rng(1).standard_normal((3, 3))
    analytic = loss_and_grad(point)[1]

    def centred(h):
        return gradcheck.relative_error(
            analytic, gradcheck.numerical_gradient(lambda p: loss_and_grad(p)[0], point, h=h)
        )

    def forward(h):
        return gradcheck.relative_error(analytic, one_sided(point, h))

    assert centred(1e-5) < 1e-7 < forward(1e-5)
    assert centred(1e-1) < forward(1e-1)
    assert min(centred(1e-12), forward(1e-12)) > 1e-4
    assert centred(1e-5) < centred(1e-1) and centred(1e-5) < centred(1e-12)
    steps = np.logspace(-12, -1, 23)
    assert min(forward(h) for h in steps) > 100 * min(centred(h) for h in steps)


def test_batch_size_comparison():
    runs = {
        size: optim.train_linear_classifier(
            X, Y, loss="softmax", learning_rate=0.05, n_epochs=5, batch_size=size, seed=0
        )
        for size in (1, 10, 50, None)
    }
    finals = [runs[s].loss[-1] for s in (1, 10, 50, None)]
    assert np.all(np.diff(finals) > 0)  # smaller batches: lower loss per example seen
    assert all(runs[s].examples_seen[-1] == 1500 for s in runs)
    assert np.mean(np.diff(runs[1].loss) > 0) > 0.1
    assert np.all(np.diff(runs[None].loss) < 0)


def test_convex_problem_reaches_the_same_minimiser_from_two_starts():
    ends = [
        optim.train_linear_classifier(
            X,
            Y,
            loss="softmax",
            learning_rate=1.0,
            n_epochs=150,
            reg=0.05,
            seed=s,
            init_scale=3.0,
        )
        for s in (1, 2)
    ]
    assert abs(ends[0].loss[0] - ends[1].loss[0]) > 1.0
    assert np.max(np.abs(ends[0].params - ends[1].params)) < 1e-5


def test_non_convex_ends_depend_on_the_start():
    def convex(w):
        w = np.asarray(w, dtype=float)
        return float(np.sum((w - 1.0) ** 2)), 2.0 * (w - 1.0)

    starts = [-2.0, -0.5, 0.5, 2.0]
    convex_ends = [
        optim.gradient_descent(convex, [s], learning_rate=0.02, n_steps=300).params[0]
        for s in starts
    ]
    np.testing.assert_allclose(convex_ends, 1.0, atol=1e-3)
    well = [
        optim.gradient_descent(optim.tilted_double_well, [s], learning_rate=0.02, n_steps=300)
        for s in starts
    ]
    np.testing.assert_allclose(
        [w.params[0] for w in well], [-1.301, -1.301, 1.131, 1.131], atol=1e-3
    )
    assert well[0].loss[-1] == pytest.approx(-3.514, abs=1e-3)
    assert well[3].loss[-1] == pytest.approx(-1.070, abs=1e-3)


def test_the_negative_gradient_is_the_descent_direction():
    point = np.random.default_rng(1).standard_normal((3, 3))
    loss, grad = loss_and_grad(point)
    for t in (1e-3, 1e-2):
        assert loss_and_grad(point - t * grad)[0] < loss < loss_and_grad(point + t * grad)[0]


def test_parameter_counts_of_the_random_search_problems():
    assert optim.init_linear_params(2, 3).size == 9
    assert optim.init_linear_params(2, 8).size == 24  # not 27


def final_loss(rate, size):
    return optim.train_linear_classifier(
        X, Y, loss="softmax", learning_rate=rate, n_epochs=5, batch_size=size, seed=0
    ).loss[-1]


def test_with_the_rate_tuned_per_batch_size_the_batch_size_hardly_matters():
    # at one rate (0.05) B = 1 wins; but the full batch at its own rate does better
    assert final_loss(5.0, None) < final_loss(0.05, 1)
    grid = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
    tuned = {}
    for size in (1, 10, 50, None):
        finals = {rate: final_loss(rate, size) for rate in grid}
        best = min(finals, key=finals.get)
        assert best not in (grid[0], grid[-1])  # the best rate is inside the grid
        tuned[size] = (best, finals[best])
    losses_tuned = [loss for _, loss in tuned.values()]
    assert max(losses_tuned) - min(losses_tuned) < 0.01
    assert tuned[1][0] < tuned[None][0]  # the best rate grows with the batch


def test_batch_gradient_variance_without_replacement():
    params = optim.init_linear_params(2, 3)
    # per-example gradients from the library, one example at a time (independent of the
    # chapter's vectorized einsum)
    G = np.array(
        [
            optim.linear_classifier_loss(params, X[i : i + 1], Y[i : i + 1])[1].ravel()
            for i in range(len(X))
        ]
    )
    mean = G.mean(axis=0)
    np.testing.assert_allclose(mean, loss_and_grad(params)[1].ravel(), atol=1e-12)
    n = len(G)
    sigma2 = np.mean(np.sum((G - mean) ** 2, axis=1))
    rng = np.random.default_rng(0)
    for b in (1, 10, 50, 150, n):
        draws = np.array([G[rng.choice(n, size=b, replace=False)].mean(0) for _ in range(2000)])
        measured = np.mean(np.sum((draws - mean) ** 2, axis=1))
        formula = sigma2 / b * (n - b) / (n - 1)
        if b == n:
            assert formula == 0.0 and measured < 1e-25  # the full batch has no noise
        else:
            assert measured == pytest.approx(formula, rel=0.1)
    # with replacement the full-size batch is noisy: σ²/N, not 0
    draws = np.array([G[rng.integers(0, n, size=n)].mean(0) for _ in range(2000)])
    assert np.mean(np.sum((draws - mean) ** 2, axis=1)) == pytest.approx(sigma2 / n, rel=0.1)


def test_fixed_steps_settle_on_softmax_but_keep_bouncing_on_the_hinge():
    rises = {}
    for loss in ("hinge", "softmax"):
        run = optim.train_linear_classifier(
            X, Y, loss=loss, learning_rate=0.5, n_epochs=2000, reg=0.05
        )
        # a rise counts when it is larger than rounding: once the smooth loss has settled,
        # consecutive values agree to the last bit, and which of them is an ulp higher
        # depends on the CPU's arithmetic
        rounding = 1e-12 * abs(run.loss[-1])
        rises[loss] = np.mean(np.diff(run.loss)[-200:] > rounding)
    assert rises["softmax"] == 0.0  # smooth: the loss never rises again, up to rounding
    assert rises["hinge"] > 0.2  # kinks: a fixed step still overshoots after 2000 steps
