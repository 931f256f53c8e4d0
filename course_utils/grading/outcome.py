"""What one call of a student's function produced, as plain data.

The same conversion runs in the grading child (before anything is sent) and in a student's
own kernel for ``check()``, so both see a student's answer the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .wire import NUMERIC_KINDS, Probe, Result

#: ``Outcome.type`` of a returned tuple, named tuple or list: one array per item
SEQUENCES = ("tuple", "list")
#: a longer list is data (one array), never a tuple of results written as a list
MAX_ITEMS = 64

#: ``Outcome.status`` values: the call returned; raised; the function is not defined; the
#: child ran out of time; the child died (crash, exit, memory) while running this call.
STATUSES = ("ok", "error", "missing", "timeout", "crash", "skipped")


@dataclass
class Outcome:
    """The plain-data result of calling one student function once."""

    status: str
    error: str = ""  # one line, e.g. "ZeroDivisionError: division by zero"
    type: str = ""  # type name of the returned object, e.g. "ndarray", "list", "NoneType"
    values: list[np.ndarray] = field(default_factory=list)  # one array, or one per tuple item
    mutated: list[int] = field(default_factory=list)  # positions of arguments changed in place


def one_line(error: BaseException) -> str:
    """``"TypeError: message"`` on one line, at most 300 characters, never a traceback."""
    try:
        text = f"{type(error).__name__}: {error}"
    except BaseException:  # a hostile __str__
        text = type(error).__name__
    text = " ".join(text.split())
    return text[:300]


def _to_array(value: Any) -> np.ndarray:
    array = np.array(value, copy=True, order="C")  # a plain copy: no subclass, no lying methods
    if array.dtype.kind not in NUMERIC_KINDS:
        raise TypeError(f"not numbers (dtype {array.dtype})")
    return array


def _kind(value: Any) -> str:
    """``"tuple"`` for a tuple or named tuple, ``"list"`` for a list (subclasses included),
    else the type's own name."""
    if isinstance(value, tuple):
        return "tuple"
    if isinstance(value, list) and len(value) <= MAX_ITEMS:
        return "list"
    return type(value).__name__[:60]


def plain_outcome(value: Any) -> Outcome:
    """Convert a returned object to numbers; anything else becomes an ``error`` outcome.

    A tuple, named tuple or (short) list becomes one array per item, so ``(dW1, db1)``,
    ``[dW1, db1]`` and ``Grads(dW1, db1)`` read the same; the comparison decides whether a
    sequence was asked for. The ``error`` text of an outcome that is not numbers starts with
    ``"returned "``: nothing was raised.
    """
    if value is None:
        return Outcome("ok", type="NoneType")
    kind = _kind(value)
    try:
        items = list(value) if kind in SEQUENCES else [value]
        arrays = [_to_array(item) for item in items]
    except BaseException as error:
        return Outcome(
            "error", error=f"returned a {kind} that is not numbers: " + one_line(error), type=kind
        )
    return Outcome("ok", type=kind, values=arrays)


def _drifted(old: np.ndarray, new: np.ndarray) -> bool:
    """``new`` differs from the float array ``old`` by round-off only (a few ulps), as after
    ``x[i] += h; …; x[i] -= 2 * h; …; x[i] += h``."""
    if old.dtype.kind != "f" or new.dtype != old.dtype or not np.all(np.isfinite(old)):
        return False
    scale = max(1.0, float(np.max(np.abs(old), initial=0.0)))
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(new - old) <= 1e-12 * scale))


def arguments_changed(before: list[Any], after: list[Any]) -> list[int]:
    """Positions whose array argument no longer equals its copy taken before the call.

    Position ``i`` is listed as ``i`` when the values changed, and as ``-(i + 1)`` when they
    moved by round-off only (a perturbation undone by arithmetic instead of by restoring the
    saved value): the comparison names that cause instead of blaming a change in place.
    """
    changed = []
    for i, (old, new) in enumerate(zip(before, after, strict=False)):
        if isinstance(old, np.ndarray):
            same = (
                isinstance(new, np.ndarray)
                and new.shape == old.shape
                and np.array_equal(new, old, equal_nan=old.dtype.kind == "f")
            )
            if not same:
                drift = isinstance(new, np.ndarray) and new.shape == old.shape
                changed.append(-(i + 1) if drift and _drifted(old, new) else i)
    return changed


def invoke(
    namespace: dict[str, Any],
    function: str,
    args: list[Any],
    kwargs: dict[str, Any],
    catch: type[BaseException] | tuple[type[BaseException], ...] = Exception,
) -> Outcome:
    """Call ``namespace[function]`` on copies of ``args`` and return what came back, as data.

    The arguments are copied first, so the caller's arrays are safe; ``mutated`` lists which
    copies the function changed in place.
    """
    fn = namespace.get(function)
    if not callable(fn):
        return Outcome("missing", error=f"`{function}` is not defined")
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    try:
        value = fn(*copies, **kwargs)
    except catch as error:
        return Outcome("error", error=one_line(error))
    try:
        outcome = plain_outcome(value)
        outcome.mutated = arguments_changed(args, copies)
    except catch as error:
        return Outcome("error", error=one_line(error))
    return outcome


def resolve(
    values: list[Any],
    earlier: Mapping[int, Outcome],
    probes: Mapping[str, Callable[..., Any]] | None = None,
) -> list[Any]:
    """Replace each :class:`Result` by a copy of that earlier call's array and each
    :class:`Probe` by the grader's test function; raise ``LookupError`` (one friendly line)
    when an earlier call gave no such value."""
    if probes is None:
        from .probes import PROBES as probes
    out = []
    for value in values:
        if isinstance(value, Result):
            before = earlier.get(value.call)
            if before is None or before.status != "ok" or len(before.values) <= value.item:
                raise LookupError(
                    "it needs what an earlier call returned, and that call gave no usable value"
                )
            out.append(before.values[value.item].copy())
        elif isinstance(value, Probe):
            out.append(probes[value.name])
        else:
            out.append(value)
    return out


def invoke_all(
    namespace: dict[str, Any],
    calls: list[Any],
    catch: type[BaseException] | tuple[type[BaseException], ...] = Exception,
) -> list[Outcome]:
    """:func:`invoke` each call (``.function``, ``.args``, ``.kwargs``) in order, feeding
    :class:`Result` arguments from the earlier calls of the same list."""
    outcomes: list[Outcome] = []
    for call in calls:
        earlier = dict(enumerate(outcomes))
        try:
            args = resolve(call.args, earlier)
            kwargs = dict(
                zip(call.kwargs, resolve(list(call.kwargs.values()), earlier), strict=True)
            )
        except LookupError as error:
            outcomes.append(Outcome("skipped", error=str(error)))
            continue
        outcomes.append(invoke(namespace, call.function, args, kwargs, catch))
    return outcomes
