"""Written questions: declared in ``checks.py``, stored unscored, shown as "graded by hand"."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3

import pytest
from grading_helpers import CORRECT, DEMO, FAST, IMPORT, rows, write

from course_utils.grading import export, gradebook
from course_utils.grading.grade import grade
from course_utils.grading.report import build_report
from course_utils.grading.spec import load_exercise

ANSWER = "Because the square makes large errors count **more**.\n\nSecond paragraph."
PROMPT = "Why does MSE punish outliers?"


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _with_written(folder, answer_cell: str = "**Your answer (W1):** _write here_"):
    """The demo exercise copied to ``folder`` with one written question W1."""
    shutil.copytree(DEMO, folder)
    nb_path = folder / "demo.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"] += [_markdown(f"**W1.** {PROMPT}"), _markdown(answer_cell)]
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    checks = folder / "checks.py"
    text = checks.read_text(encoding="utf-8").replace(
        "from course_utils.grading import ", "from course_utils.grading import Written, "
    )
    checks.write_text(text + f"\nWRITTEN = [Written('W1', {PROMPT!r})]\n", encoding="utf-8")
    return folder


def _submission(root, student, cells, answer: str | None):
    path = write(root, student, cells)
    nb = json.loads(path.read_text(encoding="utf-8"))
    if answer is not None:
        nb["cells"].append(_markdown(f"**Your answer (W1):** {answer}"))
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("written")
    exercise = _with_written(root / "exercises" / "demo")
    subs = root / "subs"
    _submission(subs, "ada", CORRECT, ANSWER)
    _submission(subs, "bob", [IMPORT], "_write here_")  # left blank
    _submission(subs, "cy", CORRECT, None)  # deleted the answer cell
    write(subs, "dee", b"{not json")
    book = root / "gradebook.sqlite"
    grade(subs, exercise, book, FAST, jobs=2)
    return root, load_exercise(exercise), subs, book


def _written_rows(book) -> dict[tuple[str, str], str]:
    db = sqlite3.connect(book)
    try:
        return {
            (s, q): a for s, q, a in db.execute("SELECT student, question, answer FROM written")
        }
    finally:
        db.close()


def test_written_questions_are_declared_and_must_match_the_notebook(tmp_path):
    exercise = load_exercise(_with_written(tmp_path / "ok" / "demo"))
    assert [(w.id, w.prompt) for w in exercise.written] == [("W1", PROMPT)]
    assert load_exercise(DEMO).written == []
    wrong = _with_written(tmp_path / "bad" / "demo", "**Your answer (W2):** _write here_")
    with pytest.raises(ValueError, match="WRITTEN declares"):
        load_exercise(wrong)


def test_answers_are_stored_beside_scores_which_do_not_change(graded):
    _, exercise, _, book = graded
    assert _written_rows(book) == {("ada", "W1"): ANSWER, ("bob", "W1"): ""}
    scores = rows(book)
    assert scores["ada"] == {"q1": 3.0, "q2": 3.0, "q3": 3.0}  # one row per graded question
    assert set(scores) == {"ada", "bob", "cy", "dee"}
    assert all(set(q) == {"q1", "q2", "q3"} for q in scores.values())
    db = gradebook.connect(book)
    table = gradebook.scores(db, exercise.name)
    db.close()
    assert table["ada"]["written"] == {"W1": ANSWER}
    assert table["dee"]["written"] == {} and table["dee"]["status"] == "malformed"


def test_a_changed_answer_replaces_the_old_one_in_the_same_transaction(graded, tmp_path):
    root, exercise, subs, _ = graded
    book = tmp_path / "book.sqlite"
    shutil.copyfile(root / "gradebook.sqlite", book)
    _submission(subs / "again", "ada", CORRECT, "A new answer.")
    grade(subs / "again", exercise.folder, book, FAST, jobs=1)
    assert _written_rows(book)[("ada", "W1")] == "A new answer."
    (subs / "again" / "ada" / "demo.ipynb").write_bytes(b"{broken")
    grade(subs / "again", exercise.folder, book, FAST, jobs=1)
    assert ("ada", "W1") not in _written_rows(book)  # no stale answer beside a malformed file


def test_feedback_shows_the_answer_as_ungraded(graded, tmp_path):
    _, exercise, _, book = graded
    export.feedback(book, exercise, tmp_path)
    ada = (tmp_path / "ada.md").read_text(encoding="utf-8")
    assert "**Score: 9 / 9**" in ada
    assert f"## W1 · {PROMPT} — ungraded, graded by hand" in ada
    assert "> Because the square makes large errors count **more**." in ada
    assert "> Second paragraph." in ada
    assert "(no answer)" in (tmp_path / "bob.md").read_text(encoding="utf-8")
    assert "(no answer)" in (tmp_path / "cy.md").read_text(encoding="utf-8")
    page = (tmp_path / "ada.html").read_text(encoding="utf-8")
    assert "count <strong>more</strong>.</p>\n<p>Second paragraph.</p>\n</blockquote>" in page


def test_exports_keep_the_csv_numeric_and_list_written_questions_unscored(graded, tmp_path):
    _, exercise, _, book = graded
    with export.lms_csv(book, exercise, tmp_path / "g.csv").open(encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["student", "q1", "q2", "q3", "total", "max", "status"]
    export.gradescope_results(book, exercise, tmp_path / "gs")
    result = json.loads((tmp_path / "gs" / "ada" / "results.json").read_text(encoding="utf-8"))
    assert result["score"] == 9
    (entry,) = [t for t in result["tests"] if t["name"].startswith("W1")]
    assert "score" not in entry and "ungraded" in entry["name"] and entry["output"] == ANSWER


def test_class_report_reads_the_answers_from_the_gradebook(graded):
    _, exercise, _, book = graded
    assert build_report(book, exercise).written == {"ada": {"W1": ANSWER}}
