"""Numerical gradients and how to compare them with analytic ones.

The centred difference (f(x + h·e_i) − f(x − h·e_i)) / 2h has error O(h²), against O(h) for the
one-sided difference, so in float64 with h = 1e-5 it agrees with a correct analytic gradient to
about 1e-10 relative error on smooth functions. Near a kink (|x| at 0, max(0, ·) at 0) the two
evaluation points can straddle the kink and the check fails for a correct gradient: move the
point, or accept a larger error there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["GradientReport", "check_gradient", "numerical_gradient", "relative_error"]

_TINY = 1e-300


def numerical_gradient(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    h: float = 1e-5,
    indices: list[tuple[int, ...]] | None = None,
) -> np.ndarray:
    """Centred-difference gradient of a scalar function.

    ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h for every entry i of ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored exactly afterwards, so ``f``
    may read ``x`` through a closure (the usual way to check a layer's weights).

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar (a Python float or a 0-d array).
    x : ndarray of float, any shape
        The point; must be a floating-point array (it is perturbed in place).
    h : float > 0
        The step.
    indices : list of index tuples, optional
        Only these entries are estimated (the others stay 0): a cheap spot check of a large array.

    Returns
    -------
    ndarray of float64, same shape as ``x``
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        got = f"an array of dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(
            f"x must be a NumPy array of floats (it is perturbed in place); got {got}."
            " Use np.asarray(x, dtype=float)."
        )
    if not (np.isscalar(h) and np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a small positive number such as 1e-5; got {h!r}.")
    grad = np.zeros(x.shape, dtype=np.float64)
    points = np.ndindex(x.shape) if indices is None else (tuple(i) for i in indices)
    for index in points:
        original = x[index].copy()
        x[index] = original + h
        f_plus = _scalar(f(x))
        x[index] = original - h
        f_minus = _scalar(f(x))
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def _scalar(value: Any) -> float:
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return a single number (a scalar loss); it returned shape {np.shape(value)}."
            " Reduce it, e.g. with .sum() or reduction='mean'."
        )
    return float(value)


def relative_error(a: Any, b: Any) -> float:
    """max_i |a_i − b_i| / max(|a_i| + |b_i|, tiny): the worst elementwise relative error.

    Scale-free, so the same thresholds apply to tiny and huge gradients: below ~1e-7 a
    gradient is right; around 1e-4 suspect unless there are kinks; above 1e-2 it is wrong.
    Entries where both are exactly 0 count as 0 error.

    Parameters
    ----------
    a, b : array_like, same shape

    Returns
    -------
    float
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}.")
    if a.size == 0:
        return 0.0
    return float(np.max(_elementwise_relative_error(a, b)))


def _elementwise_relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), _TINY)


@dataclass(frozen=True)
class GradientReport:
    """The result of :func:`check_gradient`; ``str(report)`` is a sentence for a student."""

    relative_error: float
    worst_index: tuple[int, ...]
    analytic_value: float
    numerical_value: float
    tolerance: float
    name: str = "x"

    @property
    def passed(self) -> bool:
        """True when the worst relative error is within the tolerance."""
        return self.relative_error <= self.tolerance

    def __str__(self) -> str:
        where = (
            f"{self.name}[{', '.join(map(str, self.worst_index))}]"
            if self.worst_index
            else self.name
        )
        values = f"(analytic {self.analytic_value:.6g}, numerical {self.numerical_value:.6g})"
        if self.passed:
            return (
                f"gradient OK: worst relative error {self.relative_error:.1e} at {where} {values},"
                f" within the tolerance {self.tolerance:.0e}."
            )
        return (
            f"gradient differs from a numerical gradient at {where}: {values}, relative error"
            f" {self.relative_error:.1e} > tolerance {self.tolerance:.0e}."
        )

    __repr__ = __str__


def check_gradient(
    f: Callable[[np.ndarray], Any],
    grad_f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    *,
    h: float = 1e-5,
    tolerance: float = 1e-7,
    samples: int | None = None,
    seed: int = 0,
    name: str = "x",
) -> GradientReport:
    """Compare an analytic gradient with a centred-difference one at ``x``.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar.
    grad_f : callable
        ``grad_f(x)`` returns df/dx, an array of ``x``'s shape.
    x : ndarray of float
        The point (perturbed in place during the check, then restored).
    h : float
        Finite-difference step.
    tolerance : float
        Largest relative error that passes.
    samples : int, optional
        Check only this many randomly chosen entries (seeded by ``seed``) instead of all.
    name : str
        What to call ``x`` in the report, e.g. ``"W1"``.

    Returns
    -------
    GradientReport
        ``report.passed``, ``report.relative_error``, and where the worst entry is.
    """
    analytic = np.asarray(grad_f(x), dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(
            f"grad_f returned shape {analytic.shape}, but the gradient must have the shape of"
            f" {name}, {x.shape}."
        )
    indices = None
    if samples is not None and samples < x.size:
        rng = np.random.default_rng(seed)
        flat = rng.choice(x.size, size=samples, replace=False)
        indices = [np.unravel_index(i, x.shape) for i in flat]
    numerical = numerical_gradient(f, x, h=h, indices=indices)
    if indices is not None:
        mask = np.zeros(x.shape, dtype=bool)
        for index in indices:
            mask[index] = True
        analytic_checked, numerical_checked = analytic[mask], numerical[mask]
        positions = [tuple(int(i) for i in idx) for idx in np.argwhere(mask)]
    else:
        analytic_checked, numerical_checked = analytic.ravel(), numerical.ravel()
        positions = [tuple(int(i) for i in idx) for idx in np.ndindex(x.shape)]
    errors = _elementwise_relative_error(analytic_checked, numerical_checked)
    worst = int(np.argmax(errors))
    return GradientReport(
        relative_error=float(errors[worst]),
        worst_index=positions[worst],
        analytic_value=float(analytic_checked[worst]),
        numerical_value=float(numerical_checked[worst]),
        tolerance=tolerance,
        name=name,
    )
