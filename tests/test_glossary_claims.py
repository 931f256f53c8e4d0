"""The glossary's measurable definitions, checked with course_utils."""

from __future__ import annotations

import numpy as np

from course_utils.regularization import ridge


def test_ridge_shrinks_the_norm_but_not_every_weight() -> None:
    """ "The weight vector shrinks towards 0 (its norm falls, though a single weight can grow
    or change sign on the way)": two correlated features, one ridge path."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal(50)
    X = np.column_stack(
        [
            z + 0.1 * rng.standard_normal(50),
            z + 0.1 * rng.standard_normal(50),
            rng.standard_normal(50),
        ]
    )
    y = 3 * X[:, 0] - X[:, 1] + 0.5 * rng.standard_normal(50)
    path = np.array([ridge(X, y, alpha) for alpha in np.logspace(-3, 4, 200)])
    norms = np.linalg.norm(path, axis=1)
    assert np.all(np.diff(norms) <= 1e-12)  # the norm never grows with α
    assert np.abs(path[:, 1]).max() > np.abs(path[0, 1]) + 0.1  # one weight grows first
    assert np.all(path[-1] != 0)  # and none is exactly zero


def test_a_subgradient_line_never_rises_above_the_function() -> None:
    """|w| at 0: every slope in [−1, 1] is a subgradient, and no slope outside."""
    v = np.linspace(-3.0, 3.0, 601)
    for g in (-1.0, -0.3, 0.0, 1.0):
        assert np.all(np.abs(v) >= g * v)
    for g in (-1.1, 1.05):
        assert not np.all(np.abs(v) >= g * v)
