"""Store: the SQLite gradebook.

Two tables. ``grades`` has one row per student × exercise × question (score, max score, the
per-check verdicts as JSON, the submission's hash, when). ``submissions`` has one row per
student × exercise: the hash that was graded, a status (``graded``, ``malformed``, ``duplicate``,
``missing``) and a reason. Each submission's rows are replaced in one transaction, so a run
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
) -> None:
    """Replace one submission's rows in a single transaction.

    ``rows`` holds ``(question, score, max_score, verdicts)``; ``verdicts`` is the list of
    :class:`Verdict` or, for a submission that could not run, the reason as a string.
    """
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("DELETE FROM grades WHERE student=? AND exercise=?", (student, exercise))
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
                isolation,
                now,
            ),
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def scores(db: sqlite3.Connection, exercise: str) -> dict[str, dict[str, Any]]:
    """``{student: {"status", "reason", "questions": {qid: (score, max, feedback)}}}``."""
    out: dict[str, dict[str, Any]] = {}
    for student, status, reason in db.execute(
        "SELECT student, status, reason FROM submissions WHERE exercise=? ORDER BY student",
        (exercise,),
    ):
        out[student] = {"status": status, "reason": reason, "questions": {}}
    for student, question, score, max_score, feedback in db.execute(
        "SELECT student, question, score, max_score, feedback FROM grades WHERE exercise=?"
        " ORDER BY student, question",
        (exercise,),
    ):
        entry = out.setdefault(student, {"status": "?", "reason": "", "questions": {}})
        entry["questions"][question] = (score, max_score, json.loads(feedback))
    return out
