"""The exercise format: questions, checks, and turning checks into concrete calls.

An exercise is a folder ``NAME/`` holding the instructor notebook ``NAME.ipynb`` and
``checks.py``. The notebook's solution code is the reference; ``checks.py`` declares

``QUESTIONS``
    a list of :class:`Question` (id such as ``"q1"``, a title, its points);
``CHECKS``
    a list of checks made with :func:`close`, :func:`gradient`, :func:`invariant`,
    :func:`raises` and :func:`evaluate`;
``FORBIDDEN_IMPORTS`` (optional)
    modules a submission may not import while it is graded, as a list
    (``["course_utils.losses"]``) or a mapping to what the exercise asks the student to write
    (``{"course_utils.losses": "mse, mae and huber"}``); submodules are included;
``WRITTEN`` (optional)
    a list of :class:`Written`: questions answered in prose, in a markdown cell of their own
    that starts with ``**Your answer (W1):**``. They are not scored; the grader stores the
    answer text beside the scores, and the feedback shows it as "graded by hand".

Each check names the student function(s) it calls, the inputs (a tuple, or a function of a
seeded ``numpy.random.Generator`` returning a tuple), its points, whether it is ``public``
(runs in the student's ``check("q1")`` and ships with the release) or hidden (only the grader
sees it), tolerances, and ``mistakes``: a mapping from a feedback sentence to a function that
computes the answer that mistake produces. When a wrong answer matches a mistake, the student
reads that sentence. A question's score is the sum of its passed checks (partial credit).

Inputs are fixed per exercise and check, so the reference answers are computed once per grading
run and a check means the same for everyone. A public check's generator is seeded from its
name (its inputs ship anyway); a hidden check's generator is seeded from the exercise's secret
too: the file ``NAME/.grading-secret``, created on first use (``course-grade release`` or
``grade``), kept beside ``checks.py`` on the instructor's side and never released, so nothing a
student holds (the package, the release) regenerates hidden inputs or labels.

This module is the format only: it never imports the notebook-side checker
(:mod:`.student`), which builds on it.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib.util
import io
import os
import secrets
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import numpy as np

from . import notebook
from .outcome import SEQUENCES, Outcome, invoke, invoke_all
from .wire import Probe, Result  # noqa: F401  (re-exported: checks.py builds with them)

Args = Union[tuple[Any, ...], Callable[[np.random.Generator], tuple[Any, ...]]]  # noqa: UP007 (3.9)

SECRET_FILE = ".grading-secret"  # beside checks.py; never released, never shown to a child
_QUIET = False  # True while the grader runs an instructor notebook: check() does nothing


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Run notebook code with ``check`` disabled and its printing swallowed."""
    global _QUIET
    previous, _QUIET = _QUIET, True
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        _QUIET = previous


def quiet() -> bool:
    """True while :func:`silenced` runs an instructor notebook (``check`` then does nothing)."""
    return _QUIET


@dataclass(frozen=True)
class Question:
    """One graded question: ``id`` as students type it in ``check("q1")``."""

    id: str
    title: str
    points: float


@dataclass(frozen=True)
class Written:
    """One written (ungraded) question: ``id`` as in the notebook's ``**Your answer (W1):**``."""

    id: str
    prompt: str


@dataclass
class Check:
    """One check of one question (build it with :func:`close`, :func:`gradient`, ...)."""

    kind: str
    question: str
    name: str
    functions: tuple[str, ...]
    args: Args
    points: float = 1.0
    public: bool = False
    kwargs: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    mistakes: dict[str, Callable[..., Any]] = field(default_factory=dict)
    accept: tuple[Callable[..., Any], ...] = ()  # ``close``: other valid answers (another order)
    transform: Callable[..., tuple[Any, ...]] | None = None
    score: Callable[..., float] | None = None  # ``evaluate``: computed in the grader


def close(
    question: str,
    function: str,
    args: Args,
    *,
    name: str,
    points: float = 1.0,
    public: bool = False,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    kwargs: dict[str, Any] | None = None,
    mistakes: dict[str, Callable[..., Any]] | None = None,
    allow_mutation: bool = False,
    item: int | None = None,
    accept: tuple[Callable[..., Any], ...] = (),
) -> Check:
    """The student's ``function(*args, **kwargs)`` equals the reference's, within tolerances.

    In order, the verdict looks at: an exception, ``None`` returned, the kind of object (an
    array where the reference returns an array), shape, dtype kind (float vs int), NaN/inf,
    then values: ``|got − expected| <= atol + rtol·|expected|`` everywhere. A wrong value that
    matches one of ``mistakes`` gets that mistake's sentence. Unless ``allow_mutation``, a
    function that changes its input arrays in place fails. With ``item=k`` the function
    returns a tuple and only its item ``k`` is compared (picked in the grader, so no
    student-editable wrapper is needed); ``mistakes`` then return that item only.
    ``args`` may hold :class:`Probe` ("the grader's test function ``cubic``"). ``accept``
    lists other implementations whose answers are just as right (random draws in another
    valid order, say): an answer equal to one of theirs passes too. A float32 answer passes
    where float32's precision meets the check (1e-5 relative); where it does not, the
    feedback says exactly "your answer is float32; compute in float64".
    """
    return Check(
        "close",
        question,
        name,
        (function,),
        args,
        points,
        public,
        kwargs or {},
        {"rtol": rtol, "atol": atol, "allow_mutation": allow_mutation, "item": item},
        mistakes or {},
        tuple(accept),
    )


def gradient(
    question: str,
    loss: str,
    grad: str,
    args: Args,
    *,
    name: str,
    points: float = 1.0,
    public: bool = False,
    wrt: int = 0,
    h: float = 1e-6,
    rtol: float = 1e-5,
    max_entries: int = 24,
    kwargs: dict[str, Any] | None = None,
    item: int | None = None,
) -> Check:
    """The student's ``grad(*args)`` matches a centred numerical gradient of the reference loss.

    ∂L/∂x_i ≈ (L(x + h e_i) − L(x − h e_i)) / 2h for argument ``args[wrt]``, at most
    ``max_entries`` entries (chosen at random when the array is larger), computed in the
    grader with the instructor's ``loss``: a wrong loss costs its own question only, never the
    gradient's. Passes when the relative error max|a − n| / max(|a| + |n|) stays below ``rtol``
    over those entries. With ``item=k``, ``grad`` returns a tuple (one gradient per parameter)
    and its item ``k`` is the gradient with respect to ``args[wrt]``. A consistency check: it
    earns its points only when a hidden :func:`close` check of ``grad`` (same ``item``) passes.
    """
    return Check(
        "gradient",
        question,
        name,
        (loss, grad),
        args,
        points,
        public,
        kwargs or {},
        {"wrt": wrt, "h": h, "rtol": rtol, "max_entries": max_entries, "item": item},
    )


def invariant(
    question: str,
    function: str,
    args: Args,
    transform: Callable[..., tuple[Any, ...]],
    *,
    name: str,
    points: float = 1.0,
    public: bool = False,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    kwargs: dict[str, Any] | None = None,
) -> Check:
    """``function(*args)`` and ``function(*transform(*args))`` agree and are finite.

    Example: a softmax must not change when a constant is added to every logit, so
    ``transform=lambda z: (z + 1000.0,)``; a naive ``exp`` overflows and fails. A constant
    answer is invariant too, so this check earns its points only when a hidden :func:`close`
    check of the same function passes.
    """
    return Check(
        "invariant",
        question,
        name,
        (function,),
        args,
        points,
        public,
        kwargs or {},
        {"rtol": rtol, "atol": atol},
        transform=transform,
    )


def raises(
    question: str,
    function: str,
    args: Args,
    error: str = "ValueError",
    *,
    name: str,
    points: float = 1.0,
    public: bool = False,
    kwargs: dict[str, Any] | None = None,
) -> Check:
    """The student's ``function(*args)`` raises ``error`` (a class name such as ``"ValueError"``
    or ``"TypeError"``): the course's functions reject invalid input with a clear exception.
    The reference must raise it too on the same inputs."""
    return Check(
        "raises", question, name, (function,), args, points, public, kwargs or {}, {"error": error}
    )


def evaluate(
    question: str,
    plan: Callable[[np.random.Generator], tuple[list[tuple[str, tuple[Any, ...]]], tuple]],
    score: Callable[..., float],
    *,
    at_least: float,
    name: str,
    what: str = "score",
    points: float = 1.0,
    causes: tuple[str, ...] = (),
) -> Check:
    """Call the student's functions on the grader's inputs; the GRADER computes the score.

    ``plan(rng)`` returns ``(calls, secret)``: ``calls`` a list of ``(function, args)`` run in
    order in the sandbox, where an argument :class:`Result` ``(k, i)`` stands for item ``i`` of
    what call ``k`` returned (e.g. ``train`` then ``forward(X_test, *[Result(0, i) for i in
    range(4)])``); ``secret`` (e.g. the test labels) never leaves the grader. The check passes
    when ``score(outputs, *secret) >= at_least``, ``outputs[k]`` being the list of arrays call
    ``k`` returned. Nothing in the student's notebook computes the score, so no helper cell
    can be edited to report a better one. Always hidden (``score`` is code, it cannot ship).
    The reference solution must reach ``at_least`` too. ``score`` may instead return one of
    ``causes`` (feedback sentences, like ``mistakes``) when it can name what went wrong, or
    raise ``ValueError`` when the returned arrays do not fit (the student reads a fixed
    sentence, never the error's text).
    """
    return Check(
        "evaluate",
        question,
        name,
        (),
        plan,
        points,
        False,
        params={"at_least": at_least, "what": what},
        mistakes=dict.fromkeys(causes),
        score=score,
    )


def forbidden_errors(forbidden: dict[str, str]) -> frozenset[str]:
    """The errors the sandbox raises for ``FORBIDDEN_IMPORTS``, word for word: sentences of the
    exercise's own, so feedback may quote them even for a hidden check."""
    return frozenset(
        f"ImportError: `{module}` cannot be imported in this exercise: it asks you to write"
        f" {what} yourself"
        for module, what in forbidden.items()
    )


def earns_alone(check: Check) -> bool:
    """The scoring policy: only a hidden value check (``close``, ``evaluate``) earns points on
    its own; a public check, a numerical gradient, an invariant or a ``raises`` check confirms,
    and keeps its points only when a hidden value check of the same function passes."""
    return check.kind in ("close", "evaluate") and not check.public


def targets(check: Check) -> set[tuple[str, int | None]]:
    """The ``(function, item)`` pairs a check judges (``item`` None: the whole answer)."""
    item = check.params.get("item")
    if check.kind == "gradient":
        return {(check.functions[1], item)}
    if check.kind == "evaluate":
        return {(fn, None) for fn in check.functions}
    return {(check.functions[0], item)}


def unconfirmed(tasks: list[Task]) -> list[str]:
    """Checks that could never earn their points: no hidden value check judges their function
    (an exercise must have none; ``tests/test_exercises.py`` asserts it)."""
    judged = set().union(*(targets(t.check) for t in tasks if earns_alone(t.check)))
    return [
        f"{t.id} ({t.check.name})"
        for t in tasks
        if not earns_alone(t.check)
        and not any((fn, i) in judged or (fn, None) in judged for fn, i in targets(t.check))
    ]


@dataclass
class Call:
    """One call the child makes: ``function(*args, **kwargs)``."""

    function: str
    args: list[Any]
    kwargs: dict[str, Any]


@dataclass
class Task:
    """A check with concrete inputs: the calls to make and what the reference gave."""

    id: str
    check: Check
    calls: list[Call]
    expected: Outcome | None = None  # the reference's answer (``close``)
    variants: dict[str, Outcome] = field(default_factory=dict)  # mistake sentence -> answer
    accepted: list[Outcome] = field(default_factory=list)  # other valid answers (``accept``)
    indices: list[tuple[int, ...]] = field(default_factory=list)  # ``gradient`` entries
    secret: tuple[Any, ...] = ()  # ``evaluate``: what only the grader's score sees
    errors: frozenset[str] = frozenset()  # the exercise's own error sentences (quotable)


@dataclass
class Exercise:
    """An exercise as the grader sees it (instructor side only; never sent to a child)."""

    name: str
    folder: Path
    notebook: dict[str, Any]
    questions: list[Question]
    checks: list[Check]
    digest: str  # changes whenever the notebook, the checks or the secret change
    written: list[Written] = field(default_factory=list)  # ungraded, answered in markdown
    forbidden: dict[str, str] = field(default_factory=dict)  # module -> what to write instead
    secret: bytes = b""  # seeds the hidden checks (``NAME/.grading-secret``)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


def load_exercise(folder: str | Path) -> Exercise:
    """Read ``folder/NAME.ipynb`` and ``folder/checks.py`` (``NAME`` is the folder's name)."""
    folder = Path(folder).resolve()
    nb_path, checks_path = folder / f"{folder.name}.ipynb", folder / "checks.py"
    for path in (nb_path, checks_path):
        if not path.is_file():
            raise FileNotFoundError(f"an exercise folder needs {path.name}; {path} is missing")
    nb_bytes, checks_bytes = nb_path.read_bytes(), checks_path.read_bytes()
    nb = notebook.parse(nb_bytes)
    module_spec = importlib.util.spec_from_file_location(f"_checks_{folder.name}", checks_path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    questions, checks = list(module.QUESTIONS), list(module.CHECKS)
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{checks_path}: question ids repeat: {ids}")
    for q in questions:
        total = sum(c.points for c in checks if c.question == q.id)
        if not np.isclose(total, q.points):
            raise ValueError(
                f"{checks_path}: question {q.id} is worth {q.points} points but its"
                f" checks add up to {total}"
            )
    for c in checks:
        if c.question not in ids:
            raise ValueError(
                f"{checks_path}: check {c.name!r} names unknown question {c.question!r}"
            )
    written = list(getattr(module, "WRITTEN", []))
    _check_written(checks_path, nb, ids, written)
    forbidden = getattr(module, "FORBIDDEN_IMPORTS", {})
    if not isinstance(forbidden, dict):
        forbidden = dict.fromkeys(forbidden, "these functions")
    secret = load_secret(folder)
    digest = hashlib.sha256(nb_bytes + b"\0" + checks_bytes + b"\0" + secret).hexdigest()
    return Exercise(
        folder.name, folder, nb, questions, checks, digest, written, dict(forbidden), secret
    )


def load_secret(folder: Path) -> bytes:
    """The exercise's secret (``folder/.grading-secret``), created on first use.

    32 random bytes written once, readable by the instructor only (mode 0600); two grading
    runs that start together agree on one file. Delete it to draw new hidden inputs.
    """
    path = folder / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    text = path.read_text(encoding="ascii").strip()
    if len(text) < 32:  # created a moment ago by a run that has not finished writing it
        raise RuntimeError(f"{path} is empty or too short; delete it and run again")
    return text.encode()


def _check_written(path: Path, nb: dict[str, Any], ids: list[str], written: list[Written]):
    """``WRITTEN`` and the notebook's ``**Your answer (Wn):**`` cells must name the same ids."""
    declared = [w.id for w in written]
    if len(set(declared)) != len(declared) or set(declared) & set(ids):
        raise ValueError(f"{path}: written question ids repeat or clash with {ids}: {declared}")
    cells = notebook.answer_cells(nb)
    if set(cells) != set(declared):
        raise ValueError(
            f"{path}: WRITTEN declares {sorted(declared)} but the notebook has answer cells"
            f" for {sorted(cells)} (a markdown cell starting **Your answer (W1):**)"
        )


def reference_namespace(exercise: Exercise) -> dict[str, Any]:
    """Run the instructor notebook's code (trusted) in the grader and return its globals."""
    namespace: dict[str, Any] = {"__name__": f"_reference_{exercise.name}"}
    with silenced():
        for number, code in enumerate(notebook.code_cells(exercise.notebook), 1):
            try:
                exec(compile(code, f"<{exercise.name} cell {number}>", "exec"), namespace)
            except Exception as error:
                raise RuntimeError(
                    f"the instructor notebook {exercise.name}.ipynb fails in"
                    f" code cell {number}: {error!r}"
                ) from error
    return namespace


def _rng(exercise: Exercise, check: Check, task_id: str) -> np.random.Generator:
    """A public check's generator: seeded from its name (its inputs ship with the release).
    A hidden check's: seeded from the exercise's secret as well."""
    text = f"{exercise.name}:{task_id}"
    if check.public:
        return np.random.default_rng(zlib.crc32(text.encode()))
    digest = hashlib.sha256(exercise.secret + b"\0" + text.encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def _inputs(check: Check, rng: np.random.Generator) -> list[Any]:
    if check.kind == "evaluate":
        return []  # its plan draws the inputs
    if callable(check.args):
        return list(check.args(rng))
    return copy.deepcopy(list(check.args))


def pick(outcome: Outcome, item: int) -> Outcome | None:
    """Item ``item`` of a returned tuple (or list, or named tuple) as an outcome of its own,
    or None if there is none."""
    if outcome.type not in SEQUENCES or len(outcome.values) <= item:
        return None
    return Outcome("ok", type="ndarray", values=[outcome.values[item]], mutated=outcome.mutated)


def numerical_gradient(
    loss: Callable[..., Any],
    args: list[Any],
    kwargs: dict[str, Any],
    wrt: int,
    h: float,
    indices: list[tuple[int, ...]],
) -> np.ndarray:
    """Centred differences of the (trusted) reference ``loss`` at ``indices`` of ``args[wrt]``."""
    x = np.asarray(args[wrt], dtype=np.float64)
    out = np.zeros(len(indices))
    for k, index in enumerate(indices):
        values = []
        for step in (h, -h):
            moved = x.copy()
            moved[index] += step
            values.append(float(loss(*args[:wrt], moved, *args[wrt + 1 :], **kwargs)))
        out[k] = (values[0] - values[1]) / (2 * h)
    return out


def flatten(tasks: list[Task]) -> list[Call]:
    """Every task's calls in one list, each :class:`Result` renumbered to its global index."""
    calls: list[Call] = []
    for task in tasks:
        offset = len(calls)
        for call in task.calls:
            shifted = [
                Result(a.call + offset, a.item) if isinstance(a, Result) else a for a in call.args
            ]
            calls.append(Call(call.function, shifted, call.kwargs))
    return calls


def materialize(
    exercise: Exercise,
    reference: dict[str, Any],
    checks: list[Check],
    public_only: bool = False,
) -> list[Task]:
    """Turn checks into tasks: concrete inputs, the calls to make, the reference's answers.

    With ``public_only`` the hidden checks are left out (the task ids stay those of a full
    run, so a public check means the same in ``check()`` and in grading).
    """
    tasks, counters = [], {}
    errors = forbidden_errors(getattr(exercise, "forbidden", {}))
    for check in checks:
        counters[check.question] = counters.get(check.question, 0) + 1
        task_id = f"{check.question}.{counters[check.question]}"
        if public_only and not check.public:
            continue
        rng = _rng(exercise, check, task_id)
        args = _inputs(check, rng)
        task = Task(task_id, check, [], errors=errors)
        if check.kind == "close":
            (fn,) = check.functions
            task.calls = [Call(fn, args, check.kwargs)]
            (task.expected,) = invoke_all(reference, task.calls)
            item = check.params.get("item")
            if task.expected.status == "ok" and item is not None:
                task.expected = pick(task.expected, item)
            if task.expected is None or task.expected.status != "ok":
                raise RuntimeError(
                    f"check {task_id} ({check.name}): the reference {fn} fails"
                    + (f": {task.expected.error}" if task.expected else f" to return item {item}")
                )
            for sentence, wrong in check.mistakes.items():
                (task.variants[sentence],) = invoke_all({fn: wrong}, task.calls)
            for other in check.accept:
                (answer,) = invoke_all({fn: other}, task.calls)
                task.accepted.append(pick(answer, item) if item is not None else answer)
        elif check.kind == "evaluate":
            plan, task.secret = check.args(rng)
            task.calls = [Call(fn, list(fn_args), {}) for fn, fn_args in plan]
            task.check = copy.copy(check)
            task.check.functions = tuple(fn for fn, _ in plan)
            mine = invoke_all(reference, task.calls)
            value = check.score([o.values for o in mine], *task.secret)
            if isinstance(value, str) or not value >= check.params["at_least"]:
                raise RuntimeError(
                    f"check {task_id} ({check.name}): the reference solution scores {value}"
                    f" < {check.params['at_least']}"
                )
        elif check.kind == "gradient":
            loss, grad = check.functions
            wrt, h = check.params["wrt"], check.params["h"]
            x = np.asarray(args[wrt], dtype=np.float64)
            everything = list(np.ndindex(x.shape))
            if len(everything) > check.params["max_entries"]:
                rng = np.random.default_rng(zlib.crc32(f"{exercise.name}:{task_id}:i".encode()))
                picked = rng.choice(len(everything), check.params["max_entries"], replace=False)
                everything = [everything[i] for i in sorted(picked)]
            task.indices = everything
            task.calls = [Call(grad, args, check.kwargs)]
            numeric = numerical_gradient(reference[loss], args, check.kwargs, wrt, h, everything)
            task.expected = Outcome("ok", type="ndarray", values=[numeric])
        elif check.kind == "raises":
            (fn,) = check.functions
            task.calls = [Call(fn, args, check.kwargs)]
            task.expected = invoke(reference, fn, args, check.kwargs, catch=Exception)
            if not task.expected.error.startswith(f"{check.params['error']}:"):
                raise RuntimeError(
                    f"check {task_id} ({check.name}): the reference {fn} does not"
                    f" raise {check.params['error']} on these inputs"
                )
        elif check.kind == "invariant":
            (fn,) = check.functions
            task.calls = [
                Call(fn, args, check.kwargs),
                Call(fn, list(check.transform(*copy.deepcopy(args))), check.kwargs),
            ]
        else:
            raise ValueError(f"unknown check kind {check.kind!r}")
        tasks.append(task)
    return tasks
