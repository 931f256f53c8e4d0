"""Compare: judge a student's outcomes against the reference, in the grader's own process.

Nothing here runs student code; it reads plain arrays only. Every verdict is one sentence a
student can act on; for a hidden check the sentence never shows the inputs.
"""

from __future__ import annotations

import builtins
import re
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np

from .outcome import SEQUENCES, Outcome
from .spec import Task, earns_alone, pick, targets
from .wire import Probe, Result

_TINY = 1e-300
_DETAIL = "\x1f"  # starts a message's student-made details (public checks only) ...
_END = "\x1e"  # ... which run to here, or to the end of the message
_DETAILS = re.compile(f"{_DETAIL}[^{_END}]*(?:{_END}|$)")
FLOAT32 = "your answer is float32; compute in float64"
#: exception names a hidden check may quote: a fixed list, so a submission cannot spell out a
#: hidden input through its exception's name (its message is never quoted)
_KNOWN_ERRORS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
) | {"LinAlgError"}


_QUOTABLE: ContextVar[frozenset[str]] = ContextVar("quotable", default=frozenset())


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


def _said(text: str) -> str:
    """Text the submission chose, made unable to end a detail early."""
    return text.replace(_DETAIL, " ").replace(_END, " ")


def _raised(error: str) -> str:
    """``raised ValueError`` (the name only when it is a standard one) + the detail."""
    error = _said(error)
    if error in _QUOTABLE.get():  # the exercise's own sentence (a forbidden import)
        return f"raised {error}"
    name, colon, text = error.partition(":")
    if name in _KNOWN_ERRORS:
        return f"raised {name}{_DETAIL}{colon}{text}"
    return f"raised an exception{_DETAIL} ({error})"


def _failure(outcome: Outcome, fn: str) -> str | None:
    """A sentence for a call that produced no usable value, else None.

    Whatever the submission chose (its exception's message, an exit code, a type's name)
    comes after ``_DETAIL``, so a hidden check's feedback never shows it.
    """
    if outcome.status == "missing":
        return f"your notebook does not define `{fn}` (check the spelling and run every cell)"
    if outcome.status == "timeout":
        return f"`{fn}` did not finish in time (an infinite loop, or far too slow?)"
    if outcome.status == "crash":
        why = _said(outcome.error) or "it crashed"
        return f"`{fn}` stopped the Python process{_DETAIL} ({why})"
    if outcome.status == "skipped":
        return (
            f"`{fn}` was not run: it needs what an earlier call returned, and that call gave"
            f" no usable value or ran out of time{_DETAIL} ({_said(outcome.error)})"
        )
    if outcome.status == "error" and outcome.error.startswith("returned "):
        return f"`{fn}` returned something that is not numbers{_DETAIL}: {_said(outcome.error)}"
    if outcome.status == "error":
        return f"`{fn}` {_raised(outcome.error)}"
    if outcome.type == "NoneType" or not outcome.values:
        return f"`{fn}` returned None; did you forget `return`?"
    return None


def _float32_tolerances(want: np.ndarray, rtol: float, atol: float) -> tuple[float, float]:
    """What float32 arithmetic can meet: 1e-5 relative, and 1e-5 of the answer's scale
    absolute (``atol=0``, exact zeros, stays 0)."""
    scale = float(np.max(np.abs(want), initial=0.0)) if want.size else 0.0
    return max(rtol, 1e-5), (0.0 if atol == 0 else max(atol, 1e-5 * scale))


def _narrow(got: np.ndarray, want: np.ndarray) -> bool:
    """The answer was computed in float32 (or float16) where the reference is float64: its
    dtype says so, or every value is a float32 number (``float(np.float32(...))``) while the
    reference's are not."""
    if got.dtype.kind != "f" or want.dtype.kind != "f" or got.itemsize > want.itemsize:
        return False
    if got.itemsize < want.itemsize:
        return True

    def single(a: np.ndarray) -> bool:
        with np.errstate(all="ignore"):
            return bool(np.all(a.astype(np.float32).astype(a.dtype) == a))

    return single(got) and not single(want)


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
        r, a = _float32_tolerances(exp, rtol, atol) if _narrow(got, exp) else (rtol, atol)
        if _first_mismatch(got.astype(np.float64), exp.astype(np.float64), r, a) is not None:
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


def _mistake(task: Task, outcome: Outcome, rtol: float, atol: float) -> str | None:
    for sentence, variant in task.variants.items():
        if _matches(outcome, variant, rtol, atol):
            return sentence
    return None


def _mutation(outcome: Outcome, fn: str, allowed: bool) -> tuple[str | None, str | None]:
    """(a problem, a note) about the arguments ``fn`` changed in place."""
    changed = [i for i in outcome.mutated if i >= 0]
    if changed and not allowed:
        names = ", ".join(f"argument {i + 1}" for i in changed)
        problem = f"`{fn}` changed its input in place{_DETAIL} ({names}){_END}; work on a copy"
        return problem + " instead", None
    if any(i < 0 for i in outcome.mutated) and not allowed:
        return None, (
            f"full marks, but `{fn}` leaves its input changed in the last digits: undoing a"
            " step by arithmetic (x[i] -= 2h, then x[i] += h) is not exact in floating point;"
            " keep the old value and put it back"
        )
    return None, None


def _judge_close(task: Task, outcome: Outcome) -> str | None:
    check, fn = task.check, task.calls[0].function
    rtol, atol = check.params["rtol"], check.params["atol"]
    item = check.params.get("item")
    outcome, failure = _picked(outcome, item, fn)
    failure = failure or _failure(outcome, fn)
    if failure:
        return failure
    if any(_matches(outcome, other, rtol, atol) for other in task.accepted):
        return _mutation(outcome, fn, check.params["allow_mutation"])[0]
    expected = task.expected
    n = len(expected.values)
    sequence_asked = expected.type in SEQUENCES and item is None
    if outcome.type == "list" and not sequence_asked:
        return f"`{fn}` is a Python list; return a NumPy array (np.asarray)"
    if len(outcome.values) != n or (outcome.type in SEQUENCES) != sequence_asked:
        return f"`{fn}` should return {f'{n} arrays (a tuple)' if sequence_asked else 'one value'}"
    for part, (got, want) in enumerate(zip(outcome.values, expected.values, strict=True)):
        label = f"item {part} returned by `{fn}`" if sequence_asked else f"`{fn}`"
        if item is not None:
            label = f"item {item} returned by `{fn}`"
        if got.shape != want.shape:
            hint = _mistake(task, outcome, rtol, atol)
            return (
                f"{label} has the wrong shape; expected shape {want.shape}"
                + (f" — {hint}" if hint else "")
                + f"{_DETAIL} (got shape {got.shape})"
            )
        if want.dtype.kind == "f" and got.dtype.kind != "f":
            return f"{label} is not floating-point numbers{_DETAIL} (dtype {got.dtype})"
        if want.dtype.kind in "iub" and got.dtype.kind != want.dtype.kind:
            return f"{label} has the wrong dtype; expected {want.dtype}{_DETAIL} (got {got.dtype})"
        g, w = got.astype(np.float64), want.astype(np.float64)
        if np.all(np.isfinite(w)) and not np.all(np.isfinite(g)):
            index = tuple(int(i) for i in np.argwhere(~np.isfinite(g))[0]) if g.ndim else ()
            return (
                f"{label} contains NaN or infinity where the answer is finite (an overflow? use"
                f" a numerically stable form){_DETAIL}: {_fmt(g[index])} at"
                f" {_where(index) or 'its only entry'}"
            )
        index = _first_mismatch(g, w, rtol, atol)
        if index is not None and _narrow(got, want):
            r32, a32 = _float32_tolerances(want, rtol, atol)
            if _first_mismatch(g, w, r32, a32) is None:
                continue  # float32 is precise enough here
        if index is not None:
            sentence = _mistake(task, outcome, rtol, atol)
            if sentence:
                return f"{label} is not right — {sentence}"
            near = _first_mismatch(g, w, 1e-2, 1e-2 * float(np.max(np.abs(w))))
            if _narrow(got, want) and near is None:
                return FLOAT32
            where = f" at {_where(index)}" if index else ""
            return (
                f"{label} differs from the expected answer{_DETAIL}{where}: {_fmt(g[index])}"
                f" vs {_fmt(w[index])}"
            )
    return _mutation(outcome, fn, check.params["allow_mutation"])[0]


def _note(task: Task, outcomes: list[Outcome]) -> str | None:
    """A remark for a passed check (its input drifted by round-off), else None."""
    if task.check.kind != "close" or not outcomes or outcomes[0].status != "ok":
        return None
    fn = task.calls[0].function
    return _mutation(outcomes[0], fn, task.check.params["allow_mutation"])[1]


def _judge_gradient(task: Task, outcomes: list[Outcome]) -> str | None:
    check = task.check
    grad = check.functions[1]
    wrt, rtol = check.params["wrt"], check.params["rtol"]
    first, failure = _picked(outcomes[0], check.params.get("item"), grad)
    failure = failure or _failure(first, grad)
    if failure:
        return failure
    x = np.asarray(task.calls[0].args[wrt])
    if len(first.values) != 1 or first.values[0].shape != x.shape:
        got = first.values[0].shape if len(first.values) == 1 else f"{len(first.values)} values"
        return (
            f"`{grad}` should return one array shaped like argument {wrt + 1} {x.shape}"
            f"{_DETAIL}; got {got}"
        )
    analytic = first.values[0]
    numeric = task.expected.values[0]
    picked = np.array([analytic[i] for i in task.indices], dtype=np.float64)
    if not np.all(np.isfinite(picked)):
        return f"`{grad}` returned NaN or infinity"
    scale = float(np.max(np.abs(numeric), initial=0.0))
    floor = max(1e-10, 1e-7 * scale)  # a difference quotient's own round-off, near zero entries
    if analytic.dtype.kind == "f" and analytic.itemsize < 8:  # float32: what it can meet
        rtol, floor = max(rtol, 1e-4), max(floor, 1e-6 * scale)
    errors = np.abs(picked - numeric) / np.maximum(np.abs(picked) + np.abs(numeric), _TINY)
    errors[np.abs(picked - numeric) < floor] = 0.0
    worst = int(np.argmax(errors))
    if errors[worst] > rtol:
        index = task.indices[worst]
        return (
            f"your `{grad}` differs from a numerical gradient of the loss{_DETAIL} at"
            f" {_where(index) or 'the point'}: {_fmt(picked[worst])} vs"
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
        narrow = x.dtype.kind == "f" and x.itemsize < 8
        x, y = x.astype(np.float64), y.astype(np.float64)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            return f"`{fn}` returns NaN or infinity (an overflow? use a numerically stable form)"
        r, t = rtol, atol
        if narrow:  # float32 rounds a shifted input: allow what its precision can meet
            r, t = max(rtol, 1e-4), max(atol, 1e-4 * float(np.max(np.abs(x), initial=0.0)))
        index = _first_mismatch(y, x, r, t)
        if index is not None:
            if narrow:
                return FLOAT32
            return (
                f"`{fn}` changes when it should not{_DETAIL}"
                f"{' at ' + _where(index) if index else ''}: {_fmt(x[index])} becomes"
                f" {_fmt(y[index])}"
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
        value = check.score([o.values for o in outcomes], *task.secret)
        if isinstance(value, str):
            if value not in check.mistakes:
                raise RuntimeError(f"check {task.id}: score returned an undeclared cause")
            return value
        value = float(value)
    except (ValueError, TypeError, IndexError, ArithmeticError):  # arrays that do not fit
        functions = ", ".join(f"`{f}`" for f in dict.fromkeys(check.functions))
        return (
            f"the grader could not compute the {what} from what {functions} returned"
            " (wrong number of arrays, or wrong shapes)"
        )
    if not value >= target:
        return f"the {what} does not reach {target:g}{_DETAIL}: {value:.4g}"
    return None


def _judge_raises(task: Task, outcome: Outcome) -> str | None:
    fn, wanted = task.calls[0].function, task.check.params["error"]
    if outcome.status == "error" and not outcome.error.startswith("returned "):
        got = outcome.error.split(":", 1)[0]
        if got == wanted:
            return None
        return f"`{fn}` {_raised(outcome.error).split(_DETAIL)[0]}; it should raise {wanted} here"
    failure = _failure(outcome, fn) if outcome.status != "ok" else None
    return failure or f"`{fn}` returned a value; it should raise {wanted} for these inputs"


def judge(task: Task, outcomes: list[Outcome]) -> Verdict:
    """The verdict of one task given the outcome of each of its calls, in order."""
    check = task.check
    token = _QUOTABLE.set(task.errors)
    try:
        with np.errstate(all="ignore"):
            problem = _problem(task, outcomes)
            note = None if problem else _note(task, outcomes)
    finally:
        _QUOTABLE.reset(token)
    if problem:  # a hidden check says what is wrong, but shows nothing student-made
        if check.public:
            problem = problem.replace(_DETAIL, "").replace(_END, "")
        else:
            problem = _DETAILS.sub("", problem)
    inputs = describe_inputs(task) if check.public else ""
    return Verdict(
        task.id,
        check.question,
        check.name,
        check.public,
        check.points,
        0.0 if problem else check.points,
        problem or note or "passed",
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


def judge_all(tasks: list[Task], outcomes: list[Outcome]) -> list[Verdict]:
    """Every task's verdict (``outcomes`` holds each task's calls in order), then the scoring
    policy: a check that only confirms earns its points only with a passing value check."""
    verdicts, start = [], 0
    for task in tasks:
        n = len(task.calls)
        verdicts.append(judge(task, outcomes[start : start + n]))
        start += n
    return settle(tasks, verdicts)


def settle(tasks: list[Task], verdicts: list[Verdict]) -> list[Verdict]:
    """Apply the scoring policy to the verdicts of one submission, in place.

    A hidden value check (``close``, ``evaluate``) earns its points alone. Every other check
    (a public example, a numerical gradient, an invariant, a raised exception) only confirms:
    it keeps its points only when a hidden value check of the same function passed too, so
    constant answers and answers copied from the released checks earn nothing.
    """
    passed = set()
    for task, verdict in zip(tasks, verdicts, strict=True):
        if earns_alone(task.check) and verdict.passed:
            passed |= targets(task.check)
    for task, verdict in zip(tasks, verdicts, strict=True):
        if earns_alone(task.check) or not verdict.passed:
            continue
        wanted = targets(task.check)
        if not any((fn, item) in passed or (fn, None) in passed for fn, item in wanted):
            fn = min(fn for fn, _ in wanted)
            verdict.score = 0.0
            verdict.message = (
                "this check passed, but it only confirms: its points come with a passing"
                f" hidden check of what `{fn}` returns, and that check failed"
            )
    return verdicts
