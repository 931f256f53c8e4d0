"""course_utils.photos and course_utils.superres against independent references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog, minimize
from sklearn.linear_model import LinearRegression

from course_utils import photos, superres


# --------------------------------------------------------------------------- photos
def test_photos_are_grey_levels_in_the_unit_interval():
    from sklearn.datasets import load_sample_image

    for name in photos.PHOTOS:
        image = photos.photo(name)
        assert image.shape == (427, 640) and image.dtype == np.float64
        assert 0.0 <= image.min() and image.max() <= 1.0
        rgb = load_sample_image(name)[200, 300].astype(float)
        assert image[200, 300] == pytest.approx(
            (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255
        )


def test_block_mean_and_nearest_upsampling_by_hand():
    image = np.arange(16.0).reshape(1, 4, 4)
    low = photos.block_mean(image, 2)
    expected = [[np.mean([0, 1, 4, 5]), np.mean([2, 3, 6, 7])], [np.mean([8, 9, 12, 13]), 12.5]]
    np.testing.assert_array_equal(low[0], expected)
    np.testing.assert_array_equal(
        photos.upsample_nearest(low, 2)[0], np.kron(low[0], np.ones((2, 2)))
    )
    # block-mean of the nearest upsampling gives the low-resolution image back
    np.testing.assert_array_equal(photos.block_mean(photos.upsample_nearest(low, 2), 2), low)


def test_random_patches_are_cut_where_asked():
    image = np.arange(50.0 * 60).reshape(50, 60)
    patches = photos.random_patches(image, 200, 5, columns=(40, 60), seed=3)
    assert patches.shape == (200, 5, 5)
    cols = patches[:, 0, 0] % 60
    assert cols.min() >= 40 and cols.max() <= 55
    # each patch is a contiguous block of the image
    np.testing.assert_array_equal(np.diff(patches, axis=2), 1.0)
    np.testing.assert_array_equal(np.diff(patches, axis=1), 60.0)
    np.testing.assert_array_equal(
        patches, photos.random_patches(image, 200, 5, columns=(40, 60), seed=3)
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: photos.photo("lena.png"), "must be one of"),
        (lambda: photos.block_mean(np.zeros((2, 5, 4)), 2), "multiples of factor"),
        (lambda: photos.random_patches(np.zeros((10, 10)), 3, 11), "size must be between"),
        (lambda: photos.random_patches(np.zeros(10), 3, 2), "grey-level image"),
        (lambda: photos.random_patches(np.zeros((10, 10)), 3, 2, columns=(6, 4)), "start < stop"),
        (lambda: photos.random_patches(np.zeros((10, 10)), 3, 2.5), "size must be between"),
    ],
)
def test_photos_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- superres
def _pairs(n=400, seed=0):
    rng = np.random.default_rng(seed)
    high = rng.uniform(0, 1, (n, 4, 4))
    return photos.block_mean(high, 2), high


def test_l2_fit_is_scikit_learns_least_squares():
    low, high = _pairs()
    model = superres.fit_upsampler(low, high, "l2")
    reference = LinearRegression().fit(low.reshape(len(low), -1), high.reshape(len(high), -1))
    np.testing.assert_allclose(
        model.predict(low)[0].reshape(len(low), -1),
        reference.predict(low.reshape(len(low), -1)),
        atol=1e-10,
    )


def test_l1_fit_reaches_the_linear_programs_optimum():
    # Least absolute deviations for one output pixel as a linear program:
    # min Σ t_n  s.t.  −t ≤ y − Xw ≤ t.
    low, high = _pairs(n=120, seed=1)
    model = superres.fit_upsampler(low, high, "l1", n_iter=60, epsilon=1e-6)
    features = np.hstack([low.reshape(len(low), -1), np.ones((len(low), 1))])
    n, d = features.shape
    for pixel in (0, 5, 15):
        y = high.reshape(n, -1)[:, pixel]
        cost = np.concatenate([np.zeros(d), np.ones(n)])
        a_ub = np.block([[features, -np.eye(n)], [-features, -np.eye(n)]])
        lp = linprog(
            cost,
            A_ub=a_ub,
            b_ub=np.concatenate([y, -y]),
            bounds=[(None, None)] * d + [(0, None)] * n,
        )
        ours = np.abs(y - model.predict(low)[0].reshape(n, -1)[:, pixel]).sum()
        assert ours == pytest.approx(lp.fun, rel=1e-4)


def test_min_of_k_finds_two_regimes_and_never_goes_up():
    # Half the samples follow one linear map, half another: two hypotheses fit both exactly.
    rng = np.random.default_rng(2)
    low = rng.uniform(0, 1, (300, 2, 2))
    x = np.hstack([low.reshape(300, -1), np.ones((300, 1))])
    maps = rng.standard_normal((2, 5, 16))
    regime = rng.integers(0, 2, 300)
    high = np.einsum("nd,ndp->np", x, maps[regime]).reshape(300, 4, 4)
    model = superres.fit_upsampler(low, high, "min_of_k", n_hypotheses=2, n_iter=20)
    assert np.all(np.diff(model.objective) <= 1e-12)
    assert model.objective[-1] < 1e-20
    one = superres.fit_upsampler(low, high, "min_of_k", n_hypotheses=1, n_iter=2)
    l2 = superres.fit_upsampler(low, high, "l2")
    np.testing.assert_allclose(one.weights, l2.weights, atol=1e-10)


def test_best_of_hypotheses_picks_the_closest_by_hand():
    truth = np.zeros((2, 1, 2))
    predictions = np.array([[[[1.0, 1.0]], [[0.1, 0.0]]], [[[0.2, 0.0]], [[3.0, 0.0]]]])
    best = superres.best_of_hypotheses(predictions, truth)
    np.testing.assert_array_equal(best, [[[0.2, 0.0]], [[0.1, 0.0]]])


def test_exemplar_detail_returns_a_training_patch_for_its_own_input():
    low, high = _pairs(n=50, seed=4)
    base = superres.fit_upsampler(low, high, "l2")
    np.testing.assert_allclose(
        superres.exemplar_detail(base, low, high, low[:7]), high[:7], atol=1e-12
    )


def test_psnr_by_hand():
    truth = np.zeros((4, 4))
    assert superres.psnr(truth + 0.1, truth) == pytest.approx(20.0)  # 10·log10(1 / 0.01)
    assert superres.psnr(truth, truth) == float("inf")
    assert superres.psnr(truth + 25.5, truth, peak=255.0) == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: superres.fit_upsampler(np.zeros((3, 2, 2)), np.zeros((3, 4, 4)), "l3"),
            "loss must",
        ),
        (lambda: superres.fit_upsampler(np.zeros((3, 2, 2)), np.zeros((2, 4, 4)), "l2"), "N = 3"),
        (
            lambda: superres.fit_upsampler(
                np.zeros((3, 2, 2)), np.zeros((3, 4, 4)), "l2", n_hypotheses=2
            ),
            "fits one hypothesis",
        ),
        (lambda: superres.psnr(np.zeros(3), np.zeros(4)), "same shape"),
    ],
)
def test_superres_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_tiles_round_trip_and_follow_the_image():
    image = np.arange(24.0 * 16).reshape(24, 16)
    tiles = photos.to_tiles(image, 8)
    assert tiles.shape == (6, 8, 8)
    np.testing.assert_array_equal(tiles[1], image[:8, 8:16])  # row by row
    np.testing.assert_array_equal(tiles[2], image[8:16, :8])
    np.testing.assert_array_equal(photos.from_tiles(tiles, image.shape), image)


def test_striped_patches_keep_train_and_test_apart():
    image = np.tile(np.arange(640.0), (100, 1))  # each pixel's value is its column
    train = photos.striped_patches([image], 50, 8, part="train", seed=0)
    test = photos.striped_patches([image], 50, 8, part="test", seed=0)
    assert np.all((train // 80) % 2 == 0) and np.all((test // 80) % 2 == 1)
    assert len(np.unique(train[:, 0, 0] // 80)) == 4  # every even stripe is sampled


def test_photo_experiment_reproduces_the_chapters_ordering():
    # The chapter's claims, at a smaller size: L2 has less high-frequency energy than the
    # truth; L1 is no sharper; the best of K and the sampler are sharper; L2 beats the
    # sampler on PSNR.
    from course_utils.multimodal import high_frequency_energy

    experiment = superres.photo_experiment(n_per_stripe=(150, 60), n_hypotheses=4)
    predictions = experiment.predictions()
    energy = {k: high_frequency_energy(v).mean() for k, v in predictions.items()}
    truth = high_frequency_energy(experiment.truth).mean()
    assert energy["L2"] < 0.5 * truth
    assert abs(energy["L1"] - energy["L2"]) < 0.1 * energy["L2"]
    assert energy["min of 4 (oracle)"] > energy["L2"] and energy["sampler"] > 1.5 * energy["L2"]
    assert superres.psnr(predictions["L2"], experiment.truth) > superres.psnr(
        predictions["sampler"], experiment.truth
    )
    low, enlarged = superres.upscale_region(experiment, photos.photo("china.jpg")[200:240, 80:160])
    assert low.shape == (20, 40) and enlarged["L2"].shape == (40, 80)


def test_l1_irls_fixed_point_minimises_the_rounded_absolute_error():
    # The docstring: with the weight 1 / max(|r|, ε) a fixed point minimises
    # ρ(r) = r²/(2ε) for |r| < ε and |r| − ε/2 beyond. With a large ε the rounding is visible,
    # so the fit must match a direct minimisation of Σ ρ, not of Σ |r|.
    low, high = _pairs(n=150, seed=3)
    eps = 0.05
    model = superres.fit_upsampler(low, high, "l1", n_iter=200, epsilon=eps)
    features = np.hstack([low.reshape(len(low), -1), np.ones((len(low), 1))])
    y = high.reshape(len(high), -1)[:, 6]

    def rounded(w):
        r = np.abs(y - features @ w)
        return np.sum(np.where(r < eps, r**2 / (2 * eps), r - eps / 2))

    def slope(w):
        r = y - features @ w
        return -features.T @ np.clip(r / eps, -1.0, 1.0)

    start = np.linalg.lstsq(features, y, rcond=None)[0]
    best = minimize(rounded, start, jac=slope, method="BFGS", options={"gtol": 1e-12}).fun
    ours = rounded(model.weights[0][:, 6])
    assert ours == pytest.approx(best, rel=1e-8)
