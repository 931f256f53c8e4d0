"""Numerical gradients and how to compare them with analytic ones.

The centred difference (f(x + h·e_i) − f(x − h·e_i)) / 2h has error O(h²), against O(h) for the
one-sided difference, so in float64 with h = 1e-5 it agrees with a correct analytic gradient to
about 1e-10 relative error on smooth functions. Near a kink (|x| at 0, max(0, ·) at 0) the two
evaluation points can straddle the kink and the check fails for a correct gradient: move the
point, or accept a larger error there.

Rounding sets a floor under what a numerical gradient can resolve. Each evaluation of f is
rounded to about ε·|f| (ε = 2.2e-16 in float64), and dividing the difference by 2h turns that
into an error of about ε·|f|/h ≈ 1e-11·|f| in every entry. An entry whose exact gradient is 0
(terms that cancel, a unit that is switched off) comes out as ±1e-11·|f| or so, and its
*relative* error is then 100 % although nothing is wrong. So both comparisons here have an
absolute floor: :func:`relative_error` divides by max(|a| + |b|, floor), and
:func:`check_gradient` lets an entry pass when its difference is below the rounding noise of
the numerical gradient itself — a difference that small is no evidence of a bug.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "GradientReport",
    "check_gradient",
    "numerical_gradient",
    "relative_error",
    "rounding_noise",
]

#: Default absolute floor of :func:`relative_error`'s denominator.
RELATIVE_ERROR_FLOOR = 1e-10
#: How many units of ε·|f|/h of rounding noise :func:`check_gradient` tolerates per entry
#: (the evaluation of f adds up many rounded terms, so its error is a few dozen ε·|f|).
NOISE_UNITS = 100.0


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


def relative_error(a: Any, b: Any, floor: float = RELATIVE_ERROR_FLOOR) -> float:
    """max_i |a_i − b_i| / max(|a_i| + |b_i|, floor): the worst elementwise relative error.

    Scale-free for entries above the floor, so the same thresholds apply to small and large
    gradients: below ~1e-7 a gradient is right; around 1e-4 suspect unless there are kinks;
    above 1e-2 it is wrong. Entries below the floor are compared on an absolute scale, so an
    entry that is 0 in one array and rounding noise (1e-13, say) in the other does not read as
    100 % error. Raise ``floor`` to the noise level of a numerical gradient when comparing with
    one (see :func:`check_gradient`).

    Parameters
    ----------
    a, b : array_like, same shape
    floor : float > 0
        Smallest denominator.

    Returns
    -------
    float
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}.")
    if not (np.isscalar(floor) and np.isfinite(floor) and floor > 0):
        raise ValueError(f"floor must be a small positive number such as 1e-10; got {floor!r}.")
    if a.size == 0:
        return 0.0
    return float(np.max(_elementwise_relative_error(a, b, floor)))


def _elementwise_relative_error(a: np.ndarray, b: np.ndarray, floor: float) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)


def rounding_noise(f_value: float, h: float) -> float:
    """The rounding error of a centred difference of f, per entry: ``NOISE_UNITS``·ε·|f|/h.

    f(x ± h·e_i) is rounded to about ε·|f| each (many terms add up to a few dozen ε·|f|);
    dividing their difference by 2h gives ε·|f|/h per unit of rounding. A difference between an
    analytic and a numerical gradient below this is no evidence of a bug.

    Parameters
    ----------
    f_value : float
        f at the point checked.
    h : float
        The finite-difference step.

    Returns
    -------
    float
    """
    return NOISE_UNITS * float(np.finfo(np.float64).eps) * abs(float(f_value)) / h


@dataclass(frozen=True)
class GradientReport:
    """The result of :func:`check_gradient`; ``str(report)`` is a sentence for a student."""

    relative_error: float
    worst_index: tuple[int, ...]
    analytic_value: float
    numerical_value: float
    tolerance: float
    noise: float = 0.0
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

    Entry i passes when |a_i − n_i| ≤ tolerance·(|a_i| + |n_i|) (a relative error within the
    tolerance) or |a_i − n_i| ≤ :func:`rounding_noise` (f(x), h) (a difference the numerical
    gradient cannot resolve). Equivalently, the reported relative error is
    :func:`relative_error` with the floor noise/tolerance.

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
    noise = rounding_noise(_scalar(f(x)), h)
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
    errors = _elementwise_relative_error(
        analytic_checked, numerical_checked, max(noise / tolerance, np.finfo(np.float64).tiny)
    )
    worst = int(np.argmax(errors))
    return GradientReport(
        relative_error=float(errors[worst]),
        worst_index=positions[worst],
        analytic_value=float(analytic_checked[worst]),
        numerical_value=float(numerical_checked[worst]),
        tolerance=tolerance,
        noise=noise,
        name=name,
    )
