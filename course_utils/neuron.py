"""A single sigmoid neuron trained by gradient descent with MSE or cross-entropy.

The neuron maps a scalar input x to p = σ(s) with s = w·x + b. With a target y ∈ {0, 1} the two
losses compared here are, averaged over the N examples,

    MSE:            L = (1/N) Σ_i (p_i − y_i)²
    cross-entropy:  L = (1/N) Σ_i −[y_i log p_i + (1 − y_i) log(1 − p_i)].

By the chain rule through σ′(s) = σ(s)(1 − σ(s)), their derivatives with respect to the logit are

    MSE:            ∂L_i/∂s_i = 2 (p_i − y_i) · p_i (1 − p_i)
    cross-entropy:  ∂L_i/∂s_i = p_i − y_i,

and ∂L/∂w = (1/N) Σ_i (∂L_i/∂s_i) x_i, ∂L/∂b = (1/N) Σ_i ∂L_i/∂s_i. The factor p(1 − p) is
what makes MSE learn slowly from a confidently wrong start: it tends to 0 as p tends to 0 or
1, whichever side is wrong, while the cross-entropy gradient p − y tends to ±1 there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils import losses
from course_utils._validation import as_float_array, check_positive_scalar, check_same_shape

__all__ = [
    "LOSSES",
    "LogisticFit",
    "NeuronHistory",
    "fit_logistic_regression",
    "logistic_regression_loss_and_gradient",
    "neuron_gradient",
    "neuron_logit_gradient",
    "neuron_loss",
    "neuron_output",
    "train_neuron",
]

#: The loss names this module accepts.
LOSSES = ("mse", "cross_entropy")


def _check_loss(loss: str) -> None:
    if loss not in LOSSES:
        raise ValueError(f"loss must be 'mse' or 'cross_entropy'; got {loss!r}.")


def _inputs_and_targets(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x = np.atleast_1d(as_float_array(x, "x"))
    y = np.atleast_1d(as_float_array(y, "y"))
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array of scalar inputs, shape (N,); got {x.shape}.")
    check_same_shape(x, y, "x", "y")
    if x.size == 0:
        raise ValueError("x and y are empty; the neuron needs at least one example.")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold labels 0 or 1; got {y[(y != 0) & (y != 1)][0]:g}.")
    return x, y


def _mean_loss(s: np.ndarray, p: np.ndarray, y: np.ndarray, loss: str) -> float:
    """The mean loss from checked logits s, their sigmoids p and labels y."""
    if loss == "mse":
        return float(np.mean((p - y) ** 2))
    return float(np.mean(y * losses.softplus(-s) + (1.0 - y) * losses.softplus(s)))


def _logit_gradient(p: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    """Per-example ∂L_i/∂s_i from the predictions p and labels y."""
    if loss == "mse":
        return 2.0 * (p - y) * p * (1.0 - p)
    return p - y


def neuron_output(w: float, b: float, x: Any) -> np.ndarray:
    """The neuron's prediction p = σ(w·x + b).

    Parameters
    ----------
    w, b : float
        Weight and bias.
    x : array_like, shape (N,)
        Scalar inputs.

    Returns
    -------
    ndarray, shape (N,)
        Probabilities of the positive class.
    """
    x = np.atleast_1d(as_float_array(x, "x"))
    return losses.sigmoid(w * x + b)


def neuron_loss(w: float, b: float, x: Any, y: Any, loss: str) -> float:
    """The mean loss of the neuron on (x, y).

    ``"mse"`` is (1/N) Σ (p − y)²; ``"cross_entropy"`` is the binary cross-entropy computed
    from the logit s = w·x + b (stable for any s).

    Parameters
    ----------
    w, b : float
    x : array_like, shape (N,)
    y : array_like, shape (N,)
        Labels in {0, 1}.
    loss : {"mse", "cross_entropy"}

    Returns
    -------
    float
    """
    _check_loss(loss)
    x, y = _inputs_and_targets(x, y)
    s = w * x + b
    if loss == "mse":
        return losses.mse(losses.sigmoid(s), y)
    return losses.binary_cross_entropy_with_logits(s, y)


def neuron_logit_gradient(s: Any, y: Any, loss: str) -> np.ndarray:
    """Per-example ∂L_i/∂s_i of one example's loss with respect to its logit.

    ``"mse"``: 2(p − y)·p(1 − p); ``"cross_entropy"``: p − y, with p = σ(s).

    Parameters
    ----------
    s : array_like, any shape
        Logits.
    y : array_like, same shape
        Labels in {0, 1}.
    loss : {"mse", "cross_entropy"}

    Returns
    -------
    ndarray, same shape as ``s``
    """
    _check_loss(loss)
    s = as_float_array(s, "s")
    y = as_float_array(y, "y")
    check_same_shape(s, y, "s", "y")
    return _logit_gradient(losses.sigmoid(s), y, loss)


def neuron_gradient(w: float, b: float, x: Any, y: Any, loss: str) -> tuple[float, float]:
    """(∂L/∂w, ∂L/∂b) of :func:`neuron_loss`.

    ∂L/∂w = (1/N) Σ_i (∂L_i/∂s_i)·x_i and ∂L/∂b = (1/N) Σ_i ∂L_i/∂s_i, with ∂L_i/∂s_i from
    :func:`neuron_logit_gradient`.

    Returns
    -------
    (float, float)
    """
    _check_loss(loss)
    x, y = _inputs_and_targets(x, y)
    delta = neuron_logit_gradient(w * x + b, y, loss)
    return float(np.mean(delta * x)), float(np.mean(delta))


@dataclass(frozen=True)
class NeuronHistory:
    """What :func:`train_neuron` records, one entry per step (``steps + 1`` for states).

    Attributes
    ----------
    weights, biases : ndarray, shape (steps + 1,)
        w and b before the first step and after each step.
    losses : ndarray, shape (steps + 1,)
        The mean loss at each of those states.
    outputs : ndarray, shape (steps + 1, N)
        The predictions p = σ(w·x + b) at each state.
    grad_w, grad_b : ndarray, shape (steps,)
        The gradient used by each step.
    """

    weights: np.ndarray
    biases: np.ndarray
    losses: np.ndarray
    outputs: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray

    @property
    def gradient_norms(self) -> np.ndarray:
        """‖(∂L/∂w, ∂L/∂b)‖₂ at each step, shape (steps,)."""
        return np.hypot(self.grad_w, self.grad_b)


def train_neuron(
    x: Any,
    y: Any,
    *,
    loss: str,
    w0: float,
    b0: float,
    learning_rate: float,
    steps: int,
) -> NeuronHistory:
    """Full-batch gradient descent on one sigmoid neuron.

    Each step is w ← w − η ∂L/∂w, b ← b − η ∂L/∂b, with η the learning rate and the gradient
    of :func:`neuron_gradient`. Deterministic: no randomness anywhere.

    Parameters
    ----------
    x : array_like, shape (N,)
        Scalar inputs.
    y : array_like, shape (N,)
        Labels in {0, 1}.
    loss : {"mse", "cross_entropy"}
    w0, b0 : float
        The starting weight and bias.
    learning_rate : float > 0
    steps : int ≥ 0

    Returns
    -------
    NeuronHistory
    """
    _check_loss(loss)
    x, y = _inputs_and_targets(x, y)
    learning_rate = check_positive_scalar(learning_rate, "learning_rate")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0; got {steps!r}.")
    w, b = float(w0), float(b0)
    weights, biases, values, outputs, grad_w, grad_b = [w], [b], [], [], [], []
    for _ in range(steps + 1):
        s = w * x + b
        p = losses.sigmoid(s)
        values.append(_mean_loss(s, p, y, loss))
        outputs.append(p)
        if len(grad_w) == steps:
            break
        delta = _logit_gradient(p, y, loss)
        dw, db = float(np.mean(delta * x)), float(np.mean(delta))
        w, b = w - learning_rate * dw, b - learning_rate * db
        weights.append(w)
        biases.append(b)
        grad_w.append(dw)
        grad_b.append(db)
    return NeuronHistory(
        weights=np.array(weights),
        biases=np.array(biases),
        losses=np.array(values),
        outputs=np.array(outputs),
        grad_w=np.array(grad_w),
        grad_b=np.array(grad_b),
    )


# --------------------------------------------------------------------------- logistic regression
def _design_and_labels(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X")
    y = np.atleast_1d(as_float_array(y, "y"))
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (N, D); got shape {X.shape}.")
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"y must have shape ({X.shape[0]},), one label per row of X; got {y.shape}."
        )
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold labels 0 or 1; got {y[(y != 0) & (y != 1)][0]:g}.")
    return X, y


def logistic_regression_loss_and_gradient(
    w: Any, b: float, X: Any, y: Any
) -> tuple[float, np.ndarray, float]:
    """Mean binary cross-entropy of p = σ(Xw + b) and its gradient.

    With s = Xw + b and ∂L/∂s_i = (p_i − y_i)/N (Chapter 3), the chain rule gives

        ∂L/∂w = Xᵀ(p − y)/N,    ∂L/∂b = mean(p − y).

    Parameters
    ----------
    w : array_like, shape (D,)
        Weights.
    b : float
        Bias.
    X : array_like, shape (N, D)
        Inputs, one example per row.
    y : array_like, shape (N,)
        Labels in {0, 1}.

    Returns
    -------
    loss : float
    grad_w : ndarray, shape (D,)
    grad_b : float
    """
    X, y = _design_and_labels(X, y)
    w = as_float_array(w, "w")
    if w.shape != (X.shape[1],):
        raise ValueError(
            f"w must have shape ({X.shape[1]},), one weight per column of X; got {w.shape}."
        )
    s = X @ w + float(b)
    p = losses.sigmoid(s)
    loss = _mean_loss(s, p, y, "cross_entropy")
    delta = (p - y) / len(y)
    return loss, X.T @ delta, float(np.sum(delta))


@dataclass(frozen=True)
class LogisticFit:
    """The result of :func:`fit_logistic_regression`.

    Attributes
    ----------
    w : ndarray, shape (D,)
    b : float
    losses : ndarray, shape (steps + 1,)
        The mean cross-entropy before the first step and after each step.
    gradient_norms : ndarray, shape (steps + 1,)
        ‖(∂L/∂w, ∂L/∂b)‖₂ at the same points.
    """

    w: np.ndarray
    b: float
    losses: np.ndarray
    gradient_norms: np.ndarray


def fit_logistic_regression(X: Any, y: Any, *, learning_rate: float, steps: int) -> LogisticFit:
    """Logistic regression by full-batch gradient descent from w = 0, b = 0.

    Each step is w ← w − η Xᵀ(p − y)/N, b ← b − η mean(p − y)
    (:func:`logistic_regression_loss_and_gradient`). The loss is convex in (w, b), so a
    point where the gradient vanishes is the global minimum.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like, shape (N,)
        Labels in {0, 1}.
    learning_rate : float > 0
        η; stable while η is below 2 / (largest eigenvalue of the Hessian), and that
        eigenvalue is at most λ_max([X 1]ᵀ[X 1]/N)/4.
    steps : int ≥ 0

    Returns
    -------
    LogisticFit
    """
    X, y = _design_and_labels(X, y)
    learning_rate = check_positive_scalar(learning_rate, "learning_rate")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0; got {steps!r}.")
    w, b = np.zeros(X.shape[1]), 0.0
    values, norms = [], []
    for step in range(steps + 1):
        loss, grad_w, grad_b = logistic_regression_loss_and_gradient(w, b, X, y)
        values.append(loss)
        norms.append(float(np.sqrt(grad_w @ grad_w + grad_b**2)))
        if step == steps:
            break
        w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
    return LogisticFit(w=w, b=b, losses=np.array(values), gradient_norms=np.array(norms))
