"""The verdicts themselves: each kind of check on hand-made outcomes (no child process)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from course_utils.grading import close, gradient, invariant, raises
from course_utils.grading.compare import judge
from course_utils.grading.outcome import Outcome, invoke
from course_utils.grading.spec import materialize


def _mse(p, t):
    if np.shape(p) != np.shape(t):
        raise ValueError("pred and target must have the same shape")
    return float(np.mean((p - t) ** 2))


REFERENCE = {"mse": _mse, "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)}
P, T = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 5.0])


def _task(check):
    (task,) = materialize(SimpleNamespace(name="t", secret=b"test secret"), REFERENCE, [check])
    return task


def _verdict(check, student: dict):
    task = _task(check)
    return judge(task, [invoke(student, c.function, c.args, c.kwargs) for c in task.calls])


CLOSE = close(
    "q1",
    "mse",
    (P, T),
    name="small",
    public=True,
    mistakes={"you summed.": lambda p, t: float(np.sum((p - t) ** 2))},
)


@pytest.mark.parametrize(
    "student, words",
    [
        (lambda p, t: float(np.mean((p - t) ** 2)), "passed"),
        (lambda p, t: float(np.sum((p - t) ** 2)), "is not right — you summed."),
        (lambda p, t: 1.0, "differs from the expected answer: 1 vs 2.66667"),
        (
            lambda p, t: np.array([8 / 3]),
            "has the wrong shape; expected shape () (got shape (1,))",
        ),
        (lambda p, t: 3, "is not floating-point numbers (dtype int64)"),
        (lambda p, t: float("nan"), "contains NaN or infinity where the answer is finite"),
        (lambda p, t: None, "returned None; did you forget `return`?"),
        (lambda p, t: 1 / 0, "raised ZeroDivisionError: division by zero"),
        (lambda p, t: "2.67", "returned a str that is not numbers"),
    ],
)
def test_close_verdicts(student, words):
    verdict = _verdict(CLOSE, {"mse": student})
    assert words in verdict.message
    assert verdict.score == (1.0 if words == "passed" else 0.0)


def test_close_flags_a_list_and_a_mutated_input():
    check = close("q3", "softmax", (np.array([[0.0, 1.0]]),), name="row")
    as_list = _verdict(check, {"softmax": lambda z: REFERENCE["softmax"](z).tolist()})
    assert "is a Python list; return a NumPy array" in as_list.message

    def in_place(z):
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    hidden = _verdict(check, {"softmax": in_place}).message
    assert hidden == "`softmax` changed its input in place; work on a copy instead"
    public = close("q3", "softmax", (np.array([[0.0, 1.0]]),), name="row", public=True)
    shown = _verdict(public, {"softmax": in_place}).message
    assert shown == "`softmax` changed its input in place (argument 1); work on a copy instead"


def test_missing_function():
    assert "does not define `mse`" in _verdict(CLOSE, {}).message


def test_hidden_checks_show_no_numbers():
    hidden = close("q1", "mse", (P, T), name="hidden")
    message = _verdict(hidden, {"mse": lambda p, t: 1.0}).message
    assert message == "`mse` differs from the expected answer" and hidden.public is False


def test_gradient_check_against_the_reference_loss():
    check = gradient("q2", "mse", "mse_grad", (P, T), name="grad", public=True)
    good = {"mse": lambda p, t: 0.0, "mse_grad": lambda p, t: 2 * (p - t) / p.size}
    assert _verdict(check, good).passed
    halved = {**good, "mse_grad": lambda p, t: (p - t) / p.size}
    message = _verdict(check, halved).message
    # 2(p − t)/n is (0, 4/3, −4/3); the halved gradient is off by a factor 2 at [1] and [2].
    assert "`mse_grad` differs from a numerical gradient of the loss at [" in message
    assert "0.666667 vs 1.33333" in message or "-0.666667 vs -1.33333" in message
    assert "relative error 3.3e-01" in message


def test_invariant_check():
    check = invariant(
        "q3", "softmax", (np.array([[0.0, 1.0, 2.0]]),), lambda z: (z + 1000.0,), name="shift"
    )
    stable = {"softmax": lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()}
    assert _verdict(check, stable).passed
    with np.errstate(over="ignore", invalid="ignore"):
        naive = _verdict(check, {"softmax": REFERENCE["softmax"]})
    assert "NaN or infinity" in naive.message


def test_raises_check():
    check = raises("q1", "mse", (P, T[:2]), "ValueError", name="shapes differ")
    assert _verdict(check, {"mse": _mse}).passed
    wrong = _verdict(check, {"mse": lambda p, t: float(np.mean((p[:2] - t) ** 2))})
    assert wrong.message == "`mse` returned a value; it should raise ValueError for these inputs"
    other = _verdict(check, {"mse": lambda p, t: 1 / 0})
    assert other.message == "`mse` raised ZeroDivisionError; it should raise ValueError here"


def test_raises_needs_a_reference_that_raises():
    with pytest.raises(RuntimeError, match="does not raise ValueError"):
        _task(raises("q1", "mse", (P, T), "ValueError", name="same shapes"))


def test_timeouts_and_crashes_are_named():
    task = _task(CLOSE)
    assert "did not finish in time" in judge(task, [Outcome("timeout")]).message
    assert "stopped the Python process" in judge(task, [Outcome("crash")]).message
