"""Every measurable claim of Chapter 5 (the hinge loss), recomputed with course_utils.

The timing claim (vectorized ≥ 20× faster than loops) is checked by
bench/hinge_naive_vs_vectorized.py, not here: a timed unit test would be flaky.
"""

import numpy as np
import pytest

from course_utils import datasets, gradcheck, losses, naive, optim

SCORES = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])  # cat, car, frog
LABELS = np.array([0, 1, 2])
ONE = np.array([0])


def test_worked_example_cat_car_frog():
    per_image = losses.multiclass_hinge(SCORES, LABELS, reduction="none")
    np.testing.assert_allclose(per_image, [2.9, 0.0, 12.9], atol=1e-12)
    assert losses.multiclass_hinge(SCORES, LABELS) == pytest.approx(5.2667, abs=5e-5)


def test_nudging_a_score_that_clears_the_margin_changes_nothing():
    nudged = SCORES.copy()
    nudged[1, 1] += 0.5
    assert losses.multiclass_hinge(nudged, LABELS, reduction="none")[1] == 0.0


def test_minimum_zero_and_no_maximum():
    values = [
        losses.multiclass_hinge(np.array([[2.0, w, -1.0]]), ONE) for w in (0.0, 10.0, 1000.0)
    ]
    assert values[0] == 0.0
    assert values[1] == pytest.approx(9.0) and values[2] == pytest.approx(999.0)


def initial_losses(n_classes, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((500, 20))
    y = rng.integers(0, n_classes, size=500)
    scores = optim.linear_scores(optim.init_linear_params(20, n_classes, seed=seed), X)
    return losses.multiclass_hinge(scores, y), losses.softmax_cross_entropy(scores, y)


@pytest.mark.parametrize("n_classes", [3, 10, 100])
@pytest.mark.parametrize("seed", [0, 1])
def test_initial_loss_is_c_minus_1_for_hinge_and_log_c_for_softmax(n_classes, seed):
    hinge, softmax = initial_losses(n_classes, seed)
    assert hinge == pytest.approx(n_classes - 1, rel=1e-3)
    assert softmax == pytest.approx(np.log(n_classes), abs=0.01)


@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_summing_over_the_correct_class_too_adds_exactly_delta(delta):
    rng = np.random.default_rng(0)
    scores = rng.standard_normal((20, 4)) * 3
    labels = rng.integers(0, 4, size=20)
    correct = scores[np.arange(20), labels][:, None]
    all_terms = np.maximum(0.0, scores - correct + delta).sum(axis=1)
    skipping = losses.multiclass_hinge(scores, labels, margin=delta, reduction="none")
    np.testing.assert_allclose(all_terms - skipping, delta, atol=1e-12)


def test_sum_is_n_times_mean():
    total = losses.multiclass_hinge(SCORES, LABELS, reduction="sum")
    assert total == pytest.approx(3 * losses.multiclass_hinge(SCORES, LABELS))


def test_squared_hinge_ranks_differently():
    a = np.array([[3.0, 4.0, 0.0]])
    b = np.array([[3.0, 3.2, 3.2]])
    assert losses.multiclass_hinge(a, ONE) == pytest.approx(2.0)
    assert losses.multiclass_hinge(b, ONE) == pytest.approx(2.4)
    assert losses.multiclass_hinge(a, ONE, squared=True) == pytest.approx(4.0)
    assert losses.multiclass_hinge(b, ONE, squared=True) == pytest.approx(2.88)


def test_zero_loss_weights_are_not_unique():
    X, y = datasets.make_blobs(150, 3, seed=1, spread=0.3)
    fit = optim.train_linear_classifier(X, y, loss="hinge", learning_rate=0.5, n_epochs=100)
    for factor in (1.0, 2.0, 10.0):
        scores = optim.linear_scores(factor * fit.params, X)
        assert losses.multiclass_hinge(scores, y) == 0.0


def test_loops_and_vectorized_agree_on_500_by_10():
    rng = np.random.default_rng(1)
    S = rng.standard_normal((500, 10))
    y = rng.integers(0, 10, size=500)
    assert naive.multiclass_hinge_naive(S, y) == pytest.approx(
        losses.multiclass_hinge(S, y), rel=1e-12
    )
    gap = np.max(
        np.abs(naive.multiclass_hinge_grad_naive(S, y) - losses.multiclass_hinge_grad(S, y))
    )
    assert gap < 1e-12


def test_gradient_checks_pass_away_from_kinks_and_fail_at_one():
    rng = np.random.default_rng(2)
    S = rng.standard_normal((8, 5))
    y = rng.integers(0, 5, size=8)
    report = gradcheck.check_gradient(
        lambda s: losses.multiclass_hinge(s, y), lambda s: losses.multiclass_hinge_grad(s, y), S
    )
    assert report.relative_error < 1e-7
    X = rng.standard_normal((8, 3))
    W = rng.standard_normal((4, 5))
    report_w = gradcheck.check_gradient(
        lambda p: optim.linear_classifier_loss(p, X, y, loss="hinge", reg=0.1)[0],
        lambda p: optim.linear_classifier_loss(p, X, y, loss="hinge", reg=0.1)[1],
        W,
    )
    assert report_w.relative_error < 1e-7
    kink = np.array([[1.0, 0.0, -5.0]])
    numerical = gradcheck.numerical_gradient(lambda s: losses.multiclass_hinge(s, ONE), kink)
    np.testing.assert_allclose(numerical, [[-0.5, 0.5, 0.0]], atol=1e-9)
    np.testing.assert_array_equal(losses.multiclass_hinge_grad(kink, ONE), 0.0)


def test_hinge_is_satisfied_while_cross_entropy_wants_more():
    ce = []
    for lead in (1.5, 3.0, 6.0, 12.0):
        s = np.array([[lead, 0.0, -0.5]])
        assert losses.multiclass_hinge(s, ONE) == 0.0
        np.testing.assert_array_equal(losses.multiclass_hinge_grad(s, ONE), 0.0)
        ce.append(losses.softmax_cross_entropy(s, ONE))
    assert all(c > 0 for c in ce) and np.all(np.diff(ce) < 0)


def test_hinge_and_softmax_classifiers_on_blobs():
    X, y = datasets.make_blobs(300, 3, seed=0, spread=0.9)
    runs = {
        name: optim.train_linear_classifier(
            X, y, loss=name, learning_rate=0.2, n_epochs=300, reg=1e-3
        )
        for name in ("hinge", "softmax")
    }
    assert runs["hinge"].loss[0] == pytest.approx(2.0, abs=0.01)
    assert runs["softmax"].loss[0] == pytest.approx(np.log(3), abs=0.01)
    accuracies = {n: np.mean(optim.predict(r.params, X) == y) for n, r in runs.items()}
    assert min(accuracies.values()) >= 0.95
    assert abs(accuracies["hinge"] - accuracies["softmax"]) <= 0.02
    hinge_scores = optim.linear_scores(runs["hinge"].params, X)
    softmax_scores = optim.linear_scores(runs["softmax"].params, X)
    assert np.mean(losses.multiclass_hinge(hinge_scores, y, reduction="none") == 0) > 0.5
    assert np.all(losses.softmax_cross_entropy(softmax_scores, y, reduction="none") > 0)


def hinge_without_margin(scores, labels):
    rows = np.arange(len(labels))
    terms = np.maximum(0.0, scores - scores[rows, labels][:, None])
    terms[rows, labels] = 0.0
    return terms.sum(axis=1).mean()


def test_a_first_loss_near_zero_means_a_missing_margin_not_large_weights():
    # the chapter's question 3: 500 inputs, 20 features, 10 classes
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 20))
    y = rng.integers(0, 10, size=500)

    def first_loss(scale):
        scores = optim.linear_scores(optim.init_linear_params(20, 10, scale=scale), X)
        return losses.multiclass_hinge(scores, y)

    assert first_loss(1e-3) == pytest.approx(9.0, abs=0.01)
    # too-large weights push the loss up, not down ("25.1", "208")
    assert first_loss(1.0) == pytest.approx(25.1, abs=0.05)
    assert first_loss(10.0) == pytest.approx(208.0, abs=0.5)
    scores = optim.linear_scores(optim.init_linear_params(20, 10), X)
    correct = scores[np.arange(500), y][:, None]
    # summing over j = y_i as well gives about C, not 0
    assert np.maximum(0.0, scores - correct + 1.0).sum(1).mean() == pytest.approx(10.0, abs=0.01)
    # only the forgotten margin gives a first loss near 0 ("0.02")
    assert hinge_without_margin(scores, y) == pytest.approx(0.02, abs=0.005)


def test_an_exactly_zero_gradient_entry_and_the_rounding_noise_guard():
    rng = np.random.default_rng(2)
    rng.standard_normal((8, 5))
    y = rng.integers(0, 5, size=8)
    X = rng.standard_normal((8, 3))
    W = rng.standard_normal((4, 5))
    grad = optim.linear_classifier_loss(W, X, y, loss="hinge", reg=0.1)[1]
    # the bias of class 3 is pushed up and down equally: exactly 0, the only such entry
    assert [tuple(i) for i in np.argwhere(grad == 0)] == [(3, 3)]
    rows = np.arange(8)
    violated = (X @ W[:3] + W[3] - (X @ W[:3] + W[3])[rows, y][:, None] + 1.0 > 0) & (
        np.arange(5)[None, :] != y[:, None]
    )
    pushes_up = violated[:, 3].sum()
    pushes_down = violated[y == 3].sum()
    assert pushes_up == pushes_down > 0

    def cancelling(x):
        return (3.7 + x[0]) - x[0]

    x = np.array([0.3])
    numerical = gradcheck.numerical_gradient(cancelling, x)[0]
    assert numerical != 0.0 and abs(numerical) < 1e-10  # "2.2e-11": rounding, not slope
    assert gradcheck.relative_error([0.0], [numerical]) < 1  # the floor rescues it
    assert abs(numerical) < gradcheck.rounding_noise(cancelling(x), 1e-5)
    assert gradcheck.check_gradient(cancelling, lambda v: np.zeros_like(v), x).passed
    # a real bug (a slope of 1 reported as 0) is far above the noise and still fails
    assert not gradcheck.check_gradient(lambda v: v[0] * 1.0, lambda v: np.zeros_like(v), x).passed


def test_bias_trick_and_a_linear_svm_on_the_digits():
    X, y = datasets.make_blobs(300, 3, seed=0, spread=0.9)
    params = optim.train_linear_classifier(
        X, y, loss="hinge", learning_rate=0.2, n_epochs=300, reg=1e-3
    ).params
    W, b = params[:-1], params[-1]
    np.testing.assert_allclose(np.column_stack([X, np.ones(len(X))]) @ params, X @ W + b)
    x_train, x_test, y_train, y_test = datasets.load_digits_split()
    svm = optim.train_linear_classifier(
        x_train, y_train, loss="hinge", learning_rate=0.5, n_epochs=200, reg=1e-2
    )
    assert np.mean(optim.predict(svm.params, x_test) == y_test) > 0.95
    # the 0's template: ink in the middle (the hole) lowers the score, ink at the sides raises it
    zero = svm.params[:-1, 0].reshape(8, 8)
    assert zero[2:6, 3:5].mean() < 0 < zero[2:6, [1, 2, 5, 6]].mean()
    # the 7's template: ink along the top raises the score
    assert svm.params[:-1, 7].reshape(8, 8)[0:2].mean() > 0


def test_with_the_penalty_on_w_only_the_best_biases_need_not_be_unique():
    # "The biases are not penalized, and the best biases need not be unique": inputs that
    # carry no information (all 0), two balanced classes. W = 0 is best (W only adds
    # penalty), and the mean hinge loss in the biases, (max(0, 1 + t) + max(0, 1 - t)) / 2
    # for the gap t = b1 - b0, is 1 (its minimum) for every t in [-1, 1]: many minimizers.
    X = np.zeros((6, 2))
    y = np.array([0, 1, 0, 1, 0, 1])
    values = []
    for gap in (-1.0, -0.3, 0.0, 0.5, 1.0):
        params = np.zeros((3, 2))
        params[-1] = [0.0, gap]  # the last row holds b
        values.append(optim.linear_classifier_loss(params, X, y, loss="hinge", reg=0.1)[0])
    np.testing.assert_allclose(values, 1.0)
    worse = np.zeros((3, 2))
    worse[-1] = [0.0, 1.5]
    assert optim.linear_classifier_loss(worse, X, y, loss="hinge", reg=0.1)[0] > 1.0
