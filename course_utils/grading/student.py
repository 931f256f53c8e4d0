"""``check("q1")`` in a student's notebook: that question's public checks, one verdict each.

The release writes ``NAME.checks.json`` next to the student notebook: each public check's
inputs, the reference's answers and the answers known mistakes give (never the reference code,
never a hidden check). The notebook's first code cell reads::

    from course_utils.grading import checker
    check = checker("NAME")

and after a question, ``check("q1")`` calls the student's functions in their own kernel on
copies of those inputs and prints one friendly line per check. Whatever the student's code
does, ``check`` prints verdicts, never a traceback of the grader's internals.

Beside the instructor notebook (the working directory is the exercise folder ``NAME/`` holding
``checks.py`` and ``NAME.ipynb``, as under nbval or ``jupyter nbconvert --execute``) there is no
``NAME.checks.json``: ``check`` then builds the same public checks from ``checks.py`` and the
notebook's reference solution, once per kernel, so the instructor sees real verdicts.
``checks.py`` itself is never released.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .compare import judge
from .outcome import invoke_all
from .release import tasks_from_json, tasks_to_json
from .spec import load_exercise, materialize, quiet, reference_namespace

_INSTRUCTOR: dict[tuple[str, str], dict[str, Any]] = {}  # (folder, digest) -> public checks


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
        if quiet() or os.environ.get("COURSE_GRADE_CHILD"):
            return
        try:
            lines = _run(exercise, question, namespace)
        except Exception as error:  # the grader's own failure: one line, no traceback
            lines = [f"check({question!r}) could not run: {type(error).__name__}: {error}"]
        print("\n".join(lines))

    return check


def _run(exercise: str, question: str, namespace: dict[str, Any]) -> list[str]:
    path = Path(f"{exercise}.checks.json")
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
    elif _beside_instructor_notebook(exercise):
        data = _instructor_checks(Path.cwd())
    else:
        return [
            f"check() cannot find {path.name} next to this notebook; keep the two files"
            " together in the folder you got them in."
        ]
    titles = {q["id"]: q["title"] for q in data["questions"]}
    if question not in titles:
        return [
            f"There is no question {question!r}; the questions are {', '.join(sorted(titles))}."
        ]
    tasks = [t for t in tasks_from_json(data) if t.check.question == question]
    lines = [f"{question} · {titles[question]}"]
    passed = 0
    for task in tasks:
        outcomes = invoke_all(namespace, task.calls, catch=(Exception, SystemExit))
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


def _beside_instructor_notebook(exercise: str) -> bool:
    folder = Path.cwd()
    return (
        folder.name == exercise
        and (folder / "checks.py").is_file()
        and (folder / f"{exercise}.ipynb").is_file()
    )


def _instructor_checks(folder: Path) -> dict[str, Any]:
    """The public checks as the release would write them, built from ``folder/checks.py``."""
    exercise = load_exercise(folder)
    key = (str(folder), exercise.digest)
    if key not in _INSTRUCTOR:
        reference = reference_namespace(exercise)
        public = materialize(exercise, reference, exercise.checks, public_only=True)
        # through JSON, exactly like a released NAME.checks.json
        _INSTRUCTOR[key] = json.loads(json.dumps(tasks_to_json(exercise.questions, public)))
    return _INSTRUCTOR[key]
