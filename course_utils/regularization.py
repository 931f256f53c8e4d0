"""Penalties on the weights, and the solvers that minimise a loss plus a penalty, in NumPy.

Scaling (the same as scikit-learn's estimators, so α means the same thing here and there):

- ``Lasso``:       (1/(2n))·‖y − Xw‖₂² + α·‖w‖₁
- ``ElasticNet``:  (1/(2n))·‖y − Xw‖₂² + α·ρ·‖w‖₁ + (α·(1 − ρ)/2)·‖w‖₂²,  ρ = ``l1_ratio``
- ``Ridge``:       ‖y − Xw‖₂² + α·‖w‖₂²

``X`` has shape (n, p), ``y`` shape (n,), ``w`` shape (p,); no intercept is fitted (centre
``X`` and ``y`` first if the data need one). Note that the L2 *norm* is ‖w‖₂ = √(Σ w_j²); the
ridge penalty is its *square* ‖w‖₂² = Σ w_j².

The Lasso and elastic-net solvers stop when the duality gap G(w) ≥ P(w) − P(w*) ≥ 0 falls below
``tol · ‖y‖₂² / n`` (scikit-learn's criterion, with a smaller default ``tol``), so the
stopping rule certifies how close the objective is to its minimum. The default, 1e-10, is tight
enough to match scikit-learn's coefficients to 1e-6 with the same zeros, and six orders of
magnitude above the rounding error of an objective of order ‖y‖²/n: a tolerance at the rounding
floor (1e-14) would let rounding, which differs between CPUs and BLAS builds, decide the
iteration at which a run stops. When ``max_iter`` is reached first they emit a
:class:`ConvergenceWarning` and return the last iterate.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_utils._validation import as_float_array, check_positive_scalar

__all__ = [
    "ConvergenceWarning",
    "SolverHistory",
    "alpha_max",
    "correlated_pair_data",
    "data_loss_on_grid",
    "duality_gap",
    "elastic_net_coordinate_descent",
    "elastic_net_objective",
    "elastic_net_path",
    "l1_norm",
    "l1_subgradient",
    "l2_norm",
    "lasso_coordinate_descent",
    "lasso_ista",
    "lasso_objective",
    "lasso_path",
    "lasso_subgradient_descent",
    "minimize_1d_with_l1",
    "noisy_sine",
    "polynomial_features",
    "ridge",
    "ridge_fit_predict",
    "ridge_path",
    "ridge_validation_curve",
    "soft_threshold",
    "sparse_regression_data",
    "squared_l2_norm",
    "squared_l2_norm_grad",
    "two_feature_problem",
    "weight_decay_gradient_descent",
]

#: Default duality-gap tolerance of the Lasso / elastic-net solvers (relative to ‖y‖²/n): well
#: above the rounding floor (~1e-16), so the stopping step does not depend on the CPU.
DEFAULT_TOL = 1e-10


class ConvergenceWarning(UserWarning):
    """A solver stopped at ``max_iter`` before meeting its tolerance."""


@dataclass
class SolverHistory:
    """What an iterative solver did, returned with ``return_history=True``.

    Attributes
    ----------
    objective : ndarray, shape (k,)
        The objective after each iteration (an ISTA/FISTA step, or one coordinate-descent sweep
        over all p coordinates).
    gap : ndarray, shape (k,)
        The duality gap after each iteration (NaN where it was not computed).
    n_iter : int
        Iterations run.
    converged : bool
        Whether the tolerance was met before ``max_iter``.
    coefs : ndarray, shape (k, p)
        The iterate after each iteration.
    """

    objective: np.ndarray
    gap: np.ndarray
    n_iter: int
    converged: bool
    coefs: np.ndarray = field(repr=False)


# --------------------------------------------------------------------------- norms
def l1_norm(w: Any) -> float:
    """‖w‖₁ = Σ_j |w_j|.

    Parameters
    ----------
    w : array_like, shape (p,)
    """
    return float(np.sum(np.abs(as_float_array(w, "w"))))


def l2_norm(w: Any) -> float:
    """‖w‖₂ = √(Σ_j w_j²), the Euclidean length: the square root of the sum of squares.

    Parameters
    ----------
    w : array_like, shape (p,)
    """
    return float(np.sqrt(np.sum(as_float_array(w, "w") ** 2)))


def squared_l2_norm(w: Any) -> float:
    """‖w‖₂² = Σ_j w_j², the ridge penalty (the *square* of the L2 norm; gradient 2w).

    Parameters
    ----------
    w : array_like, shape (p,)
    """
    return float(np.sum(as_float_array(w, "w") ** 2))


def squared_l2_norm_grad(w: Any) -> np.ndarray:
    """Gradient of ‖w‖₂²: 2w (smooth everywhere, 0 at w = 0, so it never forces a weight to 0).

    Parameters
    ----------
    w : array_like, shape (p,)

    Returns
    -------
    ndarray, shape (p,)
    """
    return 2.0 * as_float_array(w, "w")


def l1_subgradient(w: Any) -> np.ndarray:
    """One subgradient of ‖w‖₁: sign(w_j), choosing 0 from the interval [−1, 1] where w_j = 0.

    |w| has derivative −1 for w < 0 and +1 for w > 0; at the kink w = 0 every slope in [−1, 1]
    is a subgradient. This picks 0 there, the usual (and NumPy's) choice.

    Parameters
    ----------
    w : array_like, shape (p,)

    Returns
    -------
    ndarray, shape (p,)
    """
    return np.sign(as_float_array(w, "w"))


def soft_threshold(w: Any, t: Any) -> np.ndarray:
    """The soft-thresholding operator S_t(w) = sign(w)·max(|w| − t, 0), elementwise.

    It is the proximal map of t·|·|: S_t(v) = argmin_w ½(w − v)² + t·|w|. Entries with |w| ≤ t
    become exactly 0; the others move t towards 0.

    Parameters
    ----------
    w : array_like, any shape
    t : float or array_like broadcastable to ``w``, ≥ 0
        The threshold.

    Returns
    -------
    ndarray, shape of ``w``
    """
    w = as_float_array(w, "w")
    t = as_float_array(t, "t")
    if np.any(t < 0):
        raise ValueError(f"t must be a threshold ≥ 0; got {float(np.min(t)):g}.")
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


# --------------------------------------------------------------------------- input checks
def _design(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X").astype(np.float64, copy=False)
    y = as_float_array(y, "y").astype(np.float64, copy=False)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, p); got shape {X.shape}.")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y must have shape (n,) = ({X.shape[0]},), one target per row of X; got shape"
            f" {y.shape}."
        )
    return X, y


def _nonnegative(value: Any, name: str) -> float:
    if isinstance(value, bool) or not np.isscalar(value) or not np.isreal(value):
        raise TypeError(f"{name} must be a number ≥ 0; got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0; got {value!r}.")
    return value


def _l1_ratio(value: Any) -> float:
    value = _nonnegative(value, "l1_ratio")
    if value > 1:
        raise ValueError(f"l1_ratio must lie in [0, 1] (1 is the Lasso); got {value!r}.")
    return value


def _max_iter(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"max_iter must be a positive integer; got {value!r}.")
    return int(value)


def _start(w0: Any, p: int) -> np.ndarray:
    if w0 is None:
        return np.zeros(p)
    w = as_float_array(w0, "w0").astype(np.float64)
    if w.shape != (p,):
        raise ValueError(f"w0 must have shape (p,) = ({p},); got shape {w.shape}.")
    return w.copy()


# --------------------------------------------------------------------------- objectives
def elastic_net_objective(X: Any, y: Any, w: Any, alpha: float, l1_ratio: float = 0.5) -> float:
    """(1/(2n))‖y − Xw‖₂² + α·ρ·‖w‖₁ + (α(1 − ρ)/2)·‖w‖₂², scikit-learn's ``ElasticNet``.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    w : array_like, shape (p,)
    alpha : float ≥ 0
    l1_ratio : float in [0, 1]
        ρ; 1 gives the Lasso.
    """
    X, y = _design(X, y)
    w = as_float_array(w, "w")
    alpha, rho = _nonnegative(alpha, "alpha"), _l1_ratio(l1_ratio)
    r = y - X @ w
    return float(
        r @ r / (2 * len(y)) + alpha * rho * np.abs(w).sum() + 0.5 * alpha * (1 - rho) * w @ w
    )


def lasso_objective(X: Any, y: Any, w: Any, alpha: float) -> float:
    """(1/(2n))‖y − Xw‖₂² + α‖w‖₁, scikit-learn's ``Lasso`` objective.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    w : array_like, shape (p,)
    alpha : float ≥ 0
    """
    return elastic_net_objective(X, y, w, alpha, l1_ratio=1.0)


def _gap(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, r: np.ndarray, l1: float, l2: float
) -> float:
    """Duality gap of ½‖y − Xw‖² + l1‖w‖₁ + (l2/2)‖w‖² (the objective times n), given r = y − Xw.

    The elastic net is a Lasso on the stacked data [X; √l2·I], [y; 0], whose residual is
    r̃ = [r; −√l2·w]. The scaled residual s·r̃, with s = min(1, l1 / ‖X̃ᵀr̃‖∞), is feasible
    for the dual max_θ ½‖y‖² − ½‖y − θ‖² s.t. ‖X̃ᵀθ‖∞ ≤ l1, which gives
    gap = ½(1 + s²)‖r̃‖² + l1‖w‖₁ − s·yᵀr.
    """
    correlation = X.T @ r - l2 * w
    r_sq = r @ r + l2 * (w @ w)
    dual_norm = np.max(np.abs(correlation)) if correlation.size else 0.0
    s = 1.0 if dual_norm <= l1 else l1 / dual_norm
    return float(0.5 * (1 + s * s) * r_sq + l1 * np.abs(w).sum() - s * (y @ r))


def duality_gap(X: Any, y: Any, w: Any, alpha: float, l1_ratio: float = 1.0) -> float:
    """A duality gap of the (elastic-net) Lasso at ``w``: an upper bound on P(w) − min P ≥ 0.

    P is :func:`elastic_net_objective` (the Lasso for ``l1_ratio=1``). The dual point is the
    residual r = y − Xw scaled into the dual feasible set, as scikit-learn does.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    w : array_like, shape (p,)
    alpha : float ≥ 0
    l1_ratio : float in [0, 1]
    """
    X, y = _design(X, y)
    w = as_float_array(w, "w")
    n = len(y)
    alpha, rho = _nonnegative(alpha, "alpha"), _l1_ratio(l1_ratio)
    return _gap(X, y, w, y - X @ w, n * alpha * rho, n * alpha * (1 - rho)) / n


def alpha_max(X: Any, y: Any) -> float:
    """The smallest α at which the Lasso solution is w = 0: α_max = ‖Xᵀy‖∞ / n.

    w = 0 minimises (1/(2n))‖y − Xw‖² + α‖w‖₁ exactly when 0 lies in the subdifferential there,
    −Xᵀy/n + α·[−1, 1]^p, i.e. when α ≥ |∂J₀/∂w_j(0)| for every j: the p-dimensional form of the
    one-dimensional condition λ ≥ |f′(0)|.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    """
    X, y = _design(X, y)
    return float(np.max(np.abs(X.T @ y)) / len(y))


# --------------------------------------------------------------------------- Lasso solvers
def _finish(
    w: np.ndarray,
    objective: list[float],
    gaps: list[float],
    converged: bool,
    solver: str,
    max_iter: int,
    return_history: bool,
    coefs: list[np.ndarray],
) -> np.ndarray | tuple[np.ndarray, SolverHistory]:
    if not converged:
        warnings.warn(
            f"{solver} stopped after max_iter = {max_iter} iterations before the duality gap met"
            f" tol (last gap {gaps[-1]:.3g}); raise max_iter or loosen tol.",
            ConvergenceWarning,
            stacklevel=3,
        )
    if not return_history:
        return w
    history = SolverHistory(
        objective=np.array(objective),
        gap=np.array(gaps),
        n_iter=len(objective),
        converged=converged,
        coefs=np.array(coefs),
    )
    return w, history


def lasso_ista(
    X: Any,
    y: Any,
    alpha: float,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = 200_000,
    accelerated: bool = False,
    w0: Any = None,
    return_history: bool = False,
) -> np.ndarray | tuple[np.ndarray, SolverHistory]:
    """Lasso by proximal gradient descent: ISTA, or FISTA with ``accelerated=True``.

    Minimises (1/(2n))‖y − Xw‖₂² + α‖w‖₁ (scikit-learn's ``Lasso``, no intercept). Each step is
    a gradient step on the smooth part followed by the proximal map of the L1 part,

        w ← S_{α/L}(w − ∇J₀(w)/L),   ∇J₀(w) = −Xᵀ(y − Xw)/n,   L = σ_max(X)²/n,

    where L is the Lipschitz constant of ∇J₀ and S is :func:`soft_threshold`, so coefficients
    land on exact zeros. FISTA (Beck & Teboulle, 2009) takes the step from an extrapolated
    point v = w_k + ((t_k − 1)/t_{k+1})(w_k − w_{k−1}) instead, which improves the O(1/k) rate
    of the objective to O(1/k²). The momentum is reset (t = 1) whenever it points uphill,
    (v − w_{k+1})ᵀ(w_{k+1} − w_k) > 0: the gradient-based adaptive restart of O'Donoghue &
    Candès (2015). (Their other test, "did the objective go up?", compares two objective values
    that agree to the last digits near the minimum, so rounding would decide it.)

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    alpha : float > 0
    tol : float > 0
        Stop when the duality gap is ≤ tol·‖y‖²/n.
    max_iter : int
        Maximum number of proximal steps; a :class:`ConvergenceWarning` if reached.
    accelerated : bool
        FISTA instead of ISTA.
    w0 : array_like, shape (p,), optional
        Starting point (default zeros).
    return_history : bool
        Also return a :class:`SolverHistory` (objective and gap after every step).

    Returns
    -------
    w : ndarray, shape (p,)
    history : SolverHistory, only with ``return_history=True``
    """
    X, y = _design(X, y)
    alpha = check_positive_scalar(alpha, "alpha")
    tol = check_positive_scalar(tol, "tol")
    max_iter = _max_iter(max_iter)
    n, p = X.shape
    w = _start(w0, p)
    lipschitz = np.linalg.norm(X, 2) ** 2 / n
    threshold = tol * (y @ y) / n
    if lipschitz == 0.0:  # X is all zeros: w = 0 is optimal
        w = np.zeros(p)
        return _finish(w, [float(y @ y / (2 * n))], [0.0], True, "", 0, return_history, [w])
    step = 1.0 / lipschitz
    v, t = w.copy(), 1.0
    objective, gaps, coefs = [], [], []
    converged = False
    for _ in range(max_iter):
        w_next = soft_threshold(v + step * (X.T @ (y - X @ v)) / n, step * alpha)
        r = y - X @ w_next
        objective.append(float(r @ r / (2 * n) + alpha * np.abs(w_next).sum()))
        if accelerated and (v - w_next) @ (w_next - w) > 0.0:
            t, v = 1.0, w_next  # the momentum points uphill: restart it
        elif accelerated:
            t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            v = w_next + ((t - 1.0) / t_next) * (w_next - w)
            t = t_next
        else:
            v = w_next
        w = w_next
        gaps.append(_gap(X, y, w, r, n * alpha, 0.0) / n)
        if return_history:
            coefs.append(w.copy())
        if gaps[-1] <= threshold:
            converged = True
            break
    return _finish(w, objective, gaps, converged, "lasso_ista", max_iter, return_history, coefs)


def _coordinate_descent(
    X: np.ndarray,
    y: np.ndarray,
    alpha: float,
    rho: float,
    tol: float,
    max_iter: int,
    w0: Any,
    return_history: bool,
    solver: str,
) -> np.ndarray | tuple[np.ndarray, SolverHistory]:
    n, p = X.shape
    l1, l2 = n * alpha * rho, n * alpha * (1 - rho)  # the objective times n
    col_sq = np.einsum("ij,ij->j", X, X)
    w = np.where(col_sq > 0, _start(w0, p), 0.0)  # an all-zero column gets weight 0
    r = y - X @ w
    threshold = tol * (y @ y)
    objective, gaps, coefs = [], [], []
    converged = False
    for _ in range(max_iter):
        for j in range(p):
            if col_sq[j] == 0.0:
                continue
            if w[j] != 0.0:
                r += X[:, j] * w[j]
            rho_j = X[:, j] @ r  # x_jᵀ(partial residual without feature j)
            w_j = np.sign(rho_j) * max(abs(rho_j) - l1, 0.0) / (col_sq[j] + l2)
            if w_j != 0.0:
                r -= X[:, j] * w_j
            w[j] = w_j
        objective.append(float((r @ r / 2 + l1 * np.abs(w).sum() + l2 / 2 * w @ w) / n))
        gap = _gap(X, y, w, r, l1, l2)
        gaps.append(gap / n)
        if return_history:
            coefs.append(w.copy())
        if gap <= threshold:
            converged = True
            break
    return _finish(w, objective, gaps, converged, solver, max_iter, return_history, coefs)


def lasso_coordinate_descent(
    X: Any,
    y: Any,
    alpha: float,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = 10_000,
    w0: Any = None,
    return_history: bool = False,
) -> np.ndarray | tuple[np.ndarray, SolverHistory]:
    """Lasso by cyclic coordinate descent, the method of scikit-learn's ``Lasso``.

    Minimises (1/(2n))‖y − Xw‖₂² + α‖w‖₁ one coordinate at a time. With the others fixed,
    the best w_j is a soft-thresholded one-dimensional least-squares fit to the partial
    residual r₋ⱼ = y − Σ_{k≠j} x_k w_k:

        w_j ← S_{nα}(x_jᵀ r₋ⱼ) / ‖x_j‖².

    One iteration is a sweep over all p coordinates, about the cost of one ISTA step.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    alpha : float > 0
    tol : float > 0
        Stop when the duality gap is ≤ tol·‖y‖²/n (checked after every sweep).
    max_iter : int
        Maximum number of sweeps; a :class:`ConvergenceWarning` if reached.
    w0 : array_like, shape (p,), optional
        Starting point (default zeros); a warm start along a path.
    return_history : bool
        Also return a :class:`SolverHistory`.

    Returns
    -------
    w : ndarray, shape (p,)
    history : SolverHistory, only with ``return_history=True``
    """
    X, y = _design(X, y)
    alpha = check_positive_scalar(alpha, "alpha")
    tol = check_positive_scalar(tol, "tol")
    return _coordinate_descent(
        X, y, alpha, 1.0, tol, _max_iter(max_iter), w0, return_history, "lasso_coordinate_descent"
    )


def elastic_net_coordinate_descent(
    X: Any,
    y: Any,
    alpha: float,
    l1_ratio: float = 0.5,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = 10_000,
    w0: Any = None,
    return_history: bool = False,
) -> np.ndarray | tuple[np.ndarray, SolverHistory]:
    """Elastic net by cyclic coordinate descent, scaled as scikit-learn's ``ElasticNet``.

    Minimises (1/(2n))‖y − Xw‖₂² + α·ρ·‖w‖₁ + (α(1 − ρ)/2)·‖w‖₂² with ρ = ``l1_ratio``;
    the coordinate update is w_j ← S_{nαρ}(x_jᵀ r₋ⱼ) / (‖x_j‖² + nα(1 − ρ)).

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    alpha : float > 0
    l1_ratio : float in [0, 1]
        ρ: 1 is the Lasso, 0 a ridge penalty (α/2)‖w‖₂² (in this scaling).
    tol, max_iter, w0, return_history
        As in :func:`lasso_coordinate_descent`.

    Returns
    -------
    w : ndarray, shape (p,)
    history : SolverHistory, only with ``return_history=True``
    """
    X, y = _design(X, y)
    alpha = check_positive_scalar(alpha, "alpha")
    tol = check_positive_scalar(tol, "tol")
    return _coordinate_descent(
        X,
        y,
        alpha,
        _l1_ratio(l1_ratio),
        tol,
        _max_iter(max_iter),
        w0,
        return_history,
        "elastic_net_coordinate_descent",
    )


def lasso_subgradient_descent(
    X: Any,
    y: Any,
    alpha: float,
    *,
    n_iter: int = 1000,
    step: float | None = None,
    w0: Any = None,
    return_history: bool = False,
) -> np.ndarray | tuple[np.ndarray, SolverHistory]:
    """Lasso by subgradient descent: the naive way around L1's kink (for comparison only).

    w ← w − η_k·(−Xᵀ(y − Xw)/n + α·sign(w)),  η_k = η₀/√(k + 1),

    with sign(0) = 0 (see :func:`l1_subgradient`). A coefficient that should be 0 is pushed
    back and forth across 0 and is left at some small non-zero value: the method has no step
    that lands on 0. It has no duality-gap test either; it runs ``n_iter`` steps.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    alpha : float > 0
    n_iter : int
        Number of steps.
    step : float > 0, optional
        η₀; default 1/L with L = σ_max(X)²/n, the ISTA step.
    w0 : array_like, shape (p,), optional
    return_history : bool
        Also return a :class:`SolverHistory` (its ``gap`` is the duality gap of each iterate,
        ``coefs`` the iterates, shape (n_iter, p)).

    Returns
    -------
    w : ndarray, shape (p,)
    history : SolverHistory, only with ``return_history=True``
    """
    X, y = _design(X, y)
    alpha = check_positive_scalar(alpha, "alpha")
    n_iter = _max_iter(n_iter)
    n, p = X.shape
    eta0 = (
        n / max(np.linalg.norm(X, 2) ** 2, np.finfo(float).tiny)
        if step is None
        else check_positive_scalar(step, "step")
    )
    w = _start(w0, p)
    objective, gaps, coefs = [], [], []
    for k in range(n_iter):
        r = y - X @ w
        w = w - eta0 / np.sqrt(k + 1.0) * (-(X.T @ r) / n + alpha * np.sign(w))
        if return_history:
            r = y - X @ w
            objective.append(float(r @ r / (2 * n) + alpha * np.abs(w).sum()))
            gaps.append(_gap(X, y, w, r, n * alpha, 0.0) / n)
            coefs.append(w.copy())
    if not return_history:
        return w
    return w, SolverHistory(np.array(objective), np.array(gaps), n_iter, False, np.array(coefs))


# --------------------------------------------------------------------------- ridge
def ridge(X: Any, y: Any, alpha: float) -> np.ndarray:
    """Ridge regression in closed form, scaled as scikit-learn's ``Ridge`` (no intercept).

    Minimises ‖y − Xw‖₂² + α‖w‖₂²; setting the gradient −2Xᵀ(y − Xw) + 2αw to zero gives

        w = (XᵀX + αI)⁻¹Xᵀy = Xᵀ(XXᵀ + αI)⁻¹y.

    The first form solves a p × p system, the second an n × n one; the smaller is used.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,) or (n, k)
        One target, or k targets fitted independently.
    alpha : float ≥ 0
        0 gives least squares (X must then have full rank).

    Returns
    -------
    ndarray, shape (p,) or (p, k)
    """
    X = as_float_array(X, "X").astype(np.float64, copy=False)
    y = as_float_array(y, "y").astype(np.float64, copy=False)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, p); got shape {X.shape}.")
    if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y must have shape (n,) or (n, k) with n = {X.shape[0]} (the rows of X); got shape"
            f" {y.shape}."
        )
    alpha = _nonnegative(alpha, "alpha")
    n, p = X.shape
    try:
        if p <= n:
            return np.linalg.solve(X.T @ X + alpha * np.eye(p), X.T @ y)
        return X.T @ np.linalg.solve(X @ X.T + alpha * np.eye(n), y)
    except np.linalg.LinAlgError:
        raise ValueError(
            "XᵀX + αI is singular: with alpha = 0 the columns of X must be linearly independent;"
            " use alpha > 0."
        ) from None


def ridge_path(X: Any, y: Any, alphas: Any) -> np.ndarray:
    """Ridge coefficients for every α in ``alphas``, from one SVD X = U diag(s) Vᵀ.

    w(α) = V diag(s / (s² + α)) Uᵀy: each singular direction is shrunk by s²/(s² + α), which
    is never 0 for α < ∞, so no coefficient becomes exactly 0 (except by coincidence).

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    alphas : array_like, shape (m,), each > 0

    Returns
    -------
    ndarray, shape (m, p)
    """
    X, y = _design(X, y)
    alphas = _alphas(alphas)
    u, s, vt = np.linalg.svd(X, full_matrices=False)
    uty = u.T @ y
    return (s * uty / (s**2 + alphas[:, None])) @ vt


def _alphas(alphas: Any) -> np.ndarray:
    alphas = as_float_array(alphas, "alphas").astype(np.float64).ravel()
    if alphas.size == 0 or np.any(alphas <= 0):
        raise ValueError("alphas must be a non-empty array of numbers > 0.")
    return alphas


def elastic_net_path(
    X: Any,
    y: Any,
    alphas: Any,
    l1_ratio: float = 0.5,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = 10_000,
) -> np.ndarray:
    """Elastic-net coefficients for every α in ``alphas`` (coordinate descent, warm starts).

    The α are visited from largest to smallest, each solve starting from the previous
    solution; the rows of the result follow the order of ``alphas`` as given.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)
    alphas : array_like, shape (m,), each > 0
    l1_ratio : float in [0, 1]
    tol, max_iter
        As in :func:`elastic_net_coordinate_descent`.

    Returns
    -------
    ndarray, shape (m, p)
    """
    X, y = _design(X, y)
    alphas = _alphas(alphas)
    coefs = np.empty((alphas.size, X.shape[1]))
    w = None
    for i in np.argsort(-alphas, kind="stable"):
        w = elastic_net_coordinate_descent(
            X, y, alphas[i], l1_ratio, tol=tol, max_iter=max_iter, w0=w
        )
        coefs[i] = w
    return coefs


def lasso_path(
    X: Any, y: Any, alphas: Any, *, tol: float = DEFAULT_TOL, max_iter: int = 10_000
) -> np.ndarray:
    """Lasso coefficients for every α in ``alphas``: :func:`elastic_net_path` with ρ = 1.

    Returns
    -------
    ndarray, shape (m, p)
    """
    return elastic_net_path(X, y, alphas, 1.0, tol=tol, max_iter=max_iter)


# --------------------------------------------------------------------------- weight decay
def weight_decay_gradient_descent(
    X: Any,
    y: Any,
    lam: float,
    *,
    lr: float,
    n_iter: int,
    w0: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent on J(θ) = (1/(2m))·[Σ_i (h(x_i) − y_i)² + λ·Σ_j θ_j²], h(x) = θᵀx.

    The gradient is (1/m)·[Σ_i (h(x_i) − y_i)·x_ij + λθ_j], so one step is

        θ_j ← θ_j·(1 − ηλ/m) − (η/m)·Σ_i (h(x_i) − y_i)·x_ij :

    shrink every weight by the factor (1 − ηλ/m), then take the plain data-loss step. Its fixed
    point is the ridge solution with α = λ (:func:`ridge`).

    Parameters
    ----------
    X : array_like, shape (m, p)
    y : array_like, shape (m,)
    lam : float ≥ 0
        λ.
    lr : float > 0
        η.
    n_iter : int
        Number of steps.
    w0 : array_like, shape (p,), optional
        Start (default zeros).

    Returns
    -------
    theta : ndarray, shape (p,)
    norms : ndarray, shape (n_iter + 1,)
        ‖θ‖₂ before the first step and after each step.
    """
    X, y = _design(X, y)
    lam = _nonnegative(lam, "lam")
    lr = check_positive_scalar(lr, "lr")
    n_iter = _max_iter(n_iter)
    m = len(y)
    theta = _start(w0, X.shape[1])
    norms = [float(np.sqrt(theta @ theta))]
    decay = 1.0 - lr * lam / m
    for _ in range(n_iter):
        theta = theta * decay - (lr / m) * (X.T @ (X @ theta - y))
        norms.append(float(np.sqrt(theta @ theta)))
    return theta, np.array(norms)


# --------------------------------------------------------------------------- the 1-D example
def minimize_1d_with_l1(
    f_prime: Callable[[float], float], lam: float, *, bracket: float = 1e6, xtol: float = 1e-13
) -> float:
    """Minimiser of F(x) = f(x) + λ|x| for a convex, differentiable f on the real line.

    0 is the minimiser exactly when 0 ∈ ∂F(0) = f′(0) + λ·[−1, 1], i.e. when λ ≥ |f′(0)|.
    Otherwise the minimiser is the root of f′(x) + λ·sign(x) on the side where F decreases
    (x > 0 if f′(0) < −λ, x < 0 if f′(0) > λ), found by bisection.

    Parameters
    ----------
    f_prime : callable float → float
        f′, non-decreasing (f convex).
    lam : float ≥ 0
        λ.
    bracket : float
        The search covers [−bracket, bracket].
    xtol : float
        Bisection stops when the bracket is shorter than this.

    Returns
    -------
    float
        Exactly 0.0 when λ ≥ |f′(0)|.
    """
    lam = _nonnegative(lam, "lam")
    slope = float(f_prime(0.0))
    if abs(slope) <= lam:
        return 0.0
    sign = 1.0 if slope < 0 else -1.0  # the side where F goes down

    def g(x: float) -> float:  # F′ on that side, increasing in sign·x
        return sign * (float(f_prime(x)) + lam * sign)

    lo, hi = 0.0, sign * 1.0
    while g(hi) < 0:
        if abs(hi) >= bracket:
            raise ValueError(f"f + λ|x| has no minimiser in [−{bracket:g}, {bracket:g}].")
        hi *= 2.0
    while abs(hi - lo) > xtol:
        mid = 0.5 * (lo + hi)
        if g(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------- pictures' data
def data_loss_on_grid(X: Any, y: Any, w1: Any, w2: Any) -> np.ndarray:
    """J₀(w) = (1/(2n))‖y − Xw‖₂² at every point of a grid in the (w₁, w₂) plane.

    Parameters
    ----------
    X : array_like, shape (n, 2)
    y : array_like, shape (n,)
    w1, w2 : array_like, same shape (e.g. from ``np.meshgrid``)

    Returns
    -------
    ndarray, shape of ``w1``
    """
    X, y = _design(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have two columns (w₁, w₂); got shape {X.shape}.")
    w1, w2 = as_float_array(w1, "w1"), as_float_array(w2, "w2")
    if w1.shape != w2.shape:
        raise ValueError(f"w1 and w2 must have the same shape; got {w1.shape} and {w2.shape}.")
    # ‖y − Xw‖² = yᵀy − 2wᵀXᵀy + wᵀXᵀXw, expanded so the grid never meets the n samples.
    g, b = X.T @ X, X.T @ y
    quad = g[0, 0] * w1**2 + 2 * g[0, 1] * w1 * w2 + g[1, 1] * w2**2
    return (y @ y - 2 * (b[0] * w1 + b[1] * w2) + quad) / (2 * len(y))


def polynomial_features(x: Any, degree: int) -> np.ndarray:
    """Columns x, x², …, x^degree of a 1-D input (no constant column).

    Parameters
    ----------
    x : array_like, shape (n,)
    degree : int ≥ 1

    Returns
    -------
    ndarray, shape (n, degree)
    """
    x = as_float_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, shape (n,); got shape {x.shape}.")
    if isinstance(degree, bool) or not isinstance(degree, int | np.integer) or degree < 1:
        raise ValueError(f"degree must be a positive integer; got {degree!r}.")
    return x[:, None] ** np.arange(1, degree + 1)


def ridge_fit_predict(X_train: Any, y_train: Any, X_eval: Any, alphas: Any) -> np.ndarray:
    """Fit ridge regression with an unpenalised intercept for each α; predict at ``X_eval``.

    Columns are standardised and y centred with the *training* statistics, :func:`ridge_path`
    fits the standardised data, and predictions add the training mean of y back (so the
    intercept is not shrunk).

    Parameters
    ----------
    X_train : array_like, shape (n, p)
    y_train : array_like, shape (n,)
    X_eval : array_like, shape (m, p)
    alphas : array_like, shape (k,), each > 0

    Returns
    -------
    ndarray, shape (k, m)
        Row i: the predictions of the fit with ``alphas[i]``.
    """
    X_train, y_train = _design(X_train, y_train)
    X_eval = as_float_array(X_eval, "X_eval")
    if X_eval.ndim != 2 or X_eval.shape[1] != X_train.shape[1]:
        raise ValueError(
            f"X_eval must have shape (m, {X_train.shape[1]}), the columns of X_train; got shape"
            f" {X_eval.shape}."
        )
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
    scale[scale == 0] = 1.0
    y_mean = y_train.mean()
    coefs = ridge_path((X_train - mean) / scale, y_train - y_mean, alphas)  # (k, p)
    return coefs @ ((X_eval - mean) / scale).T + y_mean


def ridge_validation_curve(
    X_train: Any, y_train: Any, X_val: Any, y_val: Any, alphas: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation mean squared error of ridge regression for each α.

    The fits are those of :func:`ridge_fit_predict` (unpenalised intercept).

    Parameters
    ----------
    X_train : array_like, shape (n, p)
    y_train : array_like, shape (n,)
    X_val : array_like, shape (m, p)
    y_val : array_like, shape (m,)
    alphas : array_like, shape (k,), each > 0

    Returns
    -------
    train_mse, val_mse : ndarray, shape (k,) each
    """
    X_train, y_train = _design(X_train, y_train)
    X_val, y_val = _design(X_val, y_val)
    train = np.mean((ridge_fit_predict(X_train, y_train, X_train, alphas) - y_train) ** 2, axis=1)
    val = np.mean((ridge_fit_predict(X_train, y_train, X_val, alphas) - y_val) ** 2, axis=1)
    return train, val


# --------------------------------------------------------------------------- example data
def sparse_regression_data(
    n: int = 100,
    p: int = 30,
    k: int = 5,
    noise: float = 1.0,
    correlation: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic regression with many irrelevant features: y = Xw + ε, only k weights ≠ 0.

    X has standard-normal columns with the given pairwise correlation (through a shared
    factor), then is standardised (zero mean, unit variance per column); the first k true
    weights are ±(1 … 3), the rest 0; ε ~ N(0, noise²); y is centred, so no intercept is needed.

    Returns
    -------
    X : ndarray, shape (n, p)
    y : ndarray, shape (n,)
    w_true : ndarray, shape (p,)
    """
    if not 0.0 <= correlation < 1.0:
        raise ValueError(f"correlation must lie in [0, 1); got {correlation!r}.")
    rng = np.random.default_rng(seed)
    X = np.sqrt(1 - correlation) * rng.standard_normal((n, p))
    X += np.sqrt(correlation) * rng.standard_normal((n, 1))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w_true = np.zeros(p)
    w_true[:k] = rng.uniform(1.0, 3.0, k) * rng.choice([-1.0, 1.0], k)
    y = X @ w_true + noise * rng.standard_normal(n)
    return X, y - y.mean(), w_true


def two_feature_problem(
    n: int = 50, correlation: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A two-feature regression for pictures in the (w₁, w₂) plane.

    The features have the given correlation, the true weights are (2, 0.5), plus N(0, 0.5²)
    noise; J₀'s contours are tilted ellipses around the least-squares point.

    Returns
    -------
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,)
    """
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, 2))
    X = np.column_stack([z[:, 0], correlation * z[:, 0] + np.sqrt(1 - correlation**2) * z[:, 1]])
    y = X @ np.array([2.0, 0.5]) + 0.5 * rng.standard_normal(n)
    return X, y


def noisy_sine(n: int, noise: float = 0.25, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points x ~ U(−1, 1), y = sin(πx) + N(0, noise²), for the overfitting demonstration.

    Returns
    -------
    x, y : ndarray, shape (n,) each
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    return x, np.sin(np.pi * x) + noise * rng.standard_normal(n)


def correlated_pair_data(n: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two nearly identical features (correlation ≈ 0.99) that both carry the signal, plus four
    irrelevant ones: y = 2z + ε with both x₁ and x₂ noisy copies of z. Standardised, centred.

    Returns
    -------
    X : ndarray, shape (n, 6)
    y : ndarray, shape (n,)
    """
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n)
    X = np.column_stack(
        [
            z + 0.1 * rng.standard_normal(n),
            z + 0.1 * rng.standard_normal(n),
            rng.standard_normal((n, 4)),
        ]
    )
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = 2.0 * z + rng.standard_normal(n)
    return X, y - y.mean()
