"""The gradebook: one row per submission and question, whatever happens to the run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grading_helpers import CORRECT, DEMO, FAST, GRAD, IMPORT, rows, totals, write

from course_utils.grading import gradebook
from course_utils.grading.compare import Verdict
from course_utils.grading.grade import grade

REPO = Path(__file__).resolve().parents[2]
SLOW_SOFTMAX = (
    "import time\n"
    "def softmax(z):\n"
    "    time.sleep(0.1)\n"
    "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
    "    return e / e.sum(axis=1, keepdims=True)"
)
WRONG_MSE = "def mse(pred, target):\n    return float(np.sum((pred - target) ** 2))"


def _count(db_path: Path, table: str) -> int:
    db = sqlite3.connect(db_path, timeout=30)
    try:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


def test_rerun_skips_unchanged_and_regrades_changed(tmp_path):
    subs, book = tmp_path / "subs", tmp_path / "book.sqlite"
    for i in range(4):
        write(subs, f"s{i}", CORRECT)
    first = grade(subs, DEMO, book, FAST, jobs=2)
    assert (first.graded, first.skipped) == (4, 0)
    again = grade(subs, DEMO, book, FAST, jobs=2)
    assert (again.graded, again.skipped) == (0, 4)
    write(subs, "s2", [IMPORT, WRONG_MSE, GRAD, CORRECT[3]])
    third = grade(subs, DEMO, book, FAST, jobs=2)
    assert (third.graded, third.skipped) == (1, 3)
    assert totals(book) == {"s0": 9, "s1": 9, "s2": 6, "s3": 9}
    assert _count(book, "grades") == 12


def test_changing_the_checks_regrades_everyone(tmp_path):
    import shutil

    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    subs, book = tmp_path / "subs", tmp_path / "book.sqlite"
    for i in range(2):
        write(subs, f"s{i}", CORRECT)
    grade(subs, folder, book, FAST, jobs=2)
    (folder / "checks.py").write_text((folder / "checks.py").read_text() + "\n# edited\n")
    assert grade(subs, folder, book, FAST, jobs=2).graded == 2


def test_half_written_notebook_is_regraded_once_complete(tmp_path):
    subs, book = tmp_path / "subs", tmp_path / "book.sqlite"
    path = write(subs, "late", CORRECT)
    full = path.read_bytes()
    path.write_bytes(full[: len(full) // 3])
    grade(subs, DEMO, book, FAST, jobs=1)
    assert totals(book) == {"late": 0}
    path.write_bytes(full)
    assert grade(subs, DEMO, book, FAST, jobs=1).graded == 1
    assert totals(book) == {"late": 9}


def test_a_failed_write_leaves_the_previous_rows(tmp_path):
    book = tmp_path / "book.sqlite"
    db = gradebook.connect(book)
    ok = Verdict("q1.1", "q1", "a check", True, 1.0, 1.0, "passed")
    gradebook.store(db, "ann", "demo", "h1", "graded", "", [("q1", 1.0, 1.0, [ok])])

    class Unwritable(Verdict):
        pass

    broken = [("q1", 0.0, 1.0, [ok]), ("q2", 0.0, 1.0, [object()])]  # fails on the 2nd row
    with pytest.raises(TypeError):
        gradebook.store(db, "ann", "demo", "h2", "graded", "", broken)
    assert db.execute("SELECT question, score, submission_hash FROM grades").fetchall() == [
        ("q1", 1.0, "h1")
    ]
    assert gradebook.graded_hash(db, "ann", "demo") == "h1"
    db.close()


def test_kill_minus_9_then_restart_gives_one_row_each(tmp_path):
    subs, book = tmp_path / "subs", tmp_path / "book.sqlite"
    expected = {}
    for i in range(16):
        wrong = i % 4 == 0
        write(subs, f"s{i:02d}", [IMPORT, WRONG_MSE if wrong else CORRECT[1], GRAD, SLOW_SOFTMAX])
        expected[f"s{i:02d}"] = 6 if wrong else 9  # a wrong mse costs q1 only
    command = [
        sys.executable,
        "-m",
        "course_utils.grading",
        "grade",
        str(subs),
        "--exercise",
        "demo",
        "--source",
        str(DEMO.parent),
        "--gradebook",
        str(book),
        "--jobs",
        "2",
        "--timeout",
        "2",
        "--load-timeout",
        "5",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(book, "submissions") < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = _count(book, "submissions")
    assert 3 <= done_before < 16, "the kill should land in the middle of the run"
    assert _count(book, "grades") == 3 * done_before  # whole submissions only
    summary = grade(subs, DEMO, book, FAST, jobs=2)
    assert summary.skipped == done_before and summary.graded == 16 - done_before
    assert _count(book, "grades") == 16 * 3 and _count(book, "submissions") == 16
    assert totals(book) == expected
    assert all(len(q) == 3 for q in rows(book).values())


def test_an_internal_error_leaves_no_row_and_a_rerun_retries(tmp_path, monkeypatch):
    from course_utils.grading import grade as grade_module

    subs, book = tmp_path / "subs", tmp_path / "book.sqlite"
    write(subs, "ann", CORRECT)
    write(subs, "ben", CORRECT)
    real = grade_module.Grader.grade_one

    def flaky(self, entry, slot, db):
        if entry.student == "ben":
            raise OSError("disk full")
        return real(self, entry, slot, db)

    monkeypatch.setattr(grade_module.Grader, "grade_one", flaky)
    summary = grade(subs, DEMO, book, FAST, jobs=2)
    assert summary.kinds["grader-error"] == 1 and totals(book) == {"ann": 9}
    monkeypatch.setattr(grade_module.Grader, "grade_one", real)
    again = grade(subs, DEMO, book, FAST, jobs=2)
    assert (again.graded, again.skipped) == (1, 1) and totals(book) == {"ann": 9, "ben": 9}
