"""Loss functions and their gradients, in NumPy.

Every loss ``f(x, y, ..., reduction="mean")`` has a gradient ``f_grad`` with the same
arguments that returns dL/dx, the derivative with respect to the *first* argument, under the
same reduction. ``reduction`` is ``"mean"`` (the default: the average over all entries for the
elementwise losses, over the N rows for the row-wise ones), ``"sum"``, or ``"none"`` (the
per-entry or per-row losses, unreduced).

Functions that take raw scores (logits) use forms that cannot overflow, so any finite logit,
±1000 included, gives a finite loss and gradient without a warning.

Regression losses are written with the residual a = pred − target. They are even functions of
a, so a = target − pred gives the same value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils._validation import (
    as_class_labels,
    as_float_array,
    check_in_unit_interval,
    check_positive_scalar,
    check_reduction,
    check_same_shape,
    reduce,
    reduce_grad_scale,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "hinge",
    "hinge_grad",
    "huber",
    "huber_grad",
    "log_softmax",
    "logistic_loss",
    "logistic_loss_grad",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
    "multiclass_hinge",
    "multiclass_hinge_grad",
    "pseudo_huber",
    "pseudo_huber_grad",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "softplus",
]


# --------------------------------------------------------------------------- building blocks
def sigmoid(x: Any) -> np.ndarray:
    """The logistic sigmoid σ(x) = 1 / (1 + e^(−x)), computed without overflow.

    For x ≥ 0 it evaluates 1 / (1 + e^(−x)); for x < 0 the equal form e^x / (1 + e^x), so the
    exponential never sees a large positive argument.

    Parameters
    ----------
    x : array_like, any shape
        Real numbers (logits).

    Returns
    -------
    ndarray, same shape as ``x``
        Values in [0, 1].
    """
    x = as_float_array(x, "x")
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x: Any) -> np.ndarray:
    """softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^(−|x|)), stable for any finite x.

    Note −log σ(x) = softplus(−x) and −log(1 − σ(x)) = softplus(x).

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``x``
    """
    x = as_float_array(x, "x")
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def log_softmax(logits: Any, axis: int = -1) -> np.ndarray:
    """log softmax(z)_k = z_k − log Σ_j e^(z_j), by the log-sum-exp trick.

    Subtracting m = max_j z_j first, log Σ_j e^(z_j) = m + log Σ_j e^(z_j − m): every exponent
    is ≤ 0, so nothing overflows, and the largest term is e^0 = 1, so nothing underflows to
    log(0).

    Parameters
    ----------
    logits : array_like, any shape with at least one dimension
    axis : int
        The axis over which the probabilities sum to one (the class axis).

    Returns
    -------
    ndarray, same shape as ``logits``
        Log-probabilities, all ≤ 0.
    """
    z = as_float_array(logits, "logits")
    if z.ndim == 0:
        raise ValueError("logits must have at least one dimension (the classes); got a scalar.")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(logits: Any, axis: int = -1) -> np.ndarray:
    """softmax(z)_k = e^(z_k) / Σ_j e^(z_j), computed as e^(z_k − max z) / Σ_j e^(z_j − max z).

    Parameters
    ----------
    logits : array_like, any shape with at least one dimension
    axis : int
        The class axis.

    Returns
    -------
    ndarray, same shape as ``logits``
        Positive probabilities that sum to 1 along ``axis``.
    """
    z = as_float_array(logits, "logits")
    if z.ndim == 0:
        raise ValueError("logits must have at least one dimension (the classes); got a scalar.")
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _prediction_and_target(pred: Any, target: Any, reduction: str) -> tuple[np.ndarray, ...]:
    check_reduction(reduction)
    pred = as_float_array(pred, "pred")
    target = as_float_array(target, "target")
    check_same_shape(pred, target, "pred", "target")
    if pred.size == 0:
        raise ValueError("pred and target are empty; a loss needs at least one value.")
    return pred, target


# --------------------------------------------------------------------------- regression
def mse(pred: Any, target: Any, reduction: str = "mean") -> np.ndarray | float:
    """Squared error (L2 loss): ℓ(a) = a², with a = pred − target.

    With ``reduction="mean"`` this is the mean squared error (1/n) Σ a_i². TensorFlow's
    ``tf.nn.l2_loss`` is a different scaling, Σ a_i² / 2.

    Parameters
    ----------
    pred, target : array_like, same shape (any)
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float, or ndarray of ``pred``'s shape when ``reduction="none"``
    """
    pred, target = _prediction_and_target(pred, target, reduction)
    return reduce((pred - target) ** 2, reduction)


def mse_grad(pred: Any, target: Any, reduction: str = "mean") -> np.ndarray:
    """dL/dpred of :func:`mse`: 2a per entry (divided by n under ``"mean"``)."""
    pred, target = _prediction_and_target(pred, target, reduction)
    return 2.0 * (pred - target) * reduce_grad_scale(pred.size, reduction)


def mae(pred: Any, target: Any, reduction: str = "mean") -> np.ndarray | float:
    """Absolute error (L1 loss): ℓ(a) = |a|, with a = pred − target.

    Parameters
    ----------
    pred, target : array_like, same shape (any)
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float, or ndarray of ``pred``'s shape when ``reduction="none"``
    """
    pred, target = _prediction_and_target(pred, target, reduction)
    return reduce(np.abs(pred - target), reduction)


def mae_grad(pred: Any, target: Any, reduction: str = "mean") -> np.ndarray:
    """dL/dpred of :func:`mae`: sign(a) per entry.

    |a| has no derivative at a = 0; every value in [−1, 1] is a subgradient there, and this
    function returns 0 (the choice that makes a zero residual stay put).
    """
    pred, target = _prediction_and_target(pred, target, reduction)
    return np.sign(pred - target) * reduce_grad_scale(pred.size, reduction)


def huber(
    pred: Any, target: Any, delta: float = 1.0, reduction: str = "mean"
) -> np.ndarray | float:
    """Huber loss: ½a² for |a| ≤ δ, δ(|a| − ½δ) beyond, with a = pred − target.

    Quadratic near zero and linear in the tails, with a continuous first derivative at |a| = δ.
    This is the textbook Huber loss (Huber, 1964) and PyTorch's ``huber_loss``; PyTorch's
    ``smooth_l1_loss`` with parameter β is this divided by β.

    Parameters
    ----------
    pred, target : array_like, same shape (any)
    delta : float > 0
        Where the quadratic part hands over to the linear part.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float, or ndarray of ``pred``'s shape when ``reduction="none"``
    """
    pred, target = _prediction_and_target(pred, target, reduction)
    delta = check_positive_scalar(delta, "delta")
    abs_a = np.abs(pred - target)
    values = np.where(abs_a <= delta, 0.5 * abs_a**2, delta * (abs_a - 0.5 * delta))
    return reduce(values, reduction)


def huber_grad(pred: Any, target: Any, delta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    """dL/dpred of :func:`huber`: a clipped to [−δ, δ] per entry."""
    pred, target = _prediction_and_target(pred, target, reduction)
    delta = check_positive_scalar(delta, "delta")
    return np.clip(pred - target, -delta, delta) * reduce_grad_scale(pred.size, reduction)


def pseudo_huber(
    pred: Any, target: Any, delta: float = 1.0, reduction: str = "mean"
) -> np.ndarray | float:
    """Pseudo-Huber loss: δ²(√(1 + (a/δ)²) − 1), with a = pred − target.

    A smooth stand-in for the Huber loss (also called the Charbonnier loss): ≈ ½a² for
    |a| ≪ δ and ≈ δ|a| for |a| ≫ δ, with derivatives of every order.

    Parameters
    ----------
    pred, target : array_like, same shape (any)
    delta : float > 0
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float, or ndarray of ``pred``'s shape when ``reduction="none"``
    """
    pred, target = _prediction_and_target(pred, target, reduction)
    delta = check_positive_scalar(delta, "delta")
    scaled = (pred - target) / delta
    return reduce(delta**2 * (np.sqrt(1.0 + scaled**2) - 1.0), reduction)


def pseudo_huber_grad(
    pred: Any, target: Any, delta: float = 1.0, reduction: str = "mean"
) -> np.ndarray:
    """dL/dpred of :func:`pseudo_huber`: a / √(1 + (a/δ)²) per entry, bounded by δ."""
    pred, target = _prediction_and_target(pred, target, reduction)
    delta = check_positive_scalar(delta, "delta")
    a = pred - target
    return a / np.sqrt(1.0 + (a / delta) ** 2) * reduce_grad_scale(pred.size, reduction)


# --------------------------------------------------------------------------- binary
def _probabilities_and_targets(
    probs: Any, targets: Any, reduction: str
) -> tuple[np.ndarray, np.ndarray]:
    check_reduction(reduction)
    probs = as_float_array(probs, "probs")
    targets = as_float_array(targets, "targets")
    check_same_shape(probs, targets, "probs", "targets")
    if probs.size == 0:
        raise ValueError("probs and targets are empty; a loss needs at least one value.")
    check_in_unit_interval(probs, "probs")
    check_in_unit_interval(targets, "targets")
    return probs, targets


def _check_eps(eps: float) -> float:
    eps = check_positive_scalar(eps, "eps")
    if eps >= 0.5:
        raise ValueError(f"eps must be a small number in (0, 0.5); got {eps!r}.")
    return eps


def binary_cross_entropy(
    probs: Any, targets: Any, eps: float = 1e-12, reduction: str = "mean"
) -> np.ndarray | float:
    """Binary cross-entropy on probabilities: −[t log p + (1 − t) log(1 − p)].

    p is clipped to [ε, 1 − ε] first, so p = 0 or 1 gives a large finite loss instead of
    infinity. Prefer :func:`binary_cross_entropy_with_logits` when you have the logit: it needs
    no clipping and keeps the loss's full range.

    Parameters
    ----------
    probs : array_like, any shape
        Predicted probabilities of the positive class, each in [0, 1].
    targets : array_like, same shape
        Labels in {0, 1}, or soft targets in [0, 1].
    eps : float in (0, 0.5)
        The clipping margin.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float, or ndarray of ``probs``'s shape when ``reduction="none"``
    """
    probs, targets = _probabilities_and_targets(probs, targets, reduction)
    p = np.clip(probs, _check_eps(eps), 1.0 - eps)
    return reduce(-(targets * np.log(p) + (1.0 - targets) * np.log1p(-p)), reduction)


def binary_cross_entropy_grad(
    probs: Any, targets: Any, eps: float = 1e-12, reduction: str = "mean"
) -> np.ndarray:
    """dL/dprobs of :func:`binary_cross_entropy`: (p − t) / (p(1 − p)) at the clipped p."""
    probs, targets = _probabilities_and_targets(probs, targets, reduction)
    p = np.clip(probs, _check_eps(eps), 1.0 - eps)
    return (p - targets) / (p * (1.0 - p)) * reduce_grad_scale(p.size, reduction)


def _logits_and_targets(
    logits: Any, targets: Any, pos_weight: Any, reduction: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    check_reduction(reduction)
    logits = as_float_array(logits, "logits")
    targets = as_float_array(targets, "targets")
    check_same_shape(logits, targets, "logits", "targets")
    if logits.size == 0:
        raise ValueError("logits and targets are empty; a loss needs at least one value.")
    check_in_unit_interval(targets, "targets")
    weight = as_float_array(pos_weight, "pos_weight")
    if np.any(weight < 0):
        raise ValueError("pos_weight must be ≥ 0 (it multiplies the positive-class term).")
    try:
        np.broadcast_shapes(weight.shape, logits.shape)
    except ValueError:
        raise ValueError(
            f"pos_weight must be a number or broadcast against logits; got shape {weight.shape}"
            f" for logits of shape {logits.shape}."
        ) from None
    return logits, targets, weight


def binary_cross_entropy_with_logits(
    logits: Any, targets: Any, pos_weight: Any = 1.0, reduction: str = "mean"
) -> np.ndarray | float:
    """Binary cross-entropy on logits, optionally weighting the positive class.

    With s the logit and σ the sigmoid,

        ℓ(s, t) = pos_weight · t · (−log σ(s)) + (1 − t) · (−log(1 − σ(s)))
                = pos_weight · t · softplus(−s) + (1 − t) · softplus(s),

    the semantics of TensorFlow's ``weighted_cross_entropy_with_logits`` and of PyTorch's
    ``BCEWithLogitsLoss(pos_weight=...)``. pos_weight > 1 makes missed positives cost more
    (raising recall); pos_weight = 1 is the plain loss. The softplus form never overflows.

    Parameters
    ----------
    logits : array_like, any shape
        Raw scores s; σ(s) is the predicted probability of the positive class.
    targets : array_like, same shape
        Labels in {0, 1}, or soft targets in [0, 1].
    pos_weight : float or array_like ≥ 0
        Weight of the positive-class term; an array broadcasts against ``logits`` (one weight
        per class in a multi-label problem).
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float, or ndarray of ``logits``'s shape when ``reduction="none"``
    """
    s, t, w = _logits_and_targets(logits, targets, pos_weight, reduction)
    return reduce(w * t * softplus(-s) + (1.0 - t) * softplus(s), reduction)


def binary_cross_entropy_with_logits_grad(
    logits: Any, targets: Any, pos_weight: Any = 1.0, reduction: str = "mean"
) -> np.ndarray:
    """dL/dlogits of :func:`binary_cross_entropy_with_logits`.

    Per entry (1 − t)·σ(s) − pos_weight·t·(1 − σ(s)), which is σ(s) − t when pos_weight = 1.
    """
    s, t, w = _logits_and_targets(logits, targets, pos_weight, reduction)
    grad = (1.0 - t) * sigmoid(s) - w * t * sigmoid(-s)
    return grad * reduce_grad_scale(s.size, reduction)


def _scores_and_signed_labels(
    scores: Any, labels: Any, reduction: str
) -> tuple[np.ndarray, np.ndarray]:
    check_reduction(reduction)
    scores = as_float_array(scores, "scores")
    labels = as_float_array(labels, "labels")
    check_same_shape(scores, labels, "scores", "labels")
    if scores.size == 0:
        raise ValueError("scores and labels are empty; a loss needs at least one value.")
    if not np.all(np.abs(labels) == 1):
        bad = labels[np.abs(labels) != 1].flat[0]
        hint = " Convert 0/1 labels with 2 * y - 1." if bad == 0 else ""
        raise ValueError(f"labels must be −1 or +1; got {bad:g}.{hint}")
    return scores, labels


def logistic_loss(scores: Any, labels: Any, reduction: str = "mean") -> np.ndarray | float:
    """Logistic loss for labels y ∈ {−1, +1}: log(1 + e^(−y·s)) = softplus(−y·s).

    The same loss as binary cross-entropy on logits with t = (y + 1)/2, written in the margin
    m = y·s. Stable for any finite score.

    Parameters
    ----------
    scores : array_like, any shape
        Raw scores s.
    labels : array_like, same shape
        Each −1 or +1.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float, or ndarray of ``scores``'s shape when ``reduction="none"``
    """
    s, y = _scores_and_signed_labels(scores, labels, reduction)
    return reduce(softplus(-y * s), reduction)


def logistic_loss_grad(scores: Any, labels: Any, reduction: str = "mean") -> np.ndarray:
    """dL/dscores of :func:`logistic_loss`: −y·σ(−y·s) per entry."""
    s, y = _scores_and_signed_labels(scores, labels, reduction)
    return -y * sigmoid(-y * s) * reduce_grad_scale(s.size, reduction)


def hinge(
    scores: Any, labels: Any, margin: float = 1.0, squared: bool = False, reduction: str = "mean"
) -> np.ndarray | float:
    """Binary hinge loss for labels y ∈ {−1, +1}: max(0, Δ − y·s), or its square.

    Zero once the margin m = y·s reaches Δ; linear (squared: quadratic) in the shortfall below.
    scikit-learn's ``metrics.hinge_loss`` is the mean with Δ = 1.

    Parameters
    ----------
    scores : array_like, any shape
        Raw scores s.
    labels : array_like, same shape
        Each −1 or +1.
    margin : float > 0
        Δ.
    squared : bool
        Use the squared hinge max(0, Δ − y·s)².
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    float, or ndarray of ``scores``'s shape when ``reduction="none"``
    """
    s, y = _scores_and_signed_labels(scores, labels, reduction)
    shortfall = np.maximum(check_positive_scalar(margin, "margin") - y * s, 0.0)
    return reduce(shortfall**2 if squared else shortfall, reduction)


def hinge_grad(
    scores: Any, labels: Any, margin: float = 1.0, squared: bool = False, reduction: str = "mean"
) -> np.ndarray:
    """dL/dscores of :func:`hinge`: −y·1[y·s < Δ] (squared: −2y·max(0, Δ − y·s)).

    At the kink y·s = Δ the derivative is taken as 0.
    """
    s, y = _scores_and_signed_labels(scores, labels, reduction)
    shortfall = np.maximum(check_positive_scalar(margin, "margin") - y * s, 0.0)
    slope = 2.0 * shortfall if squared else (shortfall > 0).astype(s.dtype)
    return -y * slope * reduce_grad_scale(s.size, reduction)


# --------------------------------------------------------------------------- multiclass
def _logits_2d(logits: Any, name: str) -> np.ndarray:
    z = as_float_array(logits, name)
    if z.ndim != 2:
        hint = " For a single sample use x.reshape(1, -1)." if z.ndim == 1 else ""
        raise ValueError(
            f"{name} must have shape (N, C), one row per sample; got {z.shape}.{hint}"
        )
    if z.shape[0] == 0 or z.shape[1] == 0:
        raise ValueError(f"{name} must have at least one row and one class; got {z.shape}.")
    return z


def _target_distribution(targets: Any, logits: np.ndarray) -> np.ndarray:
    """Targets as an (N, C) probability matrix: one-hot rows (in the logits' dtype) for indices."""
    shape = logits.shape
    n, c = shape
    raw = np.asarray(targets)
    if raw.ndim == 1:
        labels = as_class_labels(raw, n, c, "targets")
        one_hot = np.zeros(shape, dtype=logits.dtype)
        one_hot[np.arange(n), labels] = 1.0
        return one_hot
    t = as_float_array(raw, "targets")
    if t.shape != shape:
        raise ValueError(
            f"targets must be class indices of shape ({n},) or probability rows of shape {shape};"
            f" got shape {t.shape}."
        )
    check_in_unit_interval(t, "targets")
    sums = t.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-6):
        i = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(f"each row of targets must sum to 1; row {i} sums to {sums[i]:.6g}.")
    return t


def softmax_cross_entropy(
    logits: Any, targets: Any, reduction: str = "mean"
) -> np.ndarray | float:
    """Softmax cross-entropy: L_i = −Σ_k t_ik log softmax(s_i)_k.

    With a class index y_i this is −log softmax(s_i)_(y_i) (TensorFlow's "sparse" version).
    Computed from :func:`log_softmax`, so any finite logits give a finite loss.

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Raw class scores, one row per sample.
    targets : array_like, shape (N,) of int, or (N, C) of float
        Class indices in 0 … C − 1, or target distributions (rows in [0, 1] summing to 1).
    reduction : {"mean", "sum", "none"}
        Over the N rows.

    Returns
    -------
    float, or ndarray of shape (N,) when ``reduction="none"``
    """
    check_reduction(reduction)
    z = _logits_2d(logits, "logits")
    t = _target_distribution(targets, z)
    return reduce(-np.sum(t * log_softmax(z, axis=1), axis=1), reduction)


def softmax_cross_entropy_grad(logits: Any, targets: Any, reduction: str = "mean") -> np.ndarray:
    """dL/dlogits of :func:`softmax_cross_entropy`: softmax(s_i) − t_i for each row.

    Returns
    -------
    ndarray, shape (N, C)
        Divided by N under ``"mean"``. (For ``"none"``, row i is the gradient of L_i.)
    """
    check_reduction(reduction)
    z = _logits_2d(logits, "logits")
    t = _target_distribution(targets, z)
    return (softmax(z, axis=1) - t) * reduce_grad_scale(z.shape[0], reduction)


def _hinge_margins(scores: Any, labels: Any, margin: float) -> tuple[np.ndarray, np.ndarray]:
    s = _logits_2d(scores, "scores")
    y = as_class_labels(labels, s.shape[0], s.shape[1])
    margin = check_positive_scalar(margin, "margin")
    rows = np.arange(s.shape[0])
    margins = s - s[rows, y][:, None] + margin
    margins[rows, y] = 0.0  # the correct class is not compared with itself
    return np.maximum(margins, 0.0), y


def multiclass_hinge(
    scores: Any,
    labels: Any,
    margin: float = 1.0,
    squared: bool = False,
    reduction: str = "mean",
) -> np.ndarray | float:
    """Multiclass SVM (Weston–Watkins) hinge loss.

    L_i = Σ_{j ≠ y_i} max(0, s_ij − s_(i,y_i) + Δ), and with ``squared=True`` the squared hinge
    Σ_{j ≠ y_i} max(0, s_ij − s_(i,y_i) + Δ)², which punishes violations quadratically.

    Parameters
    ----------
    scores : array_like, shape (N, C)
        Class scores, one row per sample.
    labels : array_like of int, shape (N,)
        Correct classes y_i in 0 … C − 1.
    margin : float > 0
        Δ, how far the correct score must beat every other.
    squared : bool
        Use the squared hinge.
    reduction : {"mean", "sum", "none"}
        Over the N rows.

    Returns
    -------
    float, or ndarray of shape (N,) when ``reduction="none"``
    """
    check_reduction(reduction)
    violations, _ = _hinge_margins(scores, labels, margin)
    per_row = np.sum(violations**2 if squared else violations, axis=1)
    return reduce(per_row, reduction)


def multiclass_hinge_grad(
    scores: Any,
    labels: Any,
    margin: float = 1.0,
    squared: bool = False,
    reduction: str = "mean",
) -> np.ndarray:
    """dL/dscores of :func:`multiclass_hinge`.

    For j ≠ y_i the derivative is 1[margin_ij > 0] (2·margin_ij for the squared hinge); for the
    correct class it is minus the sum of the others in the row. At a kink (margin exactly 0)
    the indicator is taken as 0.

    Returns
    -------
    ndarray, shape (N, C)
    """
    check_reduction(reduction)
    violations, y = _hinge_margins(scores, labels, margin)
    grad = 2.0 * violations if squared else (violations > 0).astype(violations.dtype)
    rows = np.arange(grad.shape[0])
    grad[rows, y] = -np.sum(grad, axis=1)
    return grad * reduce_grad_scale(grad.shape[0], reduction)
