"""Fair grading, verdict by verdict (in this process, no sandbox): the scoring policy, the
float32 rule, sequences for tuples, one mistake charged once, feedback that names the cause,
hidden feedback without student-made text, and no library module that answers a question
unless the exercise forbids it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import signal
import warnings

import numpy as np
import pytest
from exercise_mistakes import MISTAKES
from exercise_submissions import EXERCISES, exercise_names
from fair_submissions import ALTERNATIVES

import course_utils
from course_utils.grading.compare import FLOAT32, judge, judge_all
from course_utils.grading.outcome import Outcome, invoke_all
from course_utils.grading.spec import (
    Call,
    close,
    flatten,
    load_exercise,
    materialize,
    reference_namespace,
    targets,
    unconfirmed,
)

_CACHE: dict[str, tuple] = {}


def _exercise(name: str):
    if name not in _CACHE:
        exercise = load_exercise(EXERCISES / name)
        reference = reference_namespace(exercise)
        _CACHE[name] = exercise, reference, materialize(exercise, reference, exercise.checks)
    return _CACHE[name]


def _grade_in_process(name: str, code: str) -> dict[str, tuple[float, float, list[str]]]:
    """The instructor's solution with ``code`` run after it, judged like the grader does."""
    exercise, reference, tasks = _exercise(name)
    namespace = dict(reference)
    exec(compile(code, "<student>", "exec"), namespace)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        verdicts = judge_all(tasks, invoke_all(namespace, flatten(tasks)))
    out = {}
    for q in exercise.questions:
        mine = [v for v in verdicts if v.question == q.id]
        out[q.id] = (sum(v.score for v in mine), q.points, [v.message for v in mine])
    return out


@pytest.mark.parametrize("name", exercise_names())
def test_every_check_that_confirms_has_a_hidden_value_check(name):
    _, _, tasks = _exercise(name)
    assert unconfirmed(tasks) == []
    graded = {fn for t in tasks for fn, _ in targets(t.check)}
    public = {fn for t in tasks if t.check.public for fn, _ in targets(t.check)}
    assert graded <= public, graded - public  # every graded function has a public check


@pytest.mark.parametrize(
    "name, alternative",
    [(name, a) for name, alts in ALTERNATIVES.items() for a in alts],
    ids=lambda x: getattr(x, "name", x),
)
def test_every_alternative_earns_full_marks_in_process(name, alternative):
    """Also the ones that import the standard library or SciPy (the sandbox run of
    ``test_fair_grading`` needs an interpreter the child can read)."""
    scores = _grade_in_process(name, alternative.code)
    assert all(got == full for got, full, _ in scores.values()), scores


def test_float32_far_from_the_answer_gets_the_promised_sentence():
    reference = {"mse": lambda p, t: float(np.mean((p - t) ** 2))}
    p, t = np.array([1000.3]), np.array([1000.0])  # float32 keeps 4 of the difference's digits
    check = close("q1", "mse", (p, t), name="near 1000")
    (task,) = materialize(_Plain(), reference, [check])

    def in_float32(p, t):
        d = p.astype(np.float32) - t.astype(np.float32)
        return np.mean(d * d)

    (outcome,) = invoke_all({"mse": in_float32}, task.calls)
    assert (
        judge(task, [outcome]).message == FLOAT32 == "your answer is float32; compute in float64"
    )


class _Plain:
    name, secret = "plain", b"a test secret"


def test_a_wrong_loss_does_not_cost_its_gradient_too():
    """ex03: q1's loss summed instead of averaged; q2's gradient is right and keeps its marks
    (the gradient check differentiates the reference loss)."""
    wrong = next(m for m in MISTAKES["ex03_cross_entropy"] if m.question == "q1")
    scores = _grade_in_process("ex03_cross_entropy", wrong.code)
    assert scores["q1"][0] < scores["q1"][1]
    assert scores["q2"][0] == scores["q2"][1], scores["q2"]


def test_a_list_or_named_tuple_is_a_tuple_and_a_wrong_one_is_named_plainly():
    scores = _grade_in_process(
        "ex07_network",
        "def backward(X, y, W1, b1, W2, b2):\n    return [['a'], 'b', None, 1]",
    )
    messages = [m for q in ("q3", "q4") for m in scores[q][2]]
    assert all("raised" not in m and "inhomogeneous" not in m for m in messages), messages
    assert "`backward` returned something that is not numbers" in messages


HIDDEN = close("q1", "mse", (np.array([0.25, 0.5]), np.array([1.0, 2.0])), name="hidden")


@pytest.mark.parametrize(
    "student",
    [
        "def mse(p, t):\n    raise ValueError(f'input was {p.tolist()} {t.tolist()}')",
        "class Leak0p25(Exception):\n    pass\n\ndef mse(p, t):\n    raise Leak0p25(str(p))",
        "def mse(p, t):\n    return np.zeros((25, 50))",  # a shape that spells the input
        "def mse(p, t):\n    return np.array(p, dtype=np.int64)",
        "def mse(p, t):\n    raise ValueError('\\x1e 0.25 0.5 \\x1f 1.0 2.0')",
        "def mse(p, t):\n    p[0] = 25.0\n    return float(np.mean((p - t) ** 2))",
        "def mse(p, t):\n    return np.array([np.nan, 0.25])",
        "class Box(list):\n    pass\n\ndef mse(p, t):\n    return Box(['0.25', '0.5'])",
    ],
)
def test_hidden_feedback_carries_no_student_made_text(student):
    """Issue 14, item 7: whatever the submission raises or returns, a hidden check's sentence
    is the verdict and the grader's or the catalogue's own words."""
    reference = {"mse": lambda p, t: float(np.mean((p - t) ** 2))}
    (task,) = materialize(_Plain(), reference, [HIDDEN])
    namespace = {"np": np}
    exec(student, namespace)
    (outcome,) = invoke_all(namespace, task.calls)
    message = judge(task, [outcome]).message
    for leak in ("0.25", "0.5", "25", "50", "Leak", "Box", "int64", "\x1e", "\x1f"):
        assert leak not in message, message


def test_crash_and_skip_texts_from_the_child_stay_out_of_hidden_feedback():
    reference = {"mse": lambda p, t: float(np.mean((p - t) ** 2))}
    (task,) = materialize(_Plain(), reference, [HIDDEN])
    for outcome in (Outcome("crash", error="exit 25"), Outcome("skipped", error="input 0.25")):
        message = judge(task, [outcome]).message
        assert "25" not in message and message.startswith("`mse`"), message


def test_constant_answers_earn_nothing_on_the_demo():
    """The demo paid 2/9 to zeros (a gradient and an invariant check)."""
    from course_utils.grading.spec import load_exercise as load

    exercise = load(EXERCISES.parent / "tests" / "fixtures" / "grading" / "demo")
    reference = reference_namespace(exercise)
    tasks = materialize(exercise, reference, exercise.checks)
    zeros = {
        "mse": lambda p, t: 0.0,
        "mse_grad": lambda p, t: np.zeros_like(p),
        "softmax": lambda z: np.zeros_like(z),
    }
    namespace = {**reference, **zeros}
    verdicts = judge_all(tasks, invoke_all(namespace, flatten(tasks)))
    assert sum(v.score for v in verdicts) == 0, [(v.name, v.message) for v in verdicts]


# --- no importable module answers a graded question the exercise does not forbid ----------

_SKIP = ("course_utils.grading", "course_utils.plotting", "course_utils.widgets")


def _library_callables():
    for info in pkgutil.walk_packages(course_utils.__path__, "course_utils."):
        if info.name.startswith(_SKIP):
            continue
        module = importlib.import_module(info.name)
        for attr, value in vars(module).items():
            if attr.startswith("__") or getattr(value, "__module__", None) != info.name:
                continue
            if inspect.isfunction(value):
                yield info.name, attr, value
            elif inspect.isclass(value):
                for method in ("forward", "__call__", "loss"):
                    if method in vars(value):
                        yield info.name, f"{attr}.{method}", _instance_call(value, method)


def _instance_call(cls, method):
    def call(*args, **kwargs):
        return getattr(cls(), method)(*args, **kwargs)

    return call


class _Slow(Exception):
    pass


def _alarm(signum, frame):
    raise _Slow


def _answers(fn, task) -> bool:
    """``fn`` gives the reference's answer on the task's inputs (within the check's tolerance)."""
    check = task.check
    try:
        signal.setitimer(signal.ITIMER_REAL, 2.0)
        call = task.calls[0]
        (outcome,) = invoke_all({"f": fn}, [Call("f", call.args, call.kwargs)])
    except _Slow:
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if outcome.status != "ok" or len(outcome.values) != len(task.expected.values):
        return False
    for got, want in zip(outcome.values, task.expected.values, strict=True):
        if got.shape != want.shape or got.dtype.kind not in "fiub":
            return False
        if not np.allclose(got, want, rtol=check.params["rtol"], atol=check.params["atol"]):
            return False
    return True


@pytest.mark.parametrize("name", exercise_names())
def test_no_library_function_answers_a_question_the_exercise_allows(name):
    exercise, _, tasks = _exercise(name)
    by_function: dict[str, list] = {}
    for task in tasks:
        if task.check.kind == "close" and task.check.params.get("item") is None:
            by_function.setdefault(task.check.functions[0], []).append(task)
    previous = signal.signal(signal.SIGALRM, _alarm)
    found = []
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            for module, attr, fn in _library_callables():
                if any(module == f or module.startswith(f + ".") for f in exercise.forbidden):
                    continue
                for student_fn, mine in by_function.items():
                    if all(_answers(fn, task) for task in mine):
                        found.append(f"{module}.{attr} answers every check of {student_fn}")
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert not found, "\n".join(found)


def test_the_format_does_not_import_the_notebook_side_checker():
    """Issue 14: ``spec`` imported ``student``, which imported ``spec`` and ``release``. The
    format and the grader's modules now never import the checker; it builds on them."""
    import ast
    from pathlib import Path

    package = Path(course_utils.__file__).parent / "grading"
    for module in ("spec", "release", "compare", "outcome", "probes", "wire"):
        tree = ast.parse((package / f"{module}.py").read_text(encoding="utf-8"))
        imported = {
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        } | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        assert not {"student", ".student"} & imported, module


def test_check_in_the_students_kernel_accepts_w2_drawn_first(tmp_path, monkeypatch, capsys):
    from course_utils.grading import checker
    from course_utils.grading.release import release

    name = "ex07_network"
    release(EXERCISES / name, tmp_path)
    monkeypatch.chdir(tmp_path / name)
    namespace = dict(_exercise(name)[1])
    exec(next(a.code for a in ALTERNATIVES[name] if a.name == "train_w2_first"), namespace)
    checker(name, namespace)("q5")
    out = capsys.readouterr().out
    assert "✓ 20 steps of the recipe on 30 points" in out, out
