"""Unit tests for course_utils.multimodal and the chapter-4 image task in course_utils.datasets.

References are independent of the code under test: hand-computed cases, SciPy's distributions,
NumPy's mean and median, and Parseval's theorem.
"""

import numpy as np
import pytest
from scipy import stats

from course_utils import multimodal as mm
from course_utils.datasets import ambiguous_image_variants, make_ambiguous_images


# --------------------------------------------------------------------------- optimal constants
def test_optimal_constants_hand_computed():
    y = [1.0, 2.0, 6.0]
    assert mm.optimal_constant_l2(y) == pytest.approx(3.0)
    assert mm.optimal_constant_l1(y) == pytest.approx(2.0)


def test_constant_risk_hand_computed():
    y = [0.0, 2.0]
    np.testing.assert_allclose(mm.constant_risk([0.0, 1.0], y, "l2"), [2.0, 1.0])
    np.testing.assert_allclose(mm.constant_risk([0.0, 1.0, 3.0], y, "l1"), [1.0, 1.0, 2.0])


@pytest.mark.parametrize("loss", ["l2", "l1"])
def test_closed_form_beats_every_nearby_constant(loss):
    y = np.random.default_rng(1).standard_exponential(101)
    best = mm.optimal_constant_l2(y) if loss == "l2" else mm.optimal_constant_l1(y)
    nearby = best + np.array([-0.1, -1e-3, 1e-3, 0.1])
    assert np.all(mm.constant_risk(nearby, y, loss) > mm.constant_risk([best], y, loss)[0])


@pytest.mark.parametrize("loss", ["l2", "l1"])
def test_grid_search_agrees_with_closed_form(loss):
    y = np.random.default_rng(2).normal(1.0, 2.0, size=501)  # odd n: a unique median
    grid = np.linspace(-5, 5, 20_001)
    found = mm.grid_search_constant(y, loss, grid)
    exact = np.mean(y) if loss == "l2" else np.median(y)
    assert abs(found - exact) <= (grid[1] - grid[0]) / 2 + 1e-12


def test_l1_grid_search_with_even_n_lands_between_the_middle_values():
    y = np.random.default_rng(2).normal(1.0, 2.0, size=500)
    grid = np.linspace(-5, 5, 20_001)
    found = mm.grid_search_constant(y, "l1", grid)
    middle = np.sort(y)[249:251]
    assert middle[0] <= found <= middle[1]
    flat = mm.constant_risk([found, np.median(y)], y, "l1")
    assert flat[0] == pytest.approx(flat[1], rel=1e-12)


def test_gaussian_and_laplace_nll_match_scipy():
    y = np.random.default_rng(3).normal(size=50)
    c = np.array([-0.5, 0.0, 1.5])
    gauss = [-stats.norm.logpdf(y, loc=ci, scale=0.7).mean() for ci in c]
    laplace = [-stats.laplace.logpdf(y, loc=ci, scale=1.3).mean() for ci in c]
    np.testing.assert_allclose(mm.gaussian_nll(c, y, sigma=0.7), gauss, rtol=1e-12)
    np.testing.assert_allclose(mm.laplace_nll(c, y, b=1.3), laplace, rtol=1e-12)


def test_invalid_inputs_name_the_argument():
    with pytest.raises(ValueError, match="loss"):
        mm.constant_risk([0.0], [1.0], "l3")
    with pytest.raises(ValueError, match="y must be a non-empty 1-D"):
        mm.optimal_constant_l2(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="sigma"):
        mm.gaussian_nll([0.0], [1.0], sigma=0.0)
    with pytest.raises(ValueError, match="weight"):
        mm.bimodal_density([0.0], weight=1.0)


# --------------------------------------------------------------------------- bimodal target
def _scipy_mixture(d, w, s):
    left, right = stats.norm(-d / 2, s), stats.norm(d / 2, s)
    return left, right


@pytest.mark.parametrize(("d", "w", "s"), [(4.0, 0.5, 0.5), (3.0, 0.7, 0.8), (6.0, 0.2, 1.0)])
def test_bimodal_density_mean_median_match_scipy(d, w, s):
    left, right = _scipy_mixture(d, w, s)
    x = np.linspace(-10, 10, 2001)
    expected = (1 - w) * left.pdf(x) + w * right.pdf(x)
    np.testing.assert_allclose(mm.bimodal_density(x, d, w, s), expected, rtol=1e-12, atol=1e-300)
    assert mm.bimodal_mean(d, w, s) == pytest.approx((1 - w) * -d / 2 + w * d / 2)
    median = mm.bimodal_median(d, w, s)
    assert (1 - w) * left.cdf(median) + w * right.cdf(median) == pytest.approx(0.5, abs=1e-10)


@pytest.mark.parametrize(("d", "w", "s"), [(4.0, 0.5, 0.5), (3.0, 0.7, 0.8), (6.0, 0.2, 1.0)])
def test_bimodal_mode_is_a_stationary_maximum(d, w, s):
    mode = mm.bimodal_mode(d, w, s)
    x = np.linspace(-d / 2 - 4 * s, d / 2 + 4 * s, 10_001)
    assert mm.bimodal_density([mode], d, w, s)[0] >= mm.bimodal_density(x, d, w, s).max() - 1e-12
    h = 1e-5
    slope = mm.bimodal_density([mode + h], d, w, s) - mm.bimodal_density([mode - h], d, w, s)
    assert abs(slope[0] / (2 * h)) < 1e-4


def test_sample_bimodal_has_the_right_moments_and_is_seeded():
    y = mm.sample_bimodal(200_000, 4.0, 0.3, 0.5, seed=5)
    assert np.mean(y) == pytest.approx(mm.bimodal_mean(4.0, 0.3, 0.5), abs=0.02)
    assert np.median(y) == pytest.approx(mm.bimodal_median(4.0, 0.3, 0.5), abs=0.02)
    np.testing.assert_array_equal(mm.sample_bimodal(10, seed=1), mm.sample_bimodal(10, seed=1))


# --------------------------------------------------------------------------- sharpness
def test_high_frequency_energy_hand_computed_cases():
    u, v = np.meshgrid(np.arange(16), np.arange(16), indexing="ij")
    checkerboard = (-1.0) ** (u + v)  # all energy at radius √2/2, mean square 1
    slow_wave = np.cos(2 * np.pi * u / 16)  # all energy at radius 1/16, mean square 1/2
    assert mm.high_frequency_energy(np.full((16, 16), 3.0)) == pytest.approx(0.0, abs=1e-20)
    assert mm.high_frequency_energy(checkerboard) == pytest.approx(1.0)
    assert mm.high_frequency_energy(slow_wave) == pytest.approx(0.0, abs=1e-20)
    assert mm.high_frequency_energy(slow_wave, cutoff=0.05) == pytest.approx(0.5)
    stack = np.stack([checkerboard + slow_wave, 2 * checkerboard])
    np.testing.assert_allclose(mm.high_frequency_energy(stack), [1.0, 4.0])


def test_high_frequency_energy_of_an_average_is_at_most_the_average_energy():
    images = np.random.default_rng(6).random((5, 12, 12))
    average_energy = mm.high_frequency_energy(images).mean()
    assert mm.high_frequency_energy(images.mean(axis=0)) <= average_energy


def test_distance_to_nearest_hand_computed():
    references = np.stack([np.zeros((2, 2)), np.ones((2, 2))])
    images = np.stack([np.full((2, 2), 0.25), np.ones((2, 2)), np.full((2, 2), 0.5)])
    np.testing.assert_allclose(mm.distance_to_nearest(images, references), [0.25, 0.0, 0.5])


# --------------------------------------------------------------------------- image task
def test_variants_share_pixels_and_sharpness():
    for shape in range(3):
        variants = ambiguous_image_variants(shape)
        assert variants.shape == (3, 16, 16)
        assert set(np.unique(variants)) == {0.0, 1.0}
        assert len({v.sum() for v in variants}) == 1
        energy = mm.high_frequency_energy(variants)
        np.testing.assert_allclose(energy, energy[0], rtol=1e-12)
        assert not np.array_equal(variants[0], variants[2])


def test_make_ambiguous_images_is_seeded_and_consistent():
    inputs, targets, variant = make_ambiguous_images(60, seed=4)
    again = make_ambiguous_images(60, seed=4)
    np.testing.assert_array_equal(targets, again[1])
    assert inputs.shape == (60, 3) and np.all(inputs.sum(axis=1) == 1)
    for x, target, k in zip(inputs, targets, variant, strict=True):
        np.testing.assert_array_equal(target, ambiguous_image_variants(int(np.argmax(x)))[k])


@pytest.fixture(scope="module")
def task():
    return make_ambiguous_images(150, seed=3)


def test_l2_model_learns_the_mean_and_l1_the_median(task):
    inputs, targets, _ = task
    code = np.argmax(inputs, axis=1)
    l2 = mm.fit_image_model(inputs, targets, "l2", n_steps=100).predict(np.eye(3))[:, 0]
    l1 = mm.fit_image_model(inputs, targets, "l1", n_steps=1000).predict(np.eye(3))[:, 0]
    for c in range(3):
        np.testing.assert_allclose(l2[c], targets[code == c].mean(axis=0), atol=1e-10)
        np.testing.assert_allclose(l1[c], np.median(targets[code == c], axis=0), atol=0.05)


def test_min_of_k_model_learns_each_answer(task):
    inputs, targets, _ = task
    model = mm.fit_image_model(inputs, targets, "min_of_k", n_hypotheses=3, n_steps=300)
    assert model.history[0] > 1.0 and model.history[-1] < 1e-8
    for c, hypotheses in enumerate(model.predict(np.eye(3))):
        variants = ambiguous_image_variants(c)
        distance = ((hypotheses[:, None] - variants[None]) ** 2).sum(axis=(2, 3))
        assert sorted(np.argmin(distance, axis=1)) == [0, 1, 2]
        assert distance.min(axis=1).max() < 1e-8


def test_fit_image_model_rejects_bad_arguments(task):
    inputs, targets, _ = task
    with pytest.raises(ValueError, match="objective"):
        mm.fit_image_model(inputs, targets, "l0")
    with pytest.raises(ValueError, match="one hypothesis"):
        mm.fit_image_model(inputs, targets, "l2", n_hypotheses=2)
    with pytest.raises(ValueError, match="one-hot"):
        mm.fit_image_model(inputs * 2, targets, "l2")
    with pytest.raises(ValueError, match="targets must have shape"):
        mm.fit_image_model(inputs, targets[:5], "l2")


def test_fit_image_model_rejects_an_unknown_start():
    inputs = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    targets = np.zeros((6, 4, 4))
    with pytest.raises(ValueError, match="start must be one of"):
        mm.fit_image_model(inputs, targets, "l2", start="far")


def test_minkowski_risk_is_l2_and_l1_at_q_2_and_1_and_seeks_the_mode_as_q_shrinks():
    y = mm.sample_bimodal(2001, 4.0, 0.7, 0.5, seed=1)
    grid = np.linspace(-4.0, 4.0, 801)
    np.testing.assert_allclose(mm.minkowski_risk(grid, y, 2.0), mm.constant_risk(grid, y, "l2"))
    np.testing.assert_allclose(mm.minkowski_risk(grid, y, 1.0), mm.constant_risk(grid, y, "l1"))
    best = [grid[np.argmin(mm.minkowski_risk(grid, y, q))] for q in (2.0, 1.0, 0.5, 0.2)]
    assert np.all(np.diff(best) >= 0)  # moving from the mean towards the mode
    assert abs(best[-1] - mm.bimodal_mode(4.0, 0.7, 0.5)) < 0.1
    with pytest.raises(ValueError, match="q must be"):
        mm.minkowski_risk(grid, y, 0.0)
