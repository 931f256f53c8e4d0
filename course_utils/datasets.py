"""Small seeded synthetic data sets in the plane, for pictures of classifiers.

Every generator has the same signature, ``make_<name>(n_samples, n_classes, *, seed, ...)``,
and returns ``(X, y)``: ``X`` of shape (n_samples, 2) in float64 and ``y`` of shape
(n_samples,) in int64 with classes 0 … n_classes − 1. The classes are as equal in size as
``n_samples`` allows (the first ``n_samples % n_classes`` classes get one sample more) and the
rows are shuffled. The same ``seed`` always gives the same data.
"""

from __future__ import annotations

import numpy as np

__all__ = ["make_blobs", "make_moons", "make_spirals"]


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
