"""Seeded synthetic data sets for the chapters and exercises.

Every generator takes a keyword-only ``seed`` and returns NumPy arrays, so a chapter, its test
and an exercise can rebuild exactly the same data.

- Regression with outliers (Chapter 1): :func:`make_line_with_outliers`.
- One input, several right answers (Chapter 4): :func:`make_ambiguous_images`.
- The classic four-sample network toy and the 8×8 digits (Chapter 7): :func:`classic_toy`,
  :func:`load_digits_split` (scikit-learn's bundled copy, no download).
- Classes in the plane (Chapters 5–7): ``make_<name>(n_samples, n_classes, *, seed, ...)`` for
  blobs, spirals and moons returns ``(X, y)``: ``X`` of shape (n_samples, 2) in float64 and
  ``y`` of shape (n_samples,) in int64 with classes 0 … n_classes − 1. The classes are as equal
  in size as ``n_samples`` allows (the first ``n_samples % n_classes`` classes get one sample
  more) and the rows are shuffled.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def make_line_with_outliers(
    n_samples: int = 41,
    *,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 0.5,
    n_outliers: int = 4,
    outlier_shift: float = -12.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points near the line y = slope·x + intercept, with a few gross outliers at large x.

    x is spread evenly over [0, 5]; y = slope·x + intercept + N(0, noise²). The ``n_outliers``
    points with the largest x get ``outlier_shift`` added, the way a broken sensor or a typo
    produces values far off the trend.

    Returns
    -------
    x : ndarray, shape (n_samples,)
    y : ndarray, shape (n_samples,)
    is_outlier : ndarray of bool, shape (n_samples,)
    """
    if not 0 <= n_outliers < n_samples:
        raise ValueError(
            f"n_outliers must be in 0 … n_samples − 1 = {n_samples - 1}; got {n_outliers}."
        )
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 5.0, n_samples)
    y = slope * x + intercept + rng.normal(scale=noise, size=n_samples)
    is_outlier = np.zeros(n_samples, dtype=bool)
    if n_outliers:
        is_outlier[-n_outliers:] = True
    y[is_outlier] += outlier_shift
    return x, y, is_outlier


# --------------------------------------------------------------------------- chapter 4
#: Names of the shapes drawn by ``ambiguous_image_variants``, in input order.
AMBIGUOUS_SHAPES: tuple[str, ...] = ("L", "F", "arrow")


def _draw_shape(name: str, size: int) -> np.ndarray:
    """A binary (size, size) picture of one asymmetric shape, roughly centred."""
    image = np.zeros((size, size))
    q = size // 4  # the shapes scale with the image
    lo, hi = q, size - q  # the box the shape is drawn in
    if name == "L":
        image[lo:hi, lo : lo + 2] = 1.0
        image[hi - 2 : hi, lo : hi - 1] = 1.0
    elif name == "F":
        image[lo:hi, lo : lo + 2] = 1.0
        image[lo : lo + 2, lo:hi] = 1.0
        image[size // 2 - 1 : size // 2 + 1, lo : hi - 2] = 1.0
    else:  # an arrow pointing right: a shaft and a triangular head
        image[size // 2 - 1 : size // 2 + 1, lo : hi - 2] = 1.0
        for k in range(q + 1):
            image[size // 2 - 1 - k : size // 2 + 1 + k, hi - 2 - k] = 1.0
    return image


def ambiguous_image_variants(shape: int, size: int = 16, shift: int = 3) -> np.ndarray:
    """The three right answers for one input of the ambiguous-image task.

    Shape ``shape`` (0 = "L", 1 = "F", 2 = "arrow") appears shifted ``shift`` pixels to the
    left, shifted ``shift`` pixels to the right, or mirrored left–right. Shifts are circular
    (``np.roll``) and a mirror image has the same pixels, so the three variants have exactly
    the same pixel values up to a permutation and the same power spectrum up to a mirror:
    every sharpness measure built on either gives them the same score.

    Parameters
    ----------
    shape : int
        Which shape, 0 … 2.
    size : int
        Side of the square image in pixels (at least 8).
    shift : int
        Horizontal shift in pixels (at least 1, below size // 2).

    Returns
    -------
    ndarray, shape (3, size, size)
        Binary images (0.0 or 1.0): shifted left, shifted right, mirrored.
    """
    if not isinstance(shape, (int, np.integer)) or not 0 <= shape < len(AMBIGUOUS_SHAPES):
        raise ValueError(
            f"shape must be an integer in 0 … {len(AMBIGUOUS_SHAPES) - 1}; got {shape!r}."
        )
    if not isinstance(size, (int, np.integer)) or size < 8:
        raise ValueError(f"size must be an integer of at least 8 pixels; got {size!r}.")
    if not isinstance(shift, (int, np.integer)) or not 1 <= shift < size // 2:
        raise ValueError(f"shift must be an integer in 1 … {size // 2 - 1}; got {shift!r}.")
    base = _draw_shape(AMBIGUOUS_SHAPES[shape], size)
    return np.stack([np.roll(base, -shift, axis=1), np.roll(base, shift, axis=1), base[:, ::-1]])


def make_ambiguous_images(
    n_samples: int = 300, *, size: int = 16, shift: int = 3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A task where one input has several right answers: which shape → a picture of it.

    Each sample picks one of three shapes uniformly at random; its input is the one-hot code
    of the shape, and its target is one of the shape's three variants (shifted left, shifted
    right, mirrored; see ``ambiguous_image_variants``), also picked uniformly at random. The
    input says nothing about which variant, so no model can do better than a distribution
    over the three.

    Parameters
    ----------
    n_samples : int
        Number of (input, target) pairs.
    size : int
        Side of each target image in pixels.
    shift : int
        Horizontal shift of the shifted variants, in pixels.
    seed : int
        Seed of the generator; the same seed gives the same data.

    Returns
    -------
    inputs : ndarray, shape (n_samples, 3)
        One-hot shape codes.
    targets : ndarray, shape (n_samples, size, size)
        Binary target images.
    variant : ndarray of int, shape (n_samples,)
        Which variant each target is (0 left, 1 right, 2 mirrored).
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer; got {n_samples!r}.")
    rng = np.random.default_rng(seed)
    n_shapes = len(AMBIGUOUS_SHAPES)
    shape = rng.integers(n_shapes, size=n_samples)
    variant = rng.integers(3, size=n_samples)
    variants = np.stack([ambiguous_image_variants(s, size, shift) for s in range(n_shapes)])
    inputs = np.eye(n_shapes)[shape]
    return inputs, variants[shape, variant], variant


def _check_sizes(n_samples: int, n_classes: int, *, exact_classes: int | None = None) -> None:
    for name, value in (("n_samples", n_samples), ("n_classes", n_classes)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an int; got {value!r}.")
    if exact_classes is not None and n_classes != exact_classes:
        raise ValueError(f"n_classes must be {exact_classes} for this data set; got {n_classes}.")
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2; got {n_classes}.")
    if n_samples < n_classes:
        raise ValueError(
            f"n_samples must be at least n_classes = {n_classes} (one sample per class);"
            f" got {n_samples}."
        )


def _check_nonnegative(value: float, name: str) -> float:
    if isinstance(value, bool) or not np.isscalar(value) or not np.isreal(value):
        raise TypeError(f"{name} must be a number; got {value!r}.")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number ≥ 0; got {value!r}.")
    return float(value)


def _class_sizes(n_samples: int, n_classes: int) -> np.ndarray:
    sizes = np.full(n_classes, n_samples // n_classes)
    sizes[: n_samples % n_classes] += 1
    return sizes


def _shuffled(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(y))
    return X[order], y[order].astype(np.int64)


def make_blobs(
    n_samples: int, n_classes: int = 3, *, seed: int = 0, spread: float = 0.6
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs: class k is N(c_k, spread² I) with centres c_k evenly on a circle.

    The centres are c_k = 2·(cos 2πk/K, sin 2πk/K) for K = ``n_classes`` classes, so a
    linear classifier separates the classes well when ``spread`` is small.

    Parameters
    ----------
    n_samples : int ≥ n_classes
    n_classes : int ≥ 2
    seed : int
        Seed of ``np.random.default_rng``.
    spread : float ≥ 0
        Standard deviation of each blob.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
    """
    _check_sizes(n_samples, n_classes)
    spread = _check_nonnegative(spread, "spread")
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.repeat(np.arange(n_classes), _class_sizes(n_samples, n_classes))
    X = centres[y] + spread * rng.standard_normal((n_samples, 2))
    return _shuffled(X, y, rng)


def make_spirals(
    n_samples: int, n_classes: int = 3, *, seed: int = 0, noise: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: no straight line separates them.

    Sample i of class k sits at radius r ∈ [0, 1] (evenly spaced) and angle
    θ = 4r + 2πk/K + noise·ε with ε ~ N(0, 1), i.e. at r·(sin θ, cos θ).

    Parameters
    ----------
    n_samples : int ≥ n_classes
    n_classes : int ≥ 2
    seed : int
    noise : float ≥ 0
        Standard deviation of the angular jitter, in radians.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
    """
    _check_sizes(n_samples, n_classes)
    noise = _check_nonnegative(noise, "noise")
    rng = np.random.default_rng(seed)
    sizes = _class_sizes(n_samples, n_classes)
    radius = np.concatenate([np.linspace(0.0, 1.0, m) for m in sizes])
    y = np.repeat(np.arange(n_classes), sizes)
    theta = 4.0 * radius + 2 * np.pi * y / n_classes + noise * rng.standard_normal(n_samples)
    X = radius[:, None] * np.column_stack([np.sin(theta), np.cos(theta)])
    return _shuffled(X, y, rng)


def make_moons(
    n_samples: int, n_classes: int = 2, *, seed: int = 0, noise: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles ("moons"), with Gaussian noise on each coordinate.

    Class 0 lies on (cos t, sin t), class 1 on (1 − cos t, 0.5 − sin t), t ∈ [0, π] evenly
    spaced; then N(0, noise²) is added to both coordinates. The data set has exactly two
    classes; ``n_classes`` is there so every generator shares one signature.

    Parameters
    ----------
    n_samples : int ≥ 2
    n_classes : int, must be 2
    seed : int
    noise : float ≥ 0

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
    """
    _check_sizes(n_samples, n_classes, exact_classes=2)
    noise = _check_nonnegative(noise, "noise")
    rng = np.random.default_rng(seed)
    n_upper, n_lower = _class_sizes(n_samples, 2)
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n_samples, 2))
    y = np.repeat([0, 1], [n_upper, n_lower])
    return _shuffled(X, y, rng)


def classic_toy() -> tuple[np.ndarray, np.ndarray]:
    """The four samples of the classic first neural network.

    Inputs [0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1] with targets 0, 1, 1, 0: the target is
    the exclusive or (XOR) of the first two inputs, which no linear model can fit; the third
    input is always 1 and acts as a bias.

    Returns
    -------
    x : ndarray of float64, shape (4, 3)
    y : ndarray of float64, shape (4, 1)
    """
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return x, y


def load_digits_split(
    test_fraction: float = 0.25, *, seed: int = 0, dtype: Any = np.float64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 8×8 digits of scikit-learn (1797 images, 10 classes), split and scaled to [0, 1].

    Each image is a row of 64 pixel intensities, originally 0 … 16 and divided by 16 here. The
    split is stratified (every digit in the same proportion on both sides) and seeded.
    The data are the UCI "Optical Recognition of Handwritten Digits" test set (Alpaydin &
    Kaynak, 1998), as bundled by scikit-learn (Pedregosa et al., 2011).

    Parameters
    ----------
    test_fraction : float in (0, 1)
        Share of the images held out for testing.
    seed : int
        Seeds the split.
    dtype : np.float32 or np.float64
        Precision of the images.

    Returns
    -------
    x_train : ndarray, shape (N_train, 64)
    x_test : ndarray, shape (N_test, 64)
    y_train : ndarray of int64, shape (N_train,)
    y_test : ndarray of int64, shape (N_test,)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0.0 < test_fraction < 1.0:
        raise ValueError(
            f"test_fraction must lie strictly between 0 and 1; got {test_fraction!r}."
        )
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise TypeError(f"dtype must be np.float32 or np.float64; got {np.dtype(dtype)}.")
    digits = load_digits()
    x = (digits.data / 16.0).astype(dtype)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    return x_train, x_test, y_train, y_test


def load_digits_three_way(
    test_fraction: float = 0.25,
    validation_fraction: float = 0.2,
    *,
    seed: int = 0,
    dtype: Any = np.float64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 8×8 digits split three ways: training, validation and test, each stratified.

    The test set is exactly the one of :func:`load_digits_split` with the same
    ``test_fraction`` and ``seed``; the validation set is then a stratified share
    ``validation_fraction`` of the remaining images. Choose settings (a learning rate, a
    penalty, when to stop) by the validation accuracy and look at the test set once, at the
    end: a test set used to choose anything is no longer a fair estimate of new data.

    Parameters
    ----------
    test_fraction : float in (0, 1)
        Share of all images held out for testing.
    validation_fraction : float in (0, 1)
        Share of the non-test images held out for validation.
    seed : int
        Seeds both splits.
    dtype : np.float32 or np.float64
        Precision of the images.

    Returns
    -------
    x_train : ndarray, shape (N_train, 64)
    x_val : ndarray, shape (N_val, 64)
    x_test : ndarray, shape (N_test, 64)
    y_train, y_val, y_test : ndarray of int64, shapes (N_train,), (N_val,), (N_test,)
    """
    from sklearn.model_selection import train_test_split

    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(
            f"validation_fraction must lie strictly between 0 and 1; got {validation_fraction!r}."
        )
    x_rest, x_test, y_rest, y_test = load_digits_split(test_fraction, seed=seed, dtype=dtype)
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=validation_fraction, random_state=seed, stratify=y_rest
    )
    return x_train, x_val, x_test, y_train, y_val, y_test
