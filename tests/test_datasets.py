"""Tests of course_utils.datasets: shapes, seeding, and geometry against scikit-learn."""

import numpy as np
import pytest
from sklearn.datasets import make_moons as sklearn_moons
from sklearn.linear_model import LogisticRegression

from course_utils import datasets

GENERATORS = [datasets.make_blobs, datasets.make_spirals, datasets.make_moons]


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n_samples", [2, 7, 100])
def test_shapes_dtypes_and_balanced_classes(make, n_samples):
    X, y = make(n_samples, 2, seed=0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=2)
    assert counts.sum() == n_samples and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make", [datasets.make_blobs, datasets.make_spirals])
def test_many_classes(make):
    _, y = make(101, 5, seed=3)
    assert set(np.unique(y)) == {0, 1, 2, 3, 4}
    assert np.bincount(y).tolist() == [21, 20, 20, 20, 20]


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    X1, y1 = make(50, 2, seed=4)
    X2, y2 = make(50, 2, seed=4)
    X3, _ = make(50, 2, seed=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_moons_without_noise_match_scikit_learn_as_sets():
    X, y = datasets.make_moons(40, 2, seed=0, noise=0.0)
    X_ref, y_ref = sklearn_moons(40, noise=0.0, shuffle=False)
    for k in (0, 1):
        ours = X[y == k][np.lexsort(X[y == k].T)]
        theirs = X_ref[y_ref == k][np.lexsort(X_ref[y_ref == k].T)]
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_blobs_centres_are_on_the_circle_of_radius_two():
    X, y = datasets.make_blobs(30_000, 3, seed=0, spread=0.5)
    for k in range(3):
        centre = X[y == k].mean(axis=0)
        angle = 2 * np.pi * k / 3
        np.testing.assert_allclose(centre, [2 * np.cos(angle), 2 * np.sin(angle)], atol=0.02)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, atol=0.02)


def test_tight_blobs_are_linearly_separable_but_spirals_are_not():
    X, y = datasets.make_blobs(300, 3, seed=0, spread=0.3)
    assert LogisticRegression().fit(X, y).score(X, y) > 0.99
    X, y = datasets.make_spirals(300, 3, seed=0)
    assert LogisticRegression().fit(X, y).score(X, y) < 0.7


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((1, 2), {}, ValueError, "n_samples must be at least"),
        ((10, 1), {}, ValueError, "n_classes must be at least 2"),
        ((10.0, 2), {}, TypeError, "n_samples must be an int"),
        ((10, 2), {"spread": -1.0}, ValueError, "spread"),
    ],
)
def test_blobs_invalid_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        datasets.make_blobs(*args, **kwargs)


def test_moons_have_exactly_two_classes():
    with pytest.raises(ValueError, match="n_classes must be 2"):
        datasets.make_moons(10, 3)
    with pytest.raises(ValueError, match="noise"):
        datasets.make_moons(10, noise=float("nan"))
