"""Loop-based ("naive") versions of losses, written to be read and then timed.

Each function here computes exactly what its vectorized counterpart in
:mod:`course_utils.losses` computes, one number at a time in Python loops, so a chapter can
show both that they agree and how much slower the loops are. Use the vectorized ones in
real code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils._validation import as_class_labels, as_float_array, check_positive_scalar

__all__ = ["multiclass_hinge_grad_naive", "multiclass_hinge_naive"]


def _scores_and_labels(scores: Any, labels: Any, margin: float):
    s = as_float_array(scores, "scores")
    if s.ndim != 2 or 0 in s.shape:
        raise ValueError(f"scores must have shape (N, C) with N, C ≥ 1; got {s.shape}.")
    y = as_class_labels(labels, s.shape[0], s.shape[1])
    return s, y, check_positive_scalar(margin, "margin")


def multiclass_hinge_naive(scores: Any, labels: Any, margin: float = 1.0) -> float:
    """Mean multiclass hinge loss, with a loop over samples and a loop over classes.

    L = (1/N) Σ_i Σ_{j ≠ y_i} max(0, s_ij − s_(i,y_i) + Δ): the same value as
    ``losses.multiclass_hinge(scores, labels, margin)``.

    Parameters
    ----------
    scores : array_like, shape (N, C)
    labels : array_like of int, shape (N,)
    margin : float > 0
        Δ.

    Returns
    -------
    float
    """
    s, y, delta = _scores_and_labels(scores, labels, margin)
    n, c = s.shape
    total = 0.0
    for i in range(n):
        correct = s[i, y[i]]
        for j in range(c):
            if j == y[i]:
                continue
            violation = s[i, j] - correct + delta
            if violation > 0:
                total += violation
    return float(total / n)


def multiclass_hinge_grad_naive(scores: Any, labels: Any, margin: float = 1.0) -> np.ndarray:
    """Gradient of :func:`multiclass_hinge_naive` with respect to the scores, by loops.

    Every violated margin (s_ij − s_(i,y_i) + Δ > 0, j ≠ y_i) adds +1/N to entry (i, j) and
    −1/N to entry (i, y_i). At a kink (the margin exactly 0) nothing is added, as in
    ``losses.multiclass_hinge_grad``.

    Returns
    -------
    ndarray, shape (N, C)
    """
    s, y, delta = _scores_and_labels(scores, labels, margin)
    n, c = s.shape
    grad = np.zeros((n, c))
    for i in range(n):
        correct = s[i, y[i]]
        for j in range(c):
            if j != y[i] and s[i, j] - correct + delta > 0:
                grad[i, j] += 1.0 / n
                grad[i, y[i]] -= 1.0 / n
    return grad
