"""Test functions a check may hand to a student's function (``Probe("cubic")`` in ``args``).

A function cannot travel to a sandboxed child as data, so a check that needs one (a numerical
gradient of *some* scalar function, say) names it, and both sides look it up here: the child
before calling the student's code, the grader when it computes the reference answer. Whatever
a submission does to this table in its own process changes only what it computes; its answer
is still compared with the reference computed in the grader.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _cubic(x: np.ndarray) -> float:
    """f(x) = Σ (x_i³ + x_i); ∂f/∂x_i = 3x_i² + 1."""
    return float(np.sum(x**3 + x))


def _logsumexp(x: np.ndarray) -> float:
    """f(x) = log Σ exp(x_i); its gradient is the softmax of x."""
    return float(np.log(np.sum(np.exp(x))))


def _wave(x: np.ndarray) -> float:
    """f(x) = Σ sin(x_i)·cos(2x_i)."""
    return float(np.sum(np.sin(x) * np.cos(2.0 * x)))


#: name -> scalar function of one float array (any shape)
PROBES: dict[str, Callable[[np.ndarray], float]] = {
    "cubic": _cubic,
    "logsumexp": _logsumexp,
    "wave": _wave,
}
