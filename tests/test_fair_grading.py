"""Fair grading (issue 15): correct work written another way earns full marks, and answers
that solve nothing earn nothing.

One grading run per exercise grades every alternative of :mod:`fair_submissions` and every
no-solving submission together, through the real sandboxed grader.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sysconfig
import zlib
from pathlib import Path

import numpy as np
import pytest
from exercise_submissions import EXERCISES, exercise_names, instructor_notebook
from fair_submissions import ALTERNATIVES, NO_SOLVING, public_answers_cell

from course_utils.grading import gradebook, notebook
from course_utils.grading.grade import grade
from course_utils.grading.release import release
from course_utils.grading.sandbox import Limits
from course_utils.grading.spec import load_exercise, materialize, reference_namespace

LIMITS = Limits(load_timeout=30.0, call_timeout=10.0, total_timeout=120.0, memory_mb=1024)


def _cell(source: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def _write(folder, name: str, nb: dict) -> None:
    folder.mkdir(parents=True)
    (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture(scope="module", params=exercise_names())
def graded(request, tmp_path_factory):
    name = request.param
    root = tmp_path_factory.mktemp(f"fair_{name}")
    release(EXERCISES / name, root / "release")
    nb = instructor_notebook(name)
    released = notebook.parse((root / "release" / name / f"{name}.ipynb").read_bytes())
    checks_json = root / "release" / name / f"{name}.checks.json"
    submissions = [(a.name, nb, a.code) for a in ALTERNATIVES[name]]  # the solution, changed
    submissions += [  # the blank notebook, "answered"
        (f"no_{s.name}", released, s.code or public_answers_cell(checks_json))
        for s in NO_SOLVING.get(name, [])
    ]
    for student, base, code in submissions:
        extended = json.loads(json.dumps(base))
        extended["cells"].append(_cell(code))
        _write(root / "subs" / student, name, extended)
    book = root / "book.sqlite"
    grade(root / "subs", EXERCISES / name, book, LIMITS, jobs=2)
    db = gradebook.connect(book)
    try:
        table = gradebook.scores(db, name)
    finally:
        db.close()
    return name, table


def _messages(entry, question: str | None = None) -> list[str]:
    out = []
    for q, (_, _, feedback) in entry["questions"].items():
        if question in (None, q) and isinstance(feedback, list):
            out += [v["message"] for v in feedback if v["message"] != "passed"]
    return out


def _private_interpreter() -> bool:
    """As root, with the standard library under a folder other users cannot enter (pyenv in
    root's home), the sandboxed child cannot import a module the grader had not loaded: the
    other half of issue 15, fixed in the sandbox, not here."""
    if os.geteuid() != 0:
        return False
    folder = Path(sysconfig.get_paths()["stdlib"]).resolve()
    return any(not p.stat().st_mode & 0o001 for p in [folder, *folder.parents])


def test_every_alternative_earns_full_marks(graded):
    name, table = graded
    problems, blocked = [], []
    for alternative in ALTERNATIVES[name]:
        if alternative.imports and _private_interpreter():
            entry = table[alternative.name]
            if entry["load_errors"] or _total(entry)[0] < _total(entry)[1]:
                blocked.append(alternative.name)
            continue
        entry = table[alternative.name]
        if entry["load_errors"]:  # the alternative must really replace the solution
            problems.append(f"{alternative.name}: {entry['load_errors']}")
        for q, (score, full, _) in entry["questions"].items():
            if score < full:
                problems.append(f"{alternative.name} {q}: {score}/{full} {_messages(entry, q)}")
        if alternative.note and not any(alternative.note in m for m in _messages(entry)):
            problems.append(f"{alternative.name}: no note {alternative.note!r}")
    assert not problems, "\n".join(problems)
    if blocked:
        pytest.xfail(f"{blocked}: the child cannot read this private interpreter's library")


def _total(entry) -> tuple[float, float]:
    scores = entry["questions"].values()
    return sum(s for s, _, _ in scores), sum(m for _, m, _ in scores)


def test_no_solving_earns_nothing_on_its_questions(graded):
    name, table = graded
    problems = []
    for submission in NO_SOLVING.get(name, []):
        entry = table[f"no_{submission.name}"]
        for q in submission.questions:
            score = entry["questions"][q][0]
            if score != 0:
                problems.append(f"{submission.name} {q}: {score} {_messages(entry, q)}")
    assert not problems, "\n".join(problems)


def test_the_suite_is_large_enough():
    assert sum(len(a) for a in ALTERNATIVES.values()) >= 30
    assert set(ALTERNATIVES) == set(exercise_names())
    assert sum(len(s) for s in NO_SOLVING.values()) >= 6


def test_a_consistency_check_pays_only_with_its_value_check(graded):
    """Constant answers pass a gradient or an invariant check alone; here they earn nothing,
    and the feedback says why."""
    name, table = graded
    if name != "ex03_cross_entropy":
        pytest.skip("the constant submission is ex03's")
    messages = _messages(table["no_zeros"])
    assert any("it only confirms" in m for m in messages), messages


def test_the_library_module_is_refused_with_its_sentence(graded):
    name, table = graded
    if name != "ex03_cross_entropy":
        pytest.skip("ex03 only")
    entry = table["no_library_nn"]
    assert entry["questions"]["q4"][0] == entry["questions"]["q5"][0] == 0
    assert "it asks you to write the cross-entropies" in "\n".join(entry["load_errors"])


def test_hidden_inputs_come_from_the_secret_not_from_the_check_names(tmp_path):
    """The old seeds (crc32 of "ex07_network:q5.x", readable in the package) no longer
    regenerate the hidden test labels, a new secret draws new ones, and the release and the
    package hold no secret."""
    name = "ex07_network"
    exercise = load_exercise(EXERCISES / name)
    tasks = materialize(exercise, reference_namespace(exercise), exercise.checks)
    (task,) = [t for t in tasks if t.check.kind == "evaluate" and t.check.points == 2]
    X_test, _ = task.secret
    loader = importlib.util.spec_from_file_location("_fair_checks", EXERCISES / name / "checks.py")
    checks = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(checks)
    _, (old_X, _) = checks.accuracy_plan(
        np.random.default_rng(zlib.crc32(f"{name}:{task.id}".encode()))
    )
    assert not np.array_equal(old_X, X_test)
    other = tmp_path / name
    other.mkdir()
    for file in (f"{name}.ipynb", "checks.py"):
        (other / file).write_bytes((EXERCISES / name / file).read_bytes())
    again = load_exercise(other)  # a fresh secret in a fresh folder
    assert (
        again.secret != exercise.secret and (other / ".grading-secret").stat().st_mode & 0o077 == 0
    )
    fresh = materialize(again, reference_namespace(again), again.checks)
    (other_task,) = [t for t in fresh if t.id == task.id]
    assert not np.array_equal(other_task.secret[0], X_test)
    public = [t for t in tasks if t.check.public]
    assert all(
        np.array_equal(np.asarray(a), np.asarray(b))
        for t in public
        for u in fresh
        if u.id == t.id
        for a, b in zip(t.calls[0].args, u.calls[0].args, strict=True)
        if not hasattr(a, "call")
    )  # public inputs (which ship) do not depend on the secret
    files = release(EXERCISES / name, tmp_path / "release")
    secret = exercise.secret.decode()
    assert all(secret not in f.read_text(encoding="utf-8") for f in files)
