"""The README's worked example, through the ``course-grade`` command's entry point."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from grading_helpers import CORRECT, DEMO, GRAD, IMPORT, write

from course_utils.grading.cli import main

REPO = Path(__file__).resolve().parents[2]
WRONG_SOFTMAX = "def softmax(z):\n    return np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """release → grade → export → feedback, as the README shows them."""
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(DEMO, root / "exercises" / "demo")
    source = ["--source", str(root / "exercises")]
    book = ["--gradebook", str(root / "gradebook.sqlite")]
    config = ["--config", str(REPO / "_config.yml")]  # the course's, as the copy has none above
    assert (
        main(["release", "--exercise", "demo", *source, *config, "--out", str(root / "release")])
        == 0
    )
    subs = root / "submissions"
    write(subs, "ada", CORRECT)
    write(subs, "bob", [IMPORT, CORRECT[1], GRAD, WRONG_SOFTMAX])
    write(subs, "cy", b"{not json")
    assert (
        main(
            [
                "grade",
                str(subs),
                "--exercise",
                "demo",
                *source,
                *book,
                "--jobs",
                "2",
                "--timeout",
                "2",
                "--load-timeout",
                "5",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "export",
                "--exercise",
                "demo",
                *source,
                *book,
                "--csv",
                str(root / "grades.csv"),
                "--gradescope",
                str(root / "gradescope"),
            ]
        )
        == 0
    )
    assert (
        main(["feedback", "--exercise", "demo", *source, *book, "--out", str(root / "feedback")])
        == 0
    )
    return root


def test_csv_has_one_row_per_student_and_a_column_per_question(course):
    with (course / "grades.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert [r["student"] for r in table] == ["ada", "bob", "cy"]
    assert list(table[0]) == ["student", "q1", "q2", "q3", "total", "max", "status"]
    assert [(r["q3"], r["total"], r["status"]) for r in table] == [
        ("3", "9", "graded"),
        ("0", "6", "graded"),
        ("0", "0", "malformed"),
    ]


def test_gradescope_results_json(course):
    result = json.loads((course / "gradescope" / "bob" / "results.json").read_text())
    assert result["score"] == 6
    assert [t["max_score"] for t in result["tests"]] == [3, 3, 3]
    assert "each column sums to 1" in result["tests"][2]["output"]


def test_feedback_shows_public_inputs_and_hides_hidden_ones(course):
    text = (course / "feedback" / "bob.md").read_text()
    assert "**Score: 6 / 9**" in text
    assert "✗ random logits (public, 0/1) — `softmax` is not right — each column sums" in text
    assert (
        "✗ huge logits (hidden, 0/1) — `softmax` contains NaN or infinity where the answer is"
        " finite" in text
    )
    hidden_lines = [line for line in text.splitlines() if "(hidden" in line]
    assert hidden_lines and all("inputs" not in line for line in hidden_lines)
    assert all(" vs " not in line for line in hidden_lines)  # no expected values either
    assert text.count("  - inputs: ") == 4  # one per public check
    html = (course / "feedback" / "bob.html").read_text()
    assert "<h2>q3 · A numerically stable softmax — 0 / 3</h2>" in html
    assert "not valid notebook JSON" in (course / "feedback" / "cy.md").read_text()


def test_release_without_a_name_releases_every_exercise(course, tmp_path, capsys):
    config = ["--config", str(REPO / "_config.yml")]
    assert (
        main(["release", "--source", str(course / "exercises"), *config, "--out", str(tmp_path)])
        == 0
    )
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == [
        "demo.checks.json",
        "demo.ipynb",
    ]
    assert main(["release", "--source", str(tmp_path / "demo"), "--out", str(tmp_path)]) == 2
    assert "no exercise folder" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["release", "grade", "export", "feedback", "gradescope"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0 and "usage: course-grade" in capsys.readouterr().out


def test_the_module_runs_as_the_command():
    done = subprocess.run(
        [sys.executable, "-m", "course_utils.grading", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0 and "usage: course-grade" in done.stdout
    for command in ("release", "grade", "export", "feedback", "gradescope"):
        assert command in done.stdout


def test_gradescope_zip_runs_a_submission_as_gradescope_would(course, tmp_path):
    import zipfile

    zip_path = tmp_path / "demo_autograder.zip"
    assert (
        main(
            [
                "gradescope",
                "--exercise",
                "demo",
                "--source",
                str(course / "exercises"),
                "--out",
                str(zip_path),
            ]
        )
        == 0
    )
    root = tmp_path / "autograder"  # stands for /autograder
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        archive.extractall(root / "source")
    assert {
        "setup.sh",
        "run_autograder",
        "exercise/demo/checks.py",
        "exercise/demo/.grading-secret",  # the hidden checks' seed travels with the grader
        "course_utils/grading/child.py",
    } <= names
    (root / "submission").mkdir(parents=True)
    shutil.copy(course / "submissions" / "bob" / "demo.ipynb", root / "submission")
    (root / "results").mkdir()
    env = {"AUTOGRADER_ROOT": str(root), "PYTHON": sys.executable, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((root / "results" / "results.json").read_text())
    assert result["score"] == 6
    assert [t["score"] for t in result["tests"]] == [3, 3, 0]


def test_the_grader_imports_no_plotting():
    code = (
        "import sys, course_utils.grading.cli, course_utils.grading.child\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'ipywidgets')"
        " or m == 'course_utils.plotting']\nassert not bad, bad"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_missing_source_folder_is_a_one_line_error_saying_what_to_pass(tmp_path, capsys):
    # An instructor with the package installed, in a folder without `exercises/`.
    assert main(["release", "--source", str(tmp_path / "exercises")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "pass --source PATH" in error
    (tmp_path / "exercises" / "demo").mkdir(parents=True)
    (tmp_path / "exercises" / "demo" / "demo.ipynb").write_text("{}")
    assert main(["export", "--exercise", "dmeo", "--source", str(tmp_path / "exercises")]) == 2
    error = capsys.readouterr().err.strip()
    assert "no exercise 'dmeo'" in error and "found: demo" in error


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("course-grade ")


def test_the_class_report_says_when_no_known_mistake_fired(course, tmp_path, capsys):
    # ada's submission is correct, so if only she is graded no catalogued sentence fires.
    import sqlite3

    only_ada = tmp_path / "gradebook.sqlite"
    shutil.copy(course / "gradebook.sqlite", only_ada)
    with sqlite3.connect(only_ada) as db:
        for table in ("grades", "submissions", "written"):
            db.execute(f"DELETE FROM {table} WHERE student != 'ada'")
    out = tmp_path / "report.html"
    source = ["--source", str(course / "exercises")]
    book = ["--gradebook", str(only_ada)]
    assert main(["report", "--exercise", "demo", *source, *book, "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "No known mistake fired" in page and "mistake frequencies" not in page
