"""Grader-side evaluation: ``item=`` picks one returned array, ``evaluate`` chains the student's
functions in the sandbox and scores their raw answers in the grader, ``Probe`` hands them the
grader's test functions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from grading_helpers import FAST, notebook_text, write

from course_utils import bookconfig
from course_utils.grading import gradebook
from course_utils.grading.grade import grade
from course_utils.grading.probes import PROBES
from course_utils.grading.spec import load_exercise

REPO = Path(__file__).resolve().parents[2]

NOTEBOOK = [
    "import numpy as np\nfrom course_utils.grading import checker\ncheck = checker('chain')",
    "def fit(x):\n    return x * 2.0, x + 1.0",
    "def predict(a, b):\n    return a + b",
    "def slope(f, x):\n    return (f(x + 1e-6) - f(x - 1e-6)) / 2e-6",
]
CHECKS = """
import numpy as np

from course_utils.grading import Probe, Question, Result, close, evaluate


def plan(rng):
    x = rng.normal(size=5)
    return [("fit", (x,)), ("predict", (Result(0, 0), Result(0, 1)))], (3.0 * x + 1.0,)


def closeness(outputs, target):
    (got,) = outputs[1]
    return -float(np.max(np.abs(got - target)))


QUESTIONS = [Question("q1", "fit", points=2), Question("q2", "predict", points=3),
             Question("q3", "slope", points=2)]
CHECKS = [
    close("q1", "fit", (np.arange(3.0),), item=1, name="second item", public=True),
    close("q1", "fit", (np.arange(3.0),), item=0, name="first item"),
    close("q2", "predict", (np.ones(2), np.ones(2)), name="adds", public=True),
    close("q2", "predict", (np.ones(3), np.arange(3.0)), name="adds, hidden"),
    evaluate("q2", plan, closeness, at_least=-1e-9, what="closeness", name="fit then predict"),
    close("q3", "slope", (Probe("cubic"), 0.5), name="slope of the cubic", public=True,
          rtol=1e-6),
    close("q3", "slope", (Probe("wave"), 0.3), name="slope of a hidden function", rtol=1e-6),
]
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("chain")
    folder = root / "chain"
    folder.mkdir()
    (folder / "chain.ipynb").write_text(notebook_text(NOTEBOOK), encoding="utf-8")
    (folder / "checks.py").write_text(CHECKS, encoding="utf-8")
    subs = root / "subs"
    write(subs, "right", NOTEBOOK, "chain.ipynb")
    write(
        subs, "fit_raises", [*NOTEBOOK, "def fit(x):\n    raise ValueError('no')"], "chain.ipynb"
    )
    write(subs, "no_tuple", [*NOTEBOOK, "def fit(x):\n    return x * 2.0"], "chain.ipynb")
    liar = "def predict(a, b):\n    return a - b\ndef closeness(*args):\n    return 0.0"
    write(subs, "liar", [*NOTEBOOK, liar], "chain.ipynb")
    probe = "from course_utils.grading.probes import PROBES\nPROBES['cubic'] = lambda x: 0.0"
    write(subs, "probe_liar", [*NOTEBOOK, probe], "chain.ipynb")
    book = root / "book.sqlite"
    grade(subs, folder, book, FAST, jobs=2)
    db = gradebook.connect(book)
    table = gradebook.scores(db, "chain")
    db.close()
    return folder, table


def _score(entry, q):
    return entry["questions"][q][0]


def _messages(entry, q):
    return [v["message"] for v in entry["questions"][q][2]]


def test_the_reference_passes_and_the_probe_is_the_graders_function(graded):
    folder, table = graded
    assert {q: _score(table["right"], q) for q in ("q1", "q2", "q3")} == {
        "q1": 2.0,
        "q2": 3.0,
        "q3": 2.0,
    }
    assert PROBES["cubic"](np.array([0.5])) == pytest.approx(0.625)
    assert load_exercise(folder).checks[4].kind == "evaluate"
    verdict, _ = table["right"]["questions"]["q3"][2]
    assert verdict["inputs"] == "argument 1 = the grader's test function 'cubic'; argument 2 = 0.5"


def test_a_failing_first_call_skips_the_calls_that_need_its_result(graded):
    _, table = graded
    entry = table["fit_raises"]
    assert _score(entry, "q1") == 0 and _score(entry, "q2") == 2.0  # predict alone still works
    assert any("`fit` raised ValueError" in m for m in _messages(entry, "q2"))


def test_item_needs_a_tuple(graded):
    _, table = graded
    entry = table["no_tuple"]
    assert _score(entry, "q1") == 0
    assert all("should return a tuple of at least" in m for m in _messages(entry, "q1"))


def test_the_score_is_computed_in_the_grader_not_by_the_notebook(graded):
    _, table = graded
    entry = table["liar"]
    assert _score(entry, "q2") == 0
    assert "the closeness does not reach -1e-09" in _messages(entry, "q2")  # hidden: no number
    # the child took its test functions before the notebook ran: rebinding them changes nothing
    assert _score(table["probe_liar"], "q3") == 2.0


def test_check_in_the_students_kernel_resolves_probes_and_items(graded, tmp_path, capsys):
    from course_utils.grading import checker
    from course_utils.grading.release import release

    folder, _ = graded
    release(folder, tmp_path, bookconfig.read(REPO / "_config.yml"))  # the copy has none above
    data = json.loads((tmp_path / "chain" / "chain.checks.json").read_text(encoding="utf-8"))
    assert [c["kind"] for c in data["checks"]] == ["close", "close", "close"]  # evaluate hidden
    namespace: dict = {}
    for code in NOTEBOOK[1:]:
        exec(code, namespace)
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path / "chain")
    try:
        check = checker("chain", namespace)
        for q in ("q1", "q2", "q3"):
            check(q)
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert out.count("✓") == 3 and "✗" not in out, out
