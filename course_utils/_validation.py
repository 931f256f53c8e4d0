"""Input checks shared by the math modules.

Every public function of ``course_utils`` validates its arguments through these helpers, so a
student who passes the wrong thing gets one clear sentence: which argument, what was expected,
what came, and how to fix it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

REDUCTIONS = ("mean", "sum", "none")


def as_float_array(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a finite floating-point array.

    Integer and boolean arrays become float64; float32/float64 keep their precision.

    Raises
    ------
    TypeError
        If ``value`` is not numeric (strings, objects, complex numbers).
    ValueError
        If it contains NaN or infinity.
    """
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array; could not convert it: {error}") from None
    if array.dtype.kind in "biu":
        array = array.astype(np.float64)
    elif array.dtype.kind != "f":
        raise TypeError(
            f"{name} must be a numeric array of real numbers; got dtype {array.dtype}"
            f" (from {type(value).__name__})."
        )
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = f" at index {tuple(int(i) for i in bad)}" if array.ndim else ""
        raise ValueError(
            f"{name} contains NaN or infinity{where}; every value must be a finite number."
        )
    return array


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have exactly the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {name_a}.shape = {a.shape}"
            f" and {name_b}.shape = {b.shape}."
        )


def check_reduction(reduction: str) -> None:
    """Raise ``ValueError`` unless ``reduction`` is 'mean', 'sum' or 'none'."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'mean', 'sum' or 'none'; got {reduction!r}.")


def check_in_unit_interval(array: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every entry of ``array`` lies in [0, 1]."""
    outside = (array < 0) | (array > 1)
    if np.any(outside):
        index = tuple(int(i) for i in np.argwhere(outside)[0])
        value = array[index] if array.ndim else array
        raise ValueError(
            f"{name} must be probabilities in [0, 1]; got {float(value):g}"
            + (f" at index {index}" if array.ndim else "")
            + ". If these are raw scores (logits), use the *_with_logits version."
        )


def check_positive_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a float, raising unless it is a finite number > 0."""
    if isinstance(value, bool) or not np.isscalar(value) or not np.isreal(value):
        raise TypeError(f"{name} must be a positive number; got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0; got {value!r}.")
    return value


def as_class_labels(
    labels: Any, n_samples: int, n_classes: int, name: str = "labels"
) -> np.ndarray:
    """Return integer class indices of shape (n_samples,), each in 0 … n_classes − 1."""
    array = np.asarray(labels)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be integer class indices; got dtype {array.dtype}."
            + (" Convert with labels.astype(int)." if array.dtype.kind in "fb" else "")
        )
    if array.shape != (n_samples,):
        raise ValueError(
            f"{name} must have shape (N,) = ({n_samples},), one class index per row of scores;"
            f" got shape {array.shape}."
        )
    out_of_range = (array < 0) | (array >= n_classes)
    if np.any(out_of_range):
        i = int(np.argmax(out_of_range))
        raise ValueError(
            f"{name} must be class indices in 0 … {n_classes - 1} (there are {n_classes} classes);"
            f" got {int(array[i])} at index {i}."
        )
    return array.astype(np.intp)


def reduce(values: np.ndarray, reduction: str) -> np.ndarray | float:
    """Apply a loss reduction: the mean or sum of all entries, or the entries themselves."""
    if reduction == "mean":
        return float(np.mean(values))
    if reduction == "sum":
        return float(np.sum(values))
    return values


def reduce_grad_scale(count: int, reduction: str) -> float:
    """The factor a per-entry gradient is multiplied by under ``reduction``."""
    return 1.0 / count if reduction == "mean" and count > 0 else 1.0
