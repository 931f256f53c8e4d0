"""Seeded synthetic data sets for the chapters and exercises.

Every generator takes a keyword-only ``seed`` and returns NumPy arrays, so a chapter, its test
and an exercise can rebuild exactly the same data.
"""

from __future__ import annotations

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
