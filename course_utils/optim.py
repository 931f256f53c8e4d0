"""Gradient descent, mini-batch SGD, random search, and a linear classifier to train with them.

The optimizers minimise a function given as ``loss_and_grad``, which returns the loss and its
gradient together (one pass computes both). Each returns a :class:`History` that records the
loss before the first step and after every step, so a chapter can plot training curves.

The update with learning rate η and momentum μ (μ = 0 is plain gradient descent) is

    v ← μ·v − η·∇L(θ),    θ ← θ + v,

the "heavy ball" form: v is a running, decaying sum of past steps.

The linear classifier keeps its weights W (D, C) and biases b (C,) in one array ``params`` of
shape (D + 1, C): rows 0 … D − 1 are W, the last row is b, and the scores are X·W + b.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_utils import losses
from course_utils._validation import as_class_labels, as_float_array, check_positive_scalar

__all__ = [
    "LINEAR_LOSSES",
    "History",
    "gradient_descent",
    "init_linear_params",
    "linear_classifier_loss",
    "linear_scores",
    "minibatch_sgd",
    "predict",
    "quadratic_bowl",
    "random_search",
    "tilted_double_well",
    "train_linear_classifier",
]

#: The losses :func:`linear_classifier_loss` knows, by name.
LINEAR_LOSSES = ("hinge", "squared_hinge", "softmax")


@dataclass
class History:
    """What an optimizer did.

    Attributes
    ----------
    params : ndarray
        The parameters after the last step.
    loss : ndarray, shape (n_steps + 1,)
        The loss (on all the data) before the first step and after each step.
    examples_seen : ndarray of int, shape (n_steps + 1,)
        How many training examples the gradients had used by then (0 first).
    seconds : ndarray, shape (n_steps + 1,)
        Cumulative wall-clock time spent computing gradients and updating; the extra loss
        evaluations that fill ``loss`` are not counted. Volatile: plot it, do not print it.
    path : ndarray, shape (n_steps + 1, *params.shape), or None
        Every iterate, when the optimizer records them (:func:`gradient_descent` does).
    """

    params: np.ndarray
    loss: np.ndarray
    examples_seen: np.ndarray
    seconds: np.ndarray
    path: np.ndarray | None = None


def _check_momentum(momentum: float) -> float:
    if isinstance(momentum, bool) or not np.isscalar(momentum) or not np.isreal(momentum):
        raise TypeError(f"momentum must be a number in [0, 1); got {momentum!r}.")
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must lie in [0, 1), e.g. 0.9; got {momentum!r}.")
    return float(momentum)


def _check_count(value: int, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}.")
    return int(value)


def _check_grad(grad: Any, params: np.ndarray) -> np.ndarray:
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != params.shape:
        raise ValueError(
            f"loss_and_grad returned a gradient of shape {grad.shape}; it must have the shape of"
            f" the parameters, {params.shape}."
        )
    return grad


def gradient_descent(
    loss_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: Any,
    *,
    learning_rate: float,
    n_steps: int,
    momentum: float = 0.0,
) -> History:
    """Full-batch gradient descent (with optional momentum) from ``x0``.

    θ_(t+1) = θ_t + v_(t+1) with v_(t+1) = μ·v_t − η·∇L(θ_t) and v_0 = 0.

    Parameters
    ----------
    loss_and_grad : callable
        ``loss_and_grad(theta) -> (loss, grad)``, grad of ``theta``'s shape.
    x0 : array_like, any shape
        The starting point (not modified).
    learning_rate : float > 0
        η, the step size.
    n_steps : int ≥ 0
    momentum : float in [0, 1)
        μ; 0 gives plain gradient descent.

    Returns
    -------
    History
        With ``path`` holding every iterate, shape (n_steps + 1, *x0.shape).
        ``examples_seen`` counts steps (one "example" per step).
    """
    eta = check_positive_scalar(learning_rate, "learning_rate")
    mu = _check_momentum(momentum)
    n_steps = _check_count(n_steps, "n_steps", minimum=0)
    theta = as_float_array(x0, "x0").astype(np.float64, copy=True)
    velocity = np.zeros_like(theta)
    path = np.empty((n_steps + 1, *theta.shape))
    loss = np.empty(n_steps + 1)
    seconds = np.zeros(n_steps + 1)
    path[0] = theta
    elapsed = 0.0
    for t in range(n_steps + 1):
        start = time.perf_counter()
        value, grad = loss_and_grad(theta)
        loss[t] = float(value)
        if t == n_steps:
            break
        velocity = mu * velocity - eta * _check_grad(grad, theta)
        theta = theta + velocity
        elapsed += time.perf_counter() - start
        path[t + 1] = theta
        seconds[t + 1] = elapsed
    return History(
        params=theta,
        loss=loss,
        examples_seen=np.arange(n_steps + 1),
        seconds=seconds,
        path=path,
    )


def minibatch_sgd(
    loss_and_grad: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[float, np.ndarray]],
    params0: Any,
    X: Any,
    y: Any,
    *,
    learning_rate: float,
    n_epochs: int,
    batch_size: int | None = None,
    momentum: float = 0.0,
    seed: int = 0,
    record: str = "step",
) -> History:
    """Mini-batch stochastic gradient descent with seeded shuffling.

    Each epoch draws a fresh permutation of the N rows from ``np.random.default_rng(seed)``
    and walks through it in batches of ``batch_size`` (the last batch of an epoch may be
    smaller); each batch gives one step θ ← θ + v, v ← μ·v − η·∇L_batch(θ).
    ``batch_size=None`` (or N) is full-batch gradient descent.

    After every step the loss on *all* the data is recorded, so runs with different batch
    sizes can be compared against the number of examples seen; that evaluation is not part
    of ``History.seconds``. With ``record="epoch"`` it is recorded only after each epoch,
    which saves the evaluations when only the end matters (a learning-rate search); the
    steps taken are the same.

    Parameters
    ----------
    loss_and_grad : callable
        ``loss_and_grad(params, X_batch, y_batch) -> (loss, grad)``: the mean loss over the
        batch and its gradient, of ``params``'s shape.
    params0 : array_like, any shape
        Starting parameters (not modified).
    X : array_like, shape (N, ...)
        Inputs, one row per example.
    y : array_like, shape (N, ...)
        Targets, one row per example.
    learning_rate : float > 0
    n_epochs : int ≥ 1
        Passes over the data.
    batch_size : int in 1 … N, or None
    momentum : float in [0, 1)
    seed : int
        Seed of the shuffling.
    record : {"step", "epoch"}
        Record the full loss after every step, or only after every epoch.

    Returns
    -------
    History
        ``loss[0]`` is the loss at ``params0``; ``examples_seen`` grows by the batch size per
        step; ``path`` is None.
    """
    eta = check_positive_scalar(learning_rate, "learning_rate")
    mu = _check_momentum(momentum)
    n_epochs = _check_count(n_epochs, "n_epochs")
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y) or len(X) == 0:
        raise ValueError(
            f"X and y must have the same number of rows (one per example), at least one;"
            f" got X.shape = {X.shape} and y.shape = {y.shape}."
        )
    n = len(X)
    batch_size = n if batch_size is None else _check_count(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(
            f"batch_size must be at most the number of examples, {n}; got {batch_size}."
        )
    if record not in ("step", "epoch"):
        raise ValueError(f"record must be 'step' or 'epoch'; got {record!r}.")
    rng = np.random.default_rng(seed)
    theta = as_float_array(params0, "params0").astype(np.float64, copy=True)
    velocity = np.zeros_like(theta)
    loss = [float(loss_and_grad(theta, X, y)[0])]
    seen, seconds = [0], [0.0]
    spent, used = 0.0, 0  # time and examples since the last record
    for _ in range(n_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            tic = time.perf_counter()
            _, grad = loss_and_grad(theta, X[batch], y[batch])
            velocity = mu * velocity - eta * _check_grad(grad, theta)
            theta = theta + velocity
            spent += time.perf_counter() - tic
            used += len(batch)
            if record == "step" or start + batch_size >= n:
                seconds.append(seconds[-1] + spent)
                seen.append(seen[-1] + used)
                loss.append(float(loss_and_grad(theta, X, y)[0]))
                spent, used = 0.0, 0
    return History(
        params=theta,
        loss=np.array(loss),
        examples_seen=np.array(seen),
        seconds=np.array(seconds),
    )


def random_search(
    loss: Callable[[np.ndarray], float],
    shape: tuple[int, ...],
    *,
    n_trials: int,
    scale: float = 1.0,
    seed: int = 0,
) -> History:
    """Draw ``n_trials`` random parameter arrays N(0, scale²) and keep the best one.

    The baseline that gradient descent is measured against: it uses only loss values, never a
    gradient.

    Parameters
    ----------
    loss : callable
        ``loss(params) -> float``.
    shape : tuple of int
        Shape of the parameter array.
    n_trials : int ≥ 1
    scale : float > 0
        Standard deviation of each entry.
    seed : int

    Returns
    -------
    History
        ``loss[t]`` is the best loss among the first t + 1 trials (non-increasing);
        ``params`` the best array; ``examples_seen`` counts trials.
    """
    n_trials = _check_count(n_trials, "n_trials")
    scale = check_positive_scalar(scale, "scale")
    rng = np.random.default_rng(seed)
    best_params, best_loss = None, np.inf
    history, seconds, elapsed = [], [], 0.0
    for _ in range(n_trials):
        tic = time.perf_counter()
        candidate = scale * rng.standard_normal(shape)
        value = float(loss(candidate))
        if value < best_loss:
            best_params, best_loss = candidate, value
        elapsed += time.perf_counter() - tic
        history.append(best_loss)
        seconds.append(elapsed)
    return History(
        params=best_params,
        loss=np.array(history),
        examples_seen=np.arange(1, n_trials + 1),
        seconds=np.array(seconds),
    )


# --------------------------------------------------------------------------- linear classifier
def init_linear_params(
    n_features: int, n_classes: int, *, scale: float = 1e-3, seed: int = 0
) -> np.ndarray:
    """Small random weights N(0, scale²) and zero biases, packed as (D + 1, C).

    With small weights every score is ≈ 0, so the hinge loss starts near C − 1 and the
    softmax cross-entropy near log C: a sanity check worth running before training.
    """
    n_features = _check_count(n_features, "n_features")
    n_classes = _check_count(n_classes, "n_classes", minimum=2)
    scale = check_positive_scalar(scale, "scale")
    rng = np.random.default_rng(seed)
    params = np.zeros((n_features + 1, n_classes))
    params[:-1] = scale * rng.standard_normal((n_features, n_classes))
    return params


def _check_params_and_inputs(params: Any, X: Any) -> tuple[np.ndarray, np.ndarray]:
    params = as_float_array(params, "params")
    X = as_float_array(X, "X")
    if params.ndim != 2 or params.shape[0] < 2:
        raise ValueError(
            f"params must have shape (D + 1, C): the weights W (D, C) with the biases b as the"
            f" last row; got shape {params.shape}."
        )
    if X.ndim != 2 or X.shape[1] != params.shape[0] - 1:
        raise ValueError(
            f"X must have shape (N, D) = (N, {params.shape[0] - 1}) to match params of shape"
            f" {params.shape}; got X.shape = {X.shape}."
        )
    return params, X


def linear_scores(params: Any, X: Any) -> np.ndarray:
    """Class scores S = X·W + b of a linear classifier.

    Parameters
    ----------
    params : array_like, shape (D + 1, C)
        W stacked over b.
    X : array_like, shape (N, D)

    Returns
    -------
    ndarray, shape (N, C)
    """
    params, X = _check_params_and_inputs(params, X)
    return X @ params[:-1] + params[-1]


def predict(params: Any, X: Any) -> np.ndarray:
    """The predicted class of each row of X: argmax_k of the scores. Shape (N,), int."""
    return np.argmax(linear_scores(params, X), axis=1)


def linear_classifier_loss(
    params: Any, X: Any, y: Any, *, loss: str = "softmax", reg: float = 0.0
) -> tuple[float, np.ndarray]:
    """Mean data loss plus an L2 penalty on the weights, and its gradient.

    L(W, b) = (1/N) Σ_i ℓ(s_i, y_i) + λ‖W‖², with s_i = x_i·W + b and ℓ the multiclass hinge,
    the squared hinge or the softmax cross-entropy. By the chain rule, with G = ∂L_data/∂S
    (N, C): ∂L/∂W = XᵀG + 2λW and ∂L/∂b = Σ_i G_i. The biases are not penalised.

    Parameters
    ----------
    params : array_like, shape (D + 1, C)
        W stacked over b.
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
    loss : {"hinge", "squared_hinge", "softmax"}
    reg : float ≥ 0
        λ.

    Returns
    -------
    (float, ndarray of shape (D + 1, C))
    """
    if loss not in LINEAR_LOSSES:
        raise ValueError(f"loss must be one of {LINEAR_LOSSES}; got {loss!r}.")
    if isinstance(reg, bool) or not np.isscalar(reg) or not (np.isfinite(reg) and reg >= 0):
        raise ValueError(f"reg must be a finite number ≥ 0; got {reg!r}.")
    params, X = _check_params_and_inputs(params, X)
    y = as_class_labels(y, X.shape[0], params.shape[1], "y")
    scores = X @ params[:-1] + params[-1]
    if loss == "softmax":
        value = losses.softmax_cross_entropy(scores, y)
        g_scores = losses.softmax_cross_entropy_grad(scores, y)
    else:
        squared = loss == "squared_hinge"
        value = losses.multiclass_hinge(scores, y, squared=squared)
        g_scores = losses.multiclass_hinge_grad(scores, y, squared=squared)
    weights = params[:-1]
    grad = np.empty_like(params)
    grad[:-1] = X.T @ g_scores + 2.0 * reg * weights
    grad[-1] = g_scores.sum(axis=0)
    return float(value + reg * np.sum(weights**2)), grad


def train_linear_classifier(
    X: Any,
    y: Any,
    *,
    loss: str = "softmax",
    learning_rate: float = 0.1,
    n_epochs: int = 100,
    batch_size: int | None = None,
    reg: float = 0.0,
    momentum: float = 0.0,
    seed: int = 0,
    init_scale: float = 1e-3,
    record: str = "step",
) -> History:
    """Train a linear classifier S = X·W + b with :func:`minibatch_sgd`.

    Starts from :func:`init_linear_params` (seeded by ``seed``, which also seeds the
    shuffling) and minimises :func:`linear_classifier_loss`.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
        Classes 0 … C − 1; C is ``y.max() + 1``.
    loss : {"hinge", "squared_hinge", "softmax"}
    learning_rate : float > 0
    n_epochs : int ≥ 1
    batch_size : int or None
        None is full-batch gradient descent (one step per epoch).
    reg : float ≥ 0
        L2 penalty λ on W.
    momentum : float in [0, 1)
    seed : int
    init_scale : float > 0
        Standard deviation of the initial weights.
    record : {"step", "epoch"}
        When to record the full training loss (see :func:`minibatch_sgd`).

    Returns
    -------
    History
        ``params`` of shape (D + 1, C); ``loss`` the full training loss after every step.
    """
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D); got {X.shape}.")
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.ndim != 1 or y.size == 0:
        raise TypeError(f"y must be a 1-D array of int class indices; got {y.dtype}, {y.shape}.")
    n_classes = max(int(y.max()) + 1, 2)
    params0 = init_linear_params(X.shape[1], n_classes, scale=init_scale, seed=seed)

    def objective(params: np.ndarray, X_batch: np.ndarray, y_batch: np.ndarray):
        return linear_classifier_loss(params, X_batch, y_batch, loss=loss, reg=reg)

    return minibatch_sgd(
        objective,
        params0,
        X,
        y,
        learning_rate=learning_rate,
        n_epochs=n_epochs,
        batch_size=batch_size,
        momentum=momentum,
        seed=seed,
        record=record,
    )


# --------------------------------------------------------------------------- toy objectives
def quadratic_bowl(w: Any, curvatures: Any = (1.0, 10.0)) -> tuple[float, np.ndarray]:
    """A stretched bowl L(w) = ½ Σ_k a_k w_k², and its gradient (a_k w_k)_k.

    The simplest loss surface on which a learning rate can be too small or too large:
    gradient descent converges from every start exactly when η < 2 / max_k a_k, and on the
    axis k it oscillates when η > 1 / a_k.

    Parameters
    ----------
    w : array_like, shape (K,)
    curvatures : array_like of float > 0, shape (K,)
        The a_k, the second derivatives along each axis.

    Returns
    -------
    (float, ndarray of shape (K,))
    """
    w = as_float_array(w, "w")
    a = as_float_array(curvatures, "curvatures")
    if a.shape != w.shape or np.any(a <= 0):
        raise ValueError(
            f"curvatures must be positive numbers, one per entry of w {w.shape}; got {a}."
        )
    return float(0.5 * np.sum(a * w**2)), a * w


def tilted_double_well(w: Any) -> tuple[float, np.ndarray]:
    """A non-convex function of one variable, L(w) = w⁴ − 3w² + w, and its derivative.

    It has two local minima, near w ≈ −1.30 (the lower, the global minimum) and w ≈ 1.13,
    with a local maximum between them near w ≈ 0.17: where gradient descent ends depends on
    where it starts.

    Parameters
    ----------
    w : array_like, any shape
        Evaluated elementwise; the loss is summed, so a 1-element array gives L(w).

    Returns
    -------
    (float, ndarray of ``w``'s shape)
    """
    w = as_float_array(w, "w")
    return float(np.sum(w**4 - 3 * w**2 + w)), 4 * w**3 - 6 * w + 1
