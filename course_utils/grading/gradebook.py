"""Store: the SQLite gradebook.

Three tables. ``grades`` has one row per student × exercise × graded question (score, max
score, the per-check verdicts as JSON, the submission's hash, when). ``submissions`` has one row
per student × exercise: the hash that was graded, a status (``graded``, ``malformed``,
``duplicate``, ``missing``) and a reason. ``written`` has one row per student × exercise ×
written question the submission has a cell for: the answer text (``""`` when left blank); it
holds no score, so nothing that sums ``grades`` changes. Each submission's rows in all three
tables are replaced in one transaction, so a run
killed at any moment leaves either the old rows or the new ones, never a mix, never
duplicates; a re-run skips a submission whose hash (which covers the exercise's checks) is
unchanged.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .compare import Verdict

SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    student TEXT NOT NULL, exercise TEXT NOT NULL, question TEXT NOT NULL,
    score REAL NOT NULL, max_score REAL NOT NULL, feedback TEXT NOT NULL,
    submission_hash TEXT NOT NULL, graded_at TEXT NOT NULL,
    PRIMARY KEY (student, exercise, question)
);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT NOT NULL, exercise TEXT NOT NULL, submission_hash TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT NOT NULL, load_errors TEXT NOT NULL,
    isolation TEXT NOT NULL, graded_at TEXT NOT NULL,
    PRIMARY KEY (student, exercise)
);
CREATE TABLE IF NOT EXISTS written (
    student TEXT NOT NULL, exercise TEXT NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, submission_hash TEXT NOT NULL, graded_at TEXT NOT NULL,
    PRIMARY KEY (student, exercise, question)
);
"""


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a gradebook; only its owner may read it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(SCHEMA)
    return db


def graded_hash(db: sqlite3.Connection, student: str, exercise: str) -> str | None:
    """The hash recorded for this submission, or None if it was never graded."""
    row = db.execute(
        "SELECT submission_hash FROM submissions WHERE student=? AND exercise=?",
        (student, exercise),
    ).fetchone()
    return row[0] if row else None


def clean(text: str) -> str:
    """``text`` as valid UTF-8 (a lone surrogate from a notebook's JSON becomes ``?``)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def store(
    db: sqlite3.Connection,
    student: str,
    exercise: str,
    submission_hash: str,
    status: str,
    reason: str,
    rows: list[tuple[str, float, float, list[Verdict] | str]],
    load_errors: list[str] = (),
    isolation: str = "",
    written: dict[str, str] | None = None,
) -> None:
    """Replace one submission's rows in a single transaction.

    ``rows`` holds ``(question, score, max_score, verdicts)``; ``verdicts`` is the list of
    :class:`Verdict` or, for a submission that could not run, the reason as a string.
    ``written`` maps a written question's id to the student's answer text.
    """
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    student, reason = clean(student), clean(reason)
    written = {clean(q): clean(a) for q, a in (written or {}).items()}
    db.execute("BEGIN IMMEDIATE")
    try:
        for table in ("grades", "written"):
            db.execute(f"DELETE FROM {table} WHERE student=? AND exercise=?", (student, exercise))
        for question, answer in written.items():
            db.execute(
                "INSERT INTO written VALUES (?, ?, ?, ?, ?, ?)",
                (student, exercise, question, answer, submission_hash, now),
            )
        for question, score, max_score, verdicts in rows:
            feedback = (
                json.dumps([asdict(v) for v in verdicts])
                if isinstance(verdicts, list)
                else json.dumps(verdicts)
            )
            db.execute(
                "INSERT INTO grades VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (student, exercise, question, score, max_score, feedback, submission_hash, now),
            )
        db.execute(
            "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                student,
                exercise,
                submission_hash,
                status,
                reason,
                json.dumps(list(load_errors)),
                clean(isolation),
                now,
            ),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def scores(db: sqlite3.Connection, exercise: str) -> dict[str, dict[str, Any]]:
    """``{student: {"status", "reason", "load_errors", "questions": {qid: (score, max,
    feedback)}, "written": {wid: answer}}}``."""
    out: dict[str, dict[str, Any]] = {}
    for student, status, reason, load_errors in db.execute(
        "SELECT student, status, reason, load_errors FROM submissions WHERE exercise=?"
        " ORDER BY student",
        (exercise,),
    ):
        out[student] = {
            "status": status,
            "reason": reason,
            "load_errors": json.loads(load_errors),
            "questions": {},
            "written": {},
        }
    for student, question, score, max_score, feedback in db.execute(
        "SELECT student, question, score, max_score, feedback FROM grades WHERE exercise=?"
        " ORDER BY student, question",
        (exercise,),
    ):
        entry = out.setdefault(
            student,
            {"status": "?", "reason": "", "load_errors": [], "questions": {}, "written": {}},
        )
        entry["questions"][question] = (score, max_score, json.loads(feedback))
    for student, question, answer in db.execute(
        "SELECT student, question, answer FROM written WHERE exercise=?"
        " ORDER BY student, question",
        (exercise,),
    ):
        if student in out:
            out[student]["written"][question] = answer
    return out
