"""Naive implementations, written the way they first come to mind, kept to be read, timed and
seen to fail.

Cross-entropy (Chapter 3): each function follows the textbook formula literally (exponentiate,
divide, take the log). In float64, e^x overflows to ``inf`` once x > 709.78 and underflows to 0
once x < −745.13, so for logits like ±1000 these functions return ``nan`` or ``±inf`` and NumPy
emits a ``RuntimeWarning``. The stable versions in :mod:`course_utils.losses` (log-sum-exp,
softplus) give finite, correct values for the same inputs; use those.
:func:`clipped_cross_entropy` is the other common fix: clip the probability to [ε, 1 − ε]
before the log. It never returns ``inf``, but it caps the loss at −log ε and its gradient is 0
wherever the clip is active, so a confidently wrong prediction stops being corrected.
:func:`capture_warnings` runs a function and returns the warnings it raised as text, so a
notebook can show them deterministically instead of letting them print to stderr.

Multiclass hinge (Chapter 5): the loop-based versions compute exactly what
:func:`course_utils.losses.multiclass_hinge` and its gradient compute, one number at a time in
Python loops, so a chapter can show both that they agree and how much slower the loops are.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils._validation import as_class_labels, as_float_array, check_positive_scalar

__all__ = [
    "capture_warnings",
    "clipped_cross_entropy",
    "multiclass_hinge_grad_naive",
    "multiclass_hinge_naive",
    "naive_binary_cross_entropy_with_logits",
    "naive_log_sigmoid",
    "naive_log_softmax",
    "naive_sigmoid",
    "naive_softmax",
    "naive_softmax_cross_entropy",
]


def naive_sigmoid(x: Any) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(−x)), literally.

    For x < −709.78, e^(−x) overflows to ``inf`` (with a warning) and the result is 0.0
    exactly; for x > 36.7 the result rounds to 1.0 exactly. Either way the information in x is
    lost, and a log taken afterwards gives ``-inf``.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``x``
    """
    x = as_float_array(x, "x")
    return 1.0 / (1.0 + np.exp(-x))


def naive_log_sigmoid(x: Any) -> np.ndarray:
    """log σ(x) as ``log(naive_sigmoid(x))``: ``-inf`` for x below about −745.

    The exact value is −softplus(−x) = −log(1 + e^(−x)) ≈ x for very negative x.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``x``
    """
    return np.log(naive_sigmoid(x))


def naive_binary_cross_entropy_with_logits(logits: Any, targets: Any) -> np.ndarray:
    """−[t log σ(s) + (1 − t) log(1 − σ(s))] through :func:`naive_sigmoid`, per entry.

    When σ(s) rounds to exactly 0 or 1, one of the logs is ``-inf``: the loss is ``inf`` if its
    weight is non-zero and ``nan`` (0 · −inf) if its weight is zero — even for a correct,
    confident prediction such as s = 1000, t = 1, whose true loss is 0.

    Parameters
    ----------
    logits : array_like, any shape
        Raw scores s.
    targets : array_like, same shape
        Labels in {0, 1}.

    Returns
    -------
    ndarray, same shape as ``logits``
        The per-entry losses (no reduction).
    """
    t = as_float_array(targets, "targets")
    p = naive_sigmoid(logits)
    return -(t * np.log(p) + (1.0 - t) * np.log(1.0 - p))


def naive_softmax(logits: Any, axis: int = -1) -> np.ndarray:
    """softmax(z)_k = e^(z_k) / Σ_j e^(z_j), without subtracting the maximum first.

    A logit above 709.78 makes e^(z_k) = ``inf`` and the ratio inf / inf = ``nan``; if every
    logit is below −745.13 the sum is 0 and the ratio 0 / 0 = ``nan``.

    Parameters
    ----------
    logits : array_like, at least 1-D
    axis : int
        The class axis.

    Returns
    -------
    ndarray, same shape as ``logits``
    """
    z = as_float_array(logits, "logits")
    if z.ndim == 0:
        raise ValueError("logits must have at least one dimension (the classes); got a scalar.")
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def naive_log_softmax(logits: Any, axis: int = -1) -> np.ndarray:
    """log softmax(z) as ``log(naive_softmax(z))``.

    Inherits the ``nan`` of :func:`naive_softmax`, and where a probability underflows to 0
    (a class 746 or more below the top one) the log is ``-inf`` although the exact value,
    z_k − log Σ_j e^(z_j), is a perfectly ordinary number.

    Parameters
    ----------
    logits : array_like, at least 1-D
    axis : int

    Returns
    -------
    ndarray, same shape as ``logits``
    """
    return np.log(naive_softmax(logits, axis=axis))


def naive_softmax_cross_entropy(logits: Any, labels: Any) -> np.ndarray:
    """L_i = −log softmax(s_i)_(y_i) through :func:`naive_log_softmax`, per row.

    Parameters
    ----------
    logits : array_like, shape (N, C)
    labels : array_like of int, shape (N,)
        Correct classes in 0 … C − 1.

    Returns
    -------
    ndarray, shape (N,)
        The per-row losses (no reduction).
    """
    z = as_float_array(logits, "logits")
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (N, C); got {z.shape}.")
    y = as_class_labels(labels, z.shape[0], z.shape[1])
    return -naive_log_softmax(z, axis=1)[np.arange(z.shape[0]), y]


def clipped_cross_entropy(probs: Any, labels: Any, eps: float = 1e-7) -> np.ndarray:
    """L_i = −log clip(p_(i, y_i), ε, 1 − ε): cross-entropy on probabilities, with ε-clipping.

    The fix many code bases use (Keras clips with ε = 1e-7). It never returns ``inf``, but
    every loss is capped at −log ε (≈ 16.12 for ε = 1e-7), so very different mistakes score
    the same, and the derivative with respect to the probability is 0 wherever the clip is
    active. The probabilities typically come from :func:`naive_softmax` or a stable softmax;
    either way the logit's information is gone by the time the clip sees it.

    Parameters
    ----------
    probs : array_like, shape (N, C)
        Predicted probability rows.
    labels : array_like of int, shape (N,)
    eps : float in (0, 0.5)

    Returns
    -------
    ndarray, shape (N,)
    """
    p = as_float_array(probs, "probs")
    if p.ndim != 2:
        raise ValueError(f"probs must have shape (N, C); got {p.shape}.")
    y = as_class_labels(labels, p.shape[0], p.shape[1])
    eps = check_positive_scalar(eps, "eps")
    if eps >= 0.5:
        raise ValueError(f"eps must be a small number in (0, 0.5); got {eps!r}.")
    return -np.log(np.clip(p[np.arange(p.shape[0]), y], eps, 1.0 - eps))


def capture_warnings(f: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call ``f(*args, **kwargs)`` and return its result and the warnings it raised.

    NumPy reports overflow, division by zero and invalid operations (such as inf / inf) as
    ``RuntimeWarning``; recorded here they can be printed in a fixed order instead of going to
    stderr. Underflow to 0 is not reported (NumPy's default).

    Returns
    -------
    (result, list of str)
        The messages as ``"Category: message"``, duplicates removed, in the order raised.
    """
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"),
    ):
        warnings.simplefilter("always")
        result = f(*args, **kwargs)
    messages = [f"{w.category.__name__}: {w.message}" for w in caught]
    return result, list(dict.fromkeys(messages))


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
