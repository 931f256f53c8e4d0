"""Fitting a constant or a straight line under the L2, L1 or Huber loss.

The fits minimise Σ_i ρ(a_i) over the parameters θ, with residuals a = y − Xθ, by iteratively
reweighted least squares (IRLS). Setting the gradient to zero gives Σ_i ψ(a_i) x_i = 0 with
ψ = ρ′; writing ψ(a) = w(a)·a turns that into weighted least squares, Σ_i w_i a_i x_i = 0, with
weights w_i = ψ(a_i)/a_i computed from the current residuals:

- L2: ψ(a) = 2a, w = 2 (constant: a single least-squares solve);
- L1: ψ(a) = sign(a), w = 1/|a| (floored at ``eps``, since |a| has a kink at 0);
- Huber: ψ(a) = clip(a, −δ, δ), w = min(1, δ/|a|).

Each IRLS step does not increase the loss for these convex ρ, and the fixed point is the
minimiser. Large residuals get small weights under L1 and Huber, which is why outliers pull
their fits far less than the least-squares one.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from course_utils._validation import as_float_array, check_positive_scalar

__all__ = ["fit_constant", "fit_line"]

Loss = Literal["l2", "l1", "huber"]
_LOSSES = ("l2", "l1", "huber")


def _irls(
    design: np.ndarray,
    y: np.ndarray,
    loss: str,
    delta: float,
    tol: float,
    max_iter: int,
    eps: float,
) -> np.ndarray:
    theta = np.linalg.lstsq(design, y, rcond=None)[0]
    if loss == "l2":
        return theta
    for _ in range(max_iter):
        abs_residual = np.abs(y - design @ theta)
        if loss == "l1":
            weights = 1.0 / np.maximum(abs_residual, eps)
        else:
            weights = np.minimum(1.0, delta / np.maximum(abs_residual, eps))
        root = np.sqrt(weights)
        new_theta = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)[0]
        step = np.max(np.abs(new_theta - theta))
        theta = new_theta
        if step <= tol * (1.0 + np.max(np.abs(theta))):
            break
    return theta


def _check_loss(loss: str) -> None:
    if loss not in _LOSSES:
        raise ValueError(f"loss must be one of {', '.join(map(repr, _LOSSES))}; got {loss!r}.")


def fit_constant(
    y: Any,
    loss: Loss = "l2",
    delta: float = 1.0,
    *,
    tol: float = 1e-10,
    max_iter: int = 500,
    eps: float = 1e-9,
) -> float:
    """The constant c minimising Σ_i ρ(y_i − c).

    Under L2 it is the mean; under L1 a median (IRLS returns the middle value, or a point of
    the middle interval for an even count); under Huber something in between.

    Parameters
    ----------
    y : array_like, shape (n,)
        Observations.
    loss : {"l2", "l1", "huber"}
    delta : float > 0
        Huber's δ (ignored by the others).
    tol, max_iter, eps : float, int, float
        IRLS stopping tolerance (relative change of c), iteration cap, and the floor on |a|.

    Returns
    -------
    float
    """
    _check_loss(loss)
    y = as_float_array(y, "y")
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"y must be a non-empty 1-D array of observations; got shape {y.shape}.")
    delta = check_positive_scalar(delta, "delta")
    return float(_irls(np.ones((y.size, 1)), y, loss, delta, tol, max_iter, eps)[0])


def fit_line(
    x: Any,
    y: Any,
    loss: Loss = "l2",
    delta: float = 1.0,
    *,
    tol: float = 1e-10,
    max_iter: int = 500,
    eps: float = 1e-9,
) -> tuple[float, float]:
    """The line y ≈ slope·x + intercept minimising Σ_i ρ(y_i − slope·x_i − intercept).

    Parameters
    ----------
    x, y : array_like, shape (n,), n ≥ 2
    loss : {"l2", "l1", "huber"}
    delta : float > 0
        Huber's δ.
    tol, max_iter, eps
        As in :func:`fit_constant`.

    Returns
    -------
    (slope, intercept) : tuple of float
    """
    _check_loss(loss)
    x = as_float_array(x, "x")
    y = as_float_array(y, "y")
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(
            "x and y must be 1-D arrays of the same length, at least 2;"
            f" got {x.shape} and {y.shape}."
        )
    delta = check_positive_scalar(delta, "delta")
    design = np.column_stack([x, np.ones_like(x)])
    slope, intercept = _irls(design, y, loss, delta, tol, max_iter, eps)
    return float(slope), float(intercept)
