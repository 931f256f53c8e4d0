"""Compare: judge a student's outcomes against the reference, in the grader's own process.

Nothing here runs student code; it reads plain arrays only. Every verdict is one sentence a
student can act on; for a hidden check the sentence never shows the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .outcome import Outcome, one_line
from .spec import Task, pick
from .wire import Probe, Result

_TINY = 1e-300
_DETAIL = "\x1f"  # marks where a message's numbers start (public checks only show them)


@dataclass
class Verdict:
    """How one check went for one submission."""

    task_id: str
    question: str
    name: str
    public: bool
    points: float
    score: float
    message: str  # "passed" or one sentence saying what is wrong
    inputs: str = ""  # a short description of the inputs (public checks only)

    @property
    def passed(self) -> bool:
        return self.score >= self.points


def _fmt(x: float) -> str:
    return f"{float(x):.6g}"


def _where(index: tuple[int, ...]) -> str:
    return f"[{', '.join(str(i) for i in index)}]" if index else ""


def describe_inputs(task: Task) -> str:
    """``pred = [1. 2. 3.], target = ...`` for the first call of a public check."""
    call = task.calls[0]
    parts = []
    for i, value in enumerate(call.args):
        if isinstance(value, Probe):
            parts.append(f"argument {i + 1} = the grader's test function {value.name!r}")
            continue
        if isinstance(value, Result):
            parts.append(f"argument {i + 1} = item {value.item} of call {value.call + 1}")
            continue
        text = np.array2string(np.asarray(value), precision=4, threshold=12, separator=", ")
        parts.append(f"argument {i + 1} = {' '.join(text.split())}")
    parts += [f"{k} = {v!r}" for k, v in call.kwargs.items()]
    return "; ".join(parts)


def _failure(outcome: Outcome, fn: str) -> str | None:
    """A sentence for a call that produced no usable value, else None."""
    if outcome.status == "missing":
        return f"your notebook does not define `{fn}` (check the spelling and run every cell)"
    if outcome.status == "timeout":
        return f"`{fn}` did not finish in time (an infinite loop, or far too slow?)"
    if outcome.status == "crash":
        return f"`{fn}` stopped the Python process ({outcome.error or 'it crashed'})"
    if outcome.status == "skipped":
        return f"`{fn}` was not run: {outcome.error}"
    if outcome.status == "error":
        return f"`{fn}` raised {outcome.error}"
    if outcome.type == "NoneType" or not outcome.values:
        return f"`{fn}` returned None; did you forget `return`?"
    return None


def _first_mismatch(got: np.ndarray, want: np.ndarray, rtol: float, atol: float):
    bad = ~((np.abs(got - want) <= atol + rtol * np.abs(want)) | (np.isnan(got) & np.isnan(want)))
    if not np.any(bad):
        return None
    return tuple(int(i) for i in np.argwhere(bad)[0]) if bad.ndim else ()


def _matches(outcome: Outcome, want: Outcome, rtol: float, atol: float) -> bool:
    if outcome.status != "ok" or want.status != "ok" or len(outcome.values) != len(want.values):
        return False
    for got, exp in zip(outcome.values, want.values, strict=False):
        if got.shape != exp.shape:
            return False
        if _first_mismatch(got.astype(np.float64), exp.astype(np.float64), rtol, atol) is not None:
            return False
    return True


def _picked(outcome: Outcome, item: int | None, fn: str) -> tuple[Outcome, str | None]:
    """Item ``item`` of a returned tuple (``item=None``: the outcome itself), or a sentence."""
    if item is None or _failure(outcome, fn):
        return outcome, None
    picked = pick(outcome, item)
    if picked is None:
        return outcome, f"`{fn}` should return a tuple of at least {item + 1} arrays"
    return picked, None


def _judge_close(task: Task, outcome: Outcome) -> str | None:
    check, fn = task.check, task.calls[0].function
    rtol, atol = check.params["rtol"], check.params["atol"]
    item = check.params.get("item")
    outcome, failure = _picked(outcome, item, fn)
    failure = failure or _failure(outcome, fn)
    if failure:
        return failure
    expected = task.expected
    if len(outcome.values) != len(expected.values):
        n = len(expected.values)
        return f"`{fn}` should return {'one value' if n == 1 else f'{n} values (a tuple)'}"
    for part, (got, want) in enumerate(zip(outcome.values, expected.values, strict=False)):
        label = f"`{fn}`" if len(expected.values) == 1 else f"item {part} returned by `{fn}`"
        if item is not None:
            label = f"item {item} returned by `{fn}`"
        if want.ndim and expected.type in ("ndarray", "tuple") and outcome.type == "list":
            return f"{label} is a Python list; return a NumPy array (np.asarray)"
        if got.shape != want.shape:
            hint = ""
            for sentence, variant in task.variants.items():
                if _matches(outcome, variant, rtol, atol):
                    hint = f" — {sentence}"
            return f"{label} has shape {got.shape}; expected shape {want.shape}{hint}"
        if want.dtype.kind == "f" and got.dtype.kind != "f":
            return f"{label} has dtype {got.dtype}; expected floating-point numbers"
        if want.dtype.kind in "iub" and got.dtype.kind != want.dtype.kind:
            return f"{label} has dtype {got.dtype}; expected {want.dtype}"
        g, w = got.astype(np.float64), want.astype(np.float64)
        if np.all(np.isfinite(w)) and not np.all(np.isfinite(g)):
            index = tuple(int(i) for i in np.argwhere(~np.isfinite(g))[0]) if g.ndim else ()
            return (
                f"{label} contains {_fmt(g[index])} at {_where(index) or 'its only entry'}"
                " where the answer is finite (an overflow? use a numerically stable form)"
            )
        index = _first_mismatch(g, w, rtol, atol)
        if index is not None:
            for sentence, variant in task.variants.items():
                if _matches(outcome, variant, rtol, atol):
                    return f"{label} is not right — {sentence}"
            where = f" at {_where(index)}" if index else ""
            return (
                f"{label} differs from the expected answer{where}{_DETAIL}: {_fmt(g[index])}"
                f" vs {_fmt(w[index])}"
            )
    if outcome.mutated and not check.params["allow_mutation"]:
        names = ", ".join(f"argument {i + 1}" for i in outcome.mutated)
        return f"`{fn}` changed its input in place ({names}); work on a copy instead"
    return None


def _judge_gradient(task: Task, outcomes: list[Outcome]) -> str | None:
    check = task.check
    loss, grad = check.functions
    wrt, h, rtol = check.params["wrt"], check.params["h"], check.params["rtol"]
    first, failure = _picked(outcomes[0], check.params.get("item"), grad)
    failure = failure or _failure(first, grad)
    if failure:
        return failure
    x = np.asarray(task.calls[0].args[wrt])
    if len(first.values) != 1 or first.values[0].shape != x.shape:
        got = first.values[0].shape if len(first.values) == 1 else f"{len(first.values)} values"
        return (
            f"`{grad}` should return one array shaped like argument {wrt + 1} {x.shape}; got {got}"
        )
    analytic = first.values[0].astype(np.float64)
    numeric = np.zeros(len(task.indices))
    for k, _ in enumerate(task.indices):
        plus, minus = outcomes[1 + 2 * k], outcomes[2 + 2 * k]
        for o in (plus, minus):
            failure = _failure(o, loss)
            if failure:
                return f"cannot check the gradient: {failure}"
            if len(o.values) != 1 or o.values[0].size != 1:
                return f"cannot check the gradient: `{loss}` must return one number"
        numeric[k] = (float(plus.values[0].reshape(())) - float(minus.values[0].reshape(()))) / (
            2 * h
        )
    picked = np.array([analytic[i] for i in task.indices])
    if not np.all(np.isfinite(picked)):
        return f"`{grad}` returned NaN or infinity"
    if not np.all(np.isfinite(numeric)):
        return f"cannot check the gradient: `{loss}` returned NaN or infinity"
    errors = np.abs(picked - numeric) / np.maximum(np.abs(picked) + np.abs(numeric), _TINY)
    errors[np.abs(picked - numeric) < 1e-10] = 0.0
    worst = int(np.argmax(errors))
    if errors[worst] > rtol:
        index = task.indices[worst]
        return (
            f"your gradient differs from a numerical gradient of your `{loss}` at"
            f" {_where(index) or 'the point'}{_DETAIL}: {_fmt(picked[worst])} vs"
            f" {_fmt(numeric[worst])} (relative error {errors[worst]:.1e})"
        )
    return None


def _judge_invariant(task: Task, outcomes: list[Outcome]) -> str | None:
    fn = task.calls[0].function
    rtol, atol = task.check.params["rtol"], task.check.params["atol"]
    for o in outcomes:
        failure = _failure(o, fn)
        if failure:
            return failure
    a, b = outcomes
    if len(a.values) != len(b.values) or any(
        x.shape != y.shape for x, y in zip(a.values, b.values, strict=False)
    ):
        return f"`{fn}` returns differently shaped answers for equivalent inputs"
    for x, y in zip(a.values, b.values, strict=False):
        x, y = x.astype(np.float64), y.astype(np.float64)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            return f"`{fn}` returns NaN or infinity (an overflow? use a numerically stable form)"
        index = _first_mismatch(y, x, rtol, atol)
        if index is not None:
            return (
                f"`{fn}` changes when it should not{' at ' + _where(index) if index else ''}"
                f"{_DETAIL}: {_fmt(x[index])} becomes {_fmt(y[index])}"
            )
    return None


def _judge_evaluate(task: Task, outcomes: list[Outcome]) -> str | None:
    check = task.check
    for call, outcome in zip(task.calls, outcomes, strict=True):
        failure = _failure(outcome, call.function)
        if failure:
            return failure
    what, target = check.params["what"], check.params["at_least"]
    try:
        value = float(check.score([o.values for o in outcomes], *task.secret))
    except Exception as error:  # the student's arrays do not fit (wrong shape, say)
        return f"the grader could not compute the {what} from what your functions returned" + (
            f" ({one_line(error)})"
        )
    if not value >= target:
        return f"the {what} does not reach {target:g}{_DETAIL}: {value:.4g}"
    return None


def _judge_raises(task: Task, outcome: Outcome) -> str | None:
    fn, wanted = task.calls[0].function, task.check.params["error"]
    if outcome.status == "error":
        got = outcome.error.split(":", 1)[0]
        return None if got == wanted else f"`{fn}` raised {got}; it should raise {wanted} here"
    failure = _failure(outcome, fn) if outcome.status != "ok" else None
    return failure or f"`{fn}` returned a value; it should raise {wanted} for these inputs"


def judge(task: Task, outcomes: list[Outcome]) -> Verdict:
    """The verdict of one task given the outcome of each of its calls, in order."""
    check = task.check
    with np.errstate(all="ignore"):
        problem = _problem(task, outcomes)
    if problem:  # a hidden check says what is wrong and where, but shows no numbers
        head, _, detail = problem.partition(_DETAIL)
        problem = head + detail if check.public else head
    inputs = describe_inputs(task) if check.public else ""
    return Verdict(
        task.id,
        check.question,
        check.name,
        check.public,
        check.points,
        0.0 if problem else check.points,
        problem or "passed",
        inputs,
    )


def _problem(task: Task, outcomes: list[Outcome]) -> str | None:
    check = task.check
    if check.kind == "close":
        problem = _judge_close(task, outcomes[0])
    elif check.kind == "gradient":
        problem = _judge_gradient(task, outcomes)
    elif check.kind == "raises":
        problem = _judge_raises(task, outcomes[0])
    elif check.kind == "evaluate":
        problem = _judge_evaluate(task, outcomes)
    else:
        problem = _judge_invariant(task, outcomes)
    return problem
