"""Every measurable claim of chapter 3 (cross-entropy, derived), asserted.

Each test recomputes a claim with the same ``course_utils`` functions the chapter calls and
compares it with something independent: a closed form, a numerical gradient, scikit-learn's
``log_loss`` or SciPy's entropy.
"""

import math

import numpy as np
import pytest
from scipy.stats import entropy as scipy_entropy
from sklearn.metrics import log_loss

from course_utils import losses, naive, neuron
from course_utils.gradcheck import check_gradient, relative_error


# --------------------------------------------------------------------------- 1. sigmoid
def test_sigmoid_identities():
    s = np.linspace(-10, 10, 2001)
    assert losses.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(1 - losses.sigmoid(s), losses.sigmoid(-s), atol=1e-15)


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma_and_peaks_at_a_quarter():
    s = np.linspace(-8, 8, 1601)
    h = 1e-5
    numerical = (losses.sigmoid(s + h) - losses.sigmoid(s - h)) / (2 * h)
    analytic = losses.sigmoid(s) * (1 - losses.sigmoid(s))
    assert relative_error(analytic, numerical) < 1e-7
    assert analytic.max() == 0.25 and s[np.argmax(analytic)] == 0.0
    assert losses.sigmoid(10.0) * (1 - losses.sigmoid(10.0)) < 5e-5


# --------------------------------------------------------------------------- 2. derivation
def test_bernoulli_switch():
    p = np.linspace(0.001, 0.999, 999)
    np.testing.assert_allclose(p**1 * (1 - p) ** 0, p)
    np.testing.assert_allclose(p**0 * (1 - p) ** 1, 1 - p)


def test_binary_cross_entropy_is_the_mean_negative_log_likelihood():
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0], dtype=float)
    p = np.array([0.9, 0.2, 0.6, 0.95, 0.4, 0.1, 0.3, 0.05])
    likelihood = math.prod(pi if yi == 1 else 1 - pi for pi, yi in zip(p, y, strict=True))
    assert losses.binary_cross_entropy(p, y) == pytest.approx(-math.log(likelihood) / 8)
    assert losses.binary_cross_entropy(p, y) == pytest.approx(log_loss(y, p), rel=1e-12)
    assert losses.binary_cross_entropy(p, y) == pytest.approx(0.345259, abs=5e-7)


def test_likelihood_and_cross_entropy_share_their_optimum_at_the_fraction_of_positives():
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 1], dtype=float)  # 6 of 10 positive
    q = np.linspace(0.01, 0.99, 99)
    likelihood = q ** y.sum() * (1 - q) ** (y.size - y.sum())  # closed form of the product
    cross_entropy = [losses.binary_cross_entropy(np.full_like(y, qi), y) for qi in q]
    assert q[np.argmax(likelihood)] == pytest.approx(0.6)
    assert q[np.argmin(cross_entropy)] == pytest.approx(0.6)


def test_a_product_of_thousands_of_probabilities_underflows_but_its_log_does_not():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=5000).astype(float)
    p = rng.uniform(0.2, 0.9, size=5000)
    factors = np.where(y == 1, p, 1 - p)
    assert np.prod(factors) == 0.0
    assert np.isfinite(np.sum(np.log(factors)))


@pytest.mark.parametrize(
    ("p", "expected"), [(0.5, 0.693), (0.9, 0.105), (0.1, 2.303), (0.01, 4.605)]
)
def test_loss_values_for_a_positive_example(p, expected):
    assert losses.binary_cross_entropy([p], [1.0]) == pytest.approx(expected, abs=5e-4)


def test_confidence_saves_little_while_each_factor_of_ten_wrong_adds_log_10():
    gain = losses.binary_cross_entropy([0.5], [1.0]) - losses.binary_cross_entropy([0.9], [1.0])
    assert gain == pytest.approx(0.59, abs=0.005)
    step = losses.binary_cross_entropy([0.01], [1.0]) - losses.binary_cross_entropy([0.1], [1.0])
    assert step == pytest.approx(math.log(10))


# --------------------------------------------------------------------------- 3. ±1 labels
@pytest.mark.parametrize("y01", [0.0, 1.0])
def test_the_two_forms_agree_on_a_grid_of_logits(y01):
    s = np.linspace(-12, 12, 2401)
    first = losses.binary_cross_entropy(losses.sigmoid(s), np.full_like(s, y01), reduction="none")
    second = losses.logistic_loss(s, np.full_like(s, 2 * y01 - 1), reduction="none")
    assert np.max(np.abs(first - second)) < 1e-10
    closed_form = np.log1p(np.exp(-(2 * y01 - 1) * s))
    np.testing.assert_allclose(second, closed_form, rtol=1e-12)


def test_logistic_loss_is_asymptotically_linear_with_slope_minus_one():
    s = np.array([-40.0, -30.0])
    values = losses.logistic_loss(s, np.ones(2), reduction="none")
    np.testing.assert_allclose(values, -s, rtol=1e-12)  # the gap is e^(-|s|)


# --------------------------------------------------------------------------- 4.–5. gradients
def test_binary_cross_entropy_gradient_is_p_minus_y_and_passes_a_gradient_check():
    rng = np.random.default_rng(4)
    logits = rng.normal(size=10)
    t = rng.integers(0, 2, size=10).astype(float)
    report = check_gradient(
        lambda z: losses.binary_cross_entropy_with_logits(z, t),
        lambda z: losses.binary_cross_entropy_with_logits_grad(z, t),
        logits,
    )
    assert report.relative_error < 1e-7
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits_grad(logits, t),
        (1 / (1 + np.exp(-logits)) - t) / 10,
        rtol=1e-12,
    )


@pytest.mark.parametrize("soft", [False, True])
def test_softmax_cross_entropy_gradient_passes_a_gradient_check(soft):
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(10, 5))
    targets = losses.softmax(rng.normal(size=(10, 5))) if soft else rng.integers(0, 5, size=10)
    report = check_gradient(
        lambda z: losses.softmax_cross_entropy(z, targets),
        lambda z: losses.softmax_cross_entropy_grad(z, targets),
        logits,
    )
    assert report.relative_error < 1e-7


def test_softmax_properties():
    scores = np.array([1.0, 2.0, 3.0])
    p = losses.softmax(scores)
    exps = np.exp(scores)
    np.testing.assert_allclose(p, exps / exps.sum(), rtol=1e-15)
    np.testing.assert_allclose(p.round(4), [0.09, 0.2447, 0.6652])
    assert np.all(p > 0) and p.sum() == pytest.approx(1.0)
    assert np.array_equal(np.argsort(p), np.argsort(scores))
    assert p[2] / p[1] == pytest.approx(math.e)
    assert p[2] / p[1] > scores[2] / scores[1]  # widens the gap relative to plain normalising
    np.testing.assert_allclose(losses.softmax(scores + 100.0), p)
    pair = np.random.default_rng(6).normal(size=(1000, 2)) * 5
    np.testing.assert_allclose(
        losses.softmax(pair)[:, 0], losses.sigmoid(pair[:, 0] - pair[:, 1]), rtol=1e-12
    )


def test_temperature_values_quoted_in_the_chapter():
    scores = np.array([2.0, 1.0, 0.2])
    assert losses.softmax(scores / 0.25)[0] == pytest.approx(0.98, abs=0.005)
    np.testing.assert_allclose(losses.softmax(scores).round(2), [0.65, 0.24, 0.11])
    hot = losses.softmax(scores / 4.0)
    np.testing.assert_allclose(hot.round(2), [0.41, 0.32, 0.26])
    assert np.all(np.abs(hot - 1 / 3) < np.abs(losses.softmax(scores) - 1 / 3))


# --------------------------------------------------------------------------- 6. entropy / KL
def test_cross_entropy_is_entropy_plus_kl_and_is_smallest_at_the_target():
    t = np.array([[0.7, 0.2, 0.1]])
    logits = np.array([[0.5, 1.5, -1.0]])
    p = losses.softmax(logits)
    h, kl = scipy_entropy(t[0]), scipy_entropy(t[0], p[0])
    assert losses.softmax_cross_entropy(logits, t) == pytest.approx(h + kl, rel=1e-12)
    assert (h, kl) == (pytest.approx(0.8018, abs=5e-5), pytest.approx(0.5197, abs=5e-5))
    assert losses.softmax_cross_entropy(np.log(t), t) == pytest.approx(h, rel=1e-12)
    np.testing.assert_allclose(losses.softmax_cross_entropy_grad(np.log(t), t), 0.0, atol=1e-15)
    others = np.random.default_rng(7).normal(scale=2.0, size=(200, 3))
    ce = losses.softmax_cross_entropy(others, np.repeat(t, 200, axis=0), reduction="none")
    assert np.all(ce >= h)


# --------------------------------------------------------------------------- 7. MSE slowdown
def test_logit_gradients_quoted_in_the_chapter():
    s = np.array([0.0, 4.0, 8.0])
    y = np.zeros(3)
    mse = neuron.neuron_logit_gradient(s, y, "mse")
    ce = neuron.neuron_logit_gradient(s, y, "cross_entropy")
    np.testing.assert_allclose(mse, [0.25, 0.03469, 0.00067], atol=5e-6)
    np.testing.assert_allclose(ce, [0.5, 0.98201, 0.99966], atol=5e-6)
    # the squared error's gradient peaks at p = 2/3, s = log 2, with value 8/27
    grid = np.linspace(-6, 10, 160001)
    g = neuron.neuron_logit_gradient(grid, np.zeros_like(grid), "mse")
    assert grid[np.argmax(g)] == pytest.approx(math.log(2), abs=1e-4)
    assert g.max() == pytest.approx(8 / 27, rel=1e-8)


def _runs(start):
    return {
        loss: neuron.train_neuron(
            [1.0], [0.0], loss=loss, w0=start, b0=start, learning_rate=0.15, steps=300
        )
        for loss in ("mse", "cross_entropy")
    }


def test_confidently_wrong_start_mse_plateaus_while_cross_entropy_learns():
    runs = _runs(2.0)
    mse, ce = runs["mse"], runs["cross_entropy"]
    assert mse.outputs[0, 0] == pytest.approx(0.982, abs=5e-4)
    ratio = ce.gradient_norms[0] / mse.gradient_norms[0]
    assert 27.5 < ratio < 29  # "about 28 times larger"
    assert ce.outputs[50, 0] < 0.1
    assert mse.outputs[50, 0] > 0.95 and mse.outputs[100, 0] > 0.75
    assert mse.outputs[200, 0] < 0.2  # it gets there in the end
    assert np.all(ce.outputs[1:, 0] < mse.outputs[1:, 0])


def test_mild_and_extreme_starts():
    mild = _runs(0.3)
    assert mild["mse"].outputs[50, 0] < 0.2 and mild["cross_entropy"].outputs[50, 0] < 0.1
    extreme = _runs(3.0)
    assert extreme["mse"].outputs[0, 0] == pytest.approx(0.998, abs=5e-4)
    assert extreme["mse"].outputs[-1, 0] > 0.99
    assert extreme["cross_entropy"].outputs[-1, 0] < 0.02
    for start in (0.3, 2.0, 3.0):
        assert _runs(start)["cross_entropy"].outputs[50, 0] < 0.15


# --------------------------------------------------------------------------- 8. stability
def test_float64_exp_overflow_threshold():
    assert f"{np.log(np.finfo(np.float64).max):.2f}" == "709.78"
    assert np.isfinite(np.exp(709.0))
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(710.0))


def test_naive_code_is_non_finite_at_plus_minus_1000_and_stable_code_is_exact():
    s = np.array([-1000.0, 1000.0, 1000.0, -1000.0])
    t = np.array([1.0, 1.0, 0.0, 0.0])
    value, warned = naive.capture_warnings(naive.naive_binary_cross_entropy_with_logits, s, t)
    assert np.isposinf(value[[0, 2]]).all() and np.isnan(value[[1, 3]]).all()
    assert "RuntimeWarning: overflow encountered in exp" in warned
    np.testing.assert_array_equal(
        losses.binary_cross_entropy_with_logits(s, t, reduction="none"), [1000, 0, 1000, 0]
    )
    rows = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1001.0, -1002.0]])
    p, _ = naive.capture_warnings(naive.naive_softmax, rows)
    assert not np.isfinite(p).all() and np.isfinite(losses.softmax(rows)).all()
    ce, _ = naive.capture_warnings(naive.naive_softmax_cross_entropy, rows, np.array([2, 0]))
    assert np.isposinf(ce[0]) and np.isnan(ce[1])
    stable = losses.softmax_cross_entropy(rows, np.array([2, 0]), reduction="none")
    assert stable[0] == 2000.0 and stable[1] == pytest.approx(0.4076, abs=5e-5)


def test_clipping_caps_the_loss_and_zeroes_the_gradient():
    cap = -math.log(1e-7)
    assert cap == pytest.approx(16.1181, abs=5e-5)
    for gap in (20.0, 100.0, 1000.0):
        wrong = np.array([[-gap, 0.0, 0.0]])
        clipped = naive.clipped_cross_entropy(losses.softmax(wrong), np.array([0]))[0]
        assert clipped == pytest.approx(cap)
        true_loss = gap + math.log(2) + math.log1p(math.exp(-gap) / 2)
        assert losses.softmax_cross_entropy(wrong, np.array([0])) == pytest.approx(true_loss)
    wrong = np.array([[-20.0, 0.0, 0.0]])
    report = check_gradient(
        lambda z: naive.clipped_cross_entropy(losses.softmax(z), np.array([0]))[0],
        np.zeros_like,
        wrong.copy(),
    )
    assert report.passed  # the numerical gradient is exactly zero
    np.testing.assert_allclose(
        losses.softmax_cross_entropy_grad(wrong, np.array([0])), [[-1, 0.5, 0.5]], atol=1e-8
    )


# --------------------------------------------------------------------------- 9. log C
@pytest.mark.parametrize("n_classes", [2, 3, 10, 100, 1000])
def test_initial_loss_is_log_c_with_small_weights_and_over_twice_that_with_large_ones(n_classes):
    rng = np.random.default_rng(8)
    features = rng.normal(size=(500, 20))
    targets = rng.integers(0, n_classes, size=500)
    weights = rng.normal(size=(20, n_classes))
    small = losses.softmax_cross_entropy(features @ (1e-3 * weights), targets)
    large = losses.softmax_cross_entropy(features @ weights, targets)
    assert abs(small - math.log(n_classes)) < 0.005
    assert large > 2 * math.log(n_classes)


# --------------------------------------------------------------------------- issue 13 errata
def test_softmax_favours_the_top_class_only_at_some_scales():
    # Erratum: "favours the top class more than its share" depends on the scale of the scores.
    for scale in (1.0, 0.1, 5.0):
        scores = scale * np.array([1.0, 2.0, 3.0])
        p = losses.softmax(scores)
        np.testing.assert_allclose(p[2] / p[1], np.exp(scores[2] - scores[1]), rtol=1e-12)
    shares = np.array([1.0, 2.0, 3.0]) / 6
    assert losses.softmax(np.array([1.0, 2.0, 3.0]))[2] > shares[2]
    small = losses.softmax(np.array([0.1, 0.2, 0.3]))
    np.testing.assert_allclose(small.round(2), [0.30, 0.33, 0.37])
    assert small[2] < shares[2]


def test_relative_error_has_the_floor_the_chapter_states():
    from course_utils.gradcheck import RELATIVE_ERROR_FLOOR, relative_error

    assert RELATIVE_ERROR_FLOOR == 1e-10
    assert relative_error(np.array([0.0]), np.array([1e-13])) < 1e-2  # rounding noise at 0
    assert relative_error(np.array([1.0]), np.array([1.0 + 2e-7])) == pytest.approx(1e-7)


def _tumours():
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    names = list(data.feature_names)
    X = data.data[:, [names.index("mean radius"), names.index("mean texture")]]
    return (X - X.mean(axis=0)) / X.std(axis=0), data.target.astype(float)


def test_logistic_regression_gradient_and_fit_match_independent_computations():
    X, y = _tumours()
    assert len(y) == 569
    w, b = np.array([0.3, -0.7]), 0.2
    loss, grad_w, grad_b = neuron.logistic_regression_loss_and_gradient(w, b, X, y)
    p = 1 / (1 + np.exp(-(X @ w + b)))
    assert loss == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), rel=1e-12)
    np.testing.assert_allclose(grad_w, X.T @ (p - y) / len(y), rtol=1e-12)
    assert grad_b == pytest.approx(np.mean(p - y), rel=1e-12)

    fit = neuron.fit_logistic_regression(X, y, learning_rate=1.0, steps=1000)
    # Newton's method on the same convex loss, written out here
    A = np.c_[X, np.ones(len(y))]
    theta = np.zeros(3)
    for _ in range(30):
        q = 1 / (1 + np.exp(-A @ theta))
        hessian = A.T @ (A * (q * (1 - q))[:, None]) / len(y)
        theta -= np.linalg.solve(hessian, A.T @ (q - y) / len(y))
    np.testing.assert_allclose(np.r_[fit.w, fit.b], theta, atol=1e-5)
    assert fit.gradient_norms[-1] < 1e-6 and np.all(np.diff(fit.losses) <= 1e-15)
    assert fit.losses[0] == pytest.approx(np.log(2))
    accuracy = np.mean(((A @ theta) > 0) == y)
    assert f"{100 * accuracy:.1f}" == "89.1" and np.all(fit.w < 0)


def test_cross_entropy_is_convex_in_the_weights_and_squared_error_is_not():
    X, y = _tumours()
    A = np.c_[X, np.ones(len(y))]
    rng = np.random.default_rng(0)
    for _ in range(20):  # the Hessian Aᵀ diag(p(1-p)) A / N is positive semidefinite anywhere
        theta = 3 * rng.standard_normal(3)
        q = 1 / (1 + np.exp(-A @ theta))
        assert np.linalg.eigvalsh(A.T @ (A * (q * (1 - q))[:, None]) / len(y)).min() >= 0
    # one example x = 1, y = 0: σ(w)² has a negative second derivative exactly for w > log 2
    w = np.linspace(-6, 10, 1601)
    second = np.diff(1 / (1 + np.exp(-w)) ** 2, 2) / (w[1] - w[0]) ** 2
    inner = w[1:-1]
    assert np.all(second[inner < np.log(2) - 0.02] > 0) and np.all(
        second[inner > np.log(2) + 0.02] < 0
    )
    assert np.all(np.diff(np.log1p(np.exp(w)), 2) > 0)


def test_logistic_regression_rejects_bad_input_with_a_clear_message():
    X, y = np.zeros((4, 2)), np.array([0.0, 1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="labels 0 or 1"):
        neuron.fit_logistic_regression(X, y * 2, learning_rate=0.1, steps=1)
    with pytest.raises(ValueError, match="one weight per column"):
        neuron.logistic_regression_loss_and_gradient(np.zeros(3), 0.0, X, y)
    with pytest.raises(ValueError, match="2-D"):
        neuron.fit_logistic_regression(np.zeros(4), y, learning_rate=0.1, steps=1)


def test_the_cross_entropy_line_is_not_the_most_accurate_line():
    """Review of issue 13: the logistic-regression line has the lowest cross-entropy, yet a line
    placed for the fewest mistakes classifies a few more tumours correctly."""
    X, y = _tumours()
    fit = neuron.fit_logistic_regression(X, y, learning_rate=1.0, steps=1000)
    ce_correct = np.sum(((X @ fit.w + fit.b) > 0) == y)
    best = 0
    for angle in np.linspace(0.0, 2 * np.pi, 720, endpoint=False):
        s = X @ np.array([np.cos(angle), np.sin(angle)])
        labels = y[np.argsort(s)]  # predict 1 above a cut between sorted scores k and k + 1
        negatives_below = np.cumsum(labels == 0)[:-1]
        positives_above = np.sum(labels == 1) - np.cumsum(labels == 1)[:-1]
        best = max(best, int(np.max(negatives_below + positives_above)))
    assert ce_correct < best <= ce_correct + 10


def test_texture_is_the_spread_of_grey_levels():
    from sklearn.datasets import load_breast_cancer

    assert "texture (standard deviation of gray-scale values)" in load_breast_cancer().DESCR
