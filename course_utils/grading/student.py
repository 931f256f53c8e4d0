"""``check("q1")`` in a student's notebook: that question's public checks, one verdict each.

The release writes ``NAME.checks.json`` next to the student notebook: each public check's
inputs, the reference's answers and the answers known mistakes give (never the reference code,
never a hidden check). The notebook's first code cell reads::

    from course_utils.grading import checker
    check = checker("NAME")

and after a question, ``check("q1")`` calls the student's functions in their own kernel on
copies of those inputs and prints one friendly line per check. Whatever the student's code
does, ``check`` prints verdicts, never a traceback of the grader's internals.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def checker(exercise: str, namespace: dict[str, Any] | None = None) -> Callable[[str], None]:
    """Return ``check(question)`` for the notebook whose globals are ``namespace``.

    Parameters
    ----------
    exercise : str
        The exercise's name; ``<exercise>.checks.json`` is looked up in the working directory
        (Jupyter's is the notebook's folder).
    namespace : dict, optional
        Where the student's functions live; by default the caller's globals.
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals

    def check(question: str) -> None:
        if _QUIET or os.environ.get("COURSE_GRADE_CHILD"):
            return
        try:
            lines = _run(exercise, question, namespace)
        except Exception as error:  # the grader's own failure: one line, no traceback
            lines = [f"check({question!r}) could not run: {type(error).__name__}: {error}"]
        print("\n".join(lines))

    return check


def _run(exercise: str, question: str, namespace: dict[str, Any]) -> list[str]:
    from .compare import judge
    from .outcome import invoke
    from .release import tasks_from_json

    path = Path(f"{exercise}.checks.json")
    if not path.is_file():
        return [
            f"check() cannot find {path.name} next to this notebook; keep the two files"
            " together in the folder you got them in."
        ]
    data = json.loads(path.read_text(encoding="utf-8"))
    titles = {q["id"]: q["title"] for q in data["questions"]}
    if question not in titles:
        return [
            f"There is no question {question!r}; the questions are {', '.join(sorted(titles))}."
        ]
    tasks = [t for t in tasks_from_json(data) if t.check.question == question]
    lines = [f"{question} · {titles[question]}"]
    passed = 0
    for task in tasks:
        outcomes = [
            invoke(namespace, c.function, c.args, c.kwargs, catch=(Exception, SystemExit))
            for c in task.calls
        ]
        verdict = judge(task, outcomes)
        passed += verdict.passed
        mark = "✓" if verdict.passed else "✗"
        text = verdict.name if verdict.passed else f"{verdict.name}: {verdict.message}"
        lines.append(f"  {mark} {text}")
    lines.append(
        f"  {passed}/{len(tasks)} public checks passed; hidden checks run when your"
        " work is graded."
    )
    return lines
