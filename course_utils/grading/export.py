"""Export: the gradebook as an LMS CSV, Gradescope ``results.json`` files, feedback pages.

- :func:`lms_csv` — one row per student: ``student, q1, q2, …, total, max, status`` (graded
  questions only: an LMS imports these columns as numbers, so written answers stay out);
- :func:`gradescope_results` — ``OUT/<student>/results.json`` in Gradescope's format (a total
  ``score`` and one entry per question under ``tests``; each written question adds an entry
  without a score, "ungraded, graded by hand", whose output is the student's answer);
- :func:`feedback` — ``OUT/<student>.md`` and the same rendered as ``.html`` (:mod:`.page`;
  :func:`file_stem` keeps two students' files apart): per question, per check, a verdict;
  public checks show their inputs, hidden checks only their verdict (after the cells that
  failed when the notebook ran, e.g. a forbidden import); then each written
  question, marked "ungraded, graded by hand", with the student's answer.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

from . import gradebook, page
from .spec import Exercise


def _fmt(x: float) -> str:
    return f"{x:g}"


def lms_csv(db_path: str | Path, exercise: Exercise, out: str | Path) -> Path:
    """Write the CSV an LMS gradebook imports."""
    db = gradebook.connect(db_path)
    try:
        table = gradebook.scores(db, exercise.name)
    finally:
        db.close()
    qids = [q.id for q in exercise.questions]
    out = Path(out)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *qids, "total", "max", "status"])
        maximum = sum(q.points for q in exercise.questions)
        for student, entry in table.items():
            row = [entry["questions"].get(q, (0.0, 0.0, None))[0] for q in qids]
            writer.writerow(
                [student, *map(_fmt, row), _fmt(sum(row)), _fmt(maximum), entry["status"]]
            )
    return out


def _check_lines(feedback: Any) -> list[dict[str, Any]]:
    return feedback if isinstance(feedback, list) else []


def _question_text(feedback: Any) -> str:
    if isinstance(feedback, str):
        return feedback
    lines = []
    for v in _check_lines(feedback):
        mark = "passed" if v["score"] >= v["points"] else "failed"
        lines.append(
            f"{mark} ({_fmt(v['score'])}/{_fmt(v['points'])}) {v['name']}"
            + ("" if v["message"] == "passed" else f": {v['message']}")
        )
    return "\n".join(lines)


def gradescope_results(db_path: str | Path, exercise: Exercise, out: str | Path) -> list[Path]:
    """Write ``out/<student>/results.json`` (Gradescope's autograder results format)."""
    db = gradebook.connect(db_path)
    try:
        table = gradebook.scores(db, exercise.name)
    finally:
        db.close()
    written = []
    for student, entry in table.items():
        tests = []
        for q in exercise.questions:
            score, max_score, fb = entry["questions"].get(q.id, (0.0, q.points, entry["reason"]))
            tests.append(
                {
                    "name": f"{q.id}: {q.title}",
                    "score": score,
                    "max_score": max_score,
                    "output": _question_text(fb),
                    "visibility": "visible",
                }
            )
        score = sum(t["score"] for t in tests)
        for w in exercise.written:
            tests.append(
                {
                    "name": f"{w.id}: {w.prompt} (ungraded, graded by hand)",
                    "output": _answer(entry, w.id),
                    "visibility": "visible",
                }
            )
        result = {
            "score": score,
            "tests": tests,
            "output": entry["reason"] or "Graded by course-grade.",
        }
        path = Path(out) / file_stem(student) / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _answer(entry: dict[str, Any], wid: str) -> str:
    answer = entry.get("written", {}).get(wid, "")
    return answer or "(no answer)"


def _markdown(student: str, exercise: Exercise, entry: dict[str, Any]) -> str:
    total = sum(s for s, _, _ in entry["questions"].values())
    maximum = sum(q.points for q in exercise.questions)
    lines = [
        f"# {exercise.name}: feedback for {student}",
        "",
        f"**Score: {_fmt(total)} / {_fmt(maximum)}**",
        "",
    ]
    if entry["reason"]:
        lines += [f"Note: {entry['reason']}.", ""]
    if entry.get("load_errors"):
        lines += ["Cells that failed when your notebook ran top to bottom:", ""]
        lines += [f"- {error}" for error in entry["load_errors"]] + [""]
    for q in exercise.questions:
        score, max_score, fb = entry["questions"].get(q.id, (0.0, q.points, entry["reason"]))
        lines += [f"## {q.id} · {q.title} — {_fmt(score)} / {_fmt(max_score)}", ""]
        if isinstance(fb, str):
            lines += [fb, ""]
            continue
        for v in fb:
            mark = "✓" if v["score"] >= v["points"] else "✗"
            kind = "public" if v["public"] else "hidden"
            text = "" if v["message"] == "passed" else f" — {v['message']}"
            lines.append(
                f"- {mark} {v['name']} ({kind}, {_fmt(v['score'])}/{_fmt(v['points'])}){text}"
            )
            if v["public"] and v["inputs"]:
                lines.append(f"  - inputs: `{v['inputs']}`")
        lines.append("")
    for w in exercise.written:
        lines += [f"## {w.id} · {w.prompt} — ungraded, graded by hand", ""]
        lines += [f"> {line}" if line else ">" for line in _answer(entry, w.id).splitlines()]
        lines.append("")
    return "\n".join(lines)


def file_stem(student: str) -> str:
    """A file name for ``student`` that no other student id shares: the id itself when it is
    plain ASCII letters, digits, ``-``, ``_`` and ``.`` (at most 100); otherwise the first 80
    of those characters (others become ``_``) plus a short hash of the id, so "a b" and "a_b"
    get different files and no name is too long for the file system."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in student)
    if safe == student and not student.startswith(".") and len(student) <= 100:
        return student
    digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{safe.lstrip('.')[:80]}-{digest}"


def feedback(db_path: str | Path, exercise: Exercise, out: str | Path) -> list[Path]:
    """Write ``out/<student>.md`` and ``out/<student>.html`` for every graded student."""
    db = gradebook.connect(db_path)
    try:
        table = gradebook.scores(db, exercise.name)
    finally:
        db.close()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for student, entry in table.items():
        text = _markdown(student, exercise, entry)
        title = f"{exercise.name}: feedback for {student}"
        rendered = page.document(title, page.markdown_html(text))
        for suffix, content in ((".md", text), (".html", rendered)):
            path = out / f"{file_stem(student)}{suffix}"
            path.write_text(content, encoding="utf-8")
            written.append(path)
    return written
