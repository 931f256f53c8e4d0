"""The class report: one HTML page an instructor reads the morning after a deadline.

``course-grade report --exercise NAME`` reads the gradebook (never re-runs anything) and writes
``NAME_report.html``, a single self-contained page (figures inlined as PNG, no server) with

- the score distribution of each question (a histogram per question, mean and share of full
  marks);
- how often each catalogued mistake's feedback fired across the class ("31 % of graded
  submissions: forgot to subtract the maximum logit"), per question, from the ``mistakes``
  sentences in the exercise's ``checks.py``, plus the grader's own recurring verdicts
  (overflow, gradient-check failure, wrong shape, input changed in place) where they occur;
- the submissions that could not be graded normally, by kind (malformed, missing, duplicate,
  notebook timed out or crashed, a function timed out / crashed / raised / is missing), with
  the students concerned;
- the written answers (the grader stores them in the gradebook beside the scores but does not
  grade them): per student, the text of each ``**Your answer (W1):**`` cell they filled in.

:func:`build_report` returns the numbers as a :class:`ClassReport`; :func:`write_html` renders
them. Every percentage is over the submissions the grader ran (status ``graded``).
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import gradebook, page
from .spec import Exercise

#: How a failed check's message is classified when it is not a catalogued mistake, in order.
PROBLEM_KINDS: tuple[tuple[str, str], ...] = (
    ("not attempted", "raised NotImplementedError"),
    ("function missing", "your notebook does not define"),
    ("function timed out", "did not finish in time"),
    ("function crashed", "stopped the Python process"),
    ("function raised", "` raised "),
    ("returned None", "returned None"),
)
_SUBMISSION_KINDS = {
    "malformed": "malformed notebook",
    "missing": "no notebook",
    "duplicate": "duplicate student folders",
}


#: Feedback the grader itself writes (not a catalogued mistake) that is still worth counting.
GENERIC_FEEDBACK: tuple[tuple[str, str], ...] = (
    ("(grader) overflow or NaN: not numerically stable", "numerically stable form"),
    ("(grader) the gradient disagrees with a numerical gradient", "from a numerical gradient"),
    ("(grader) the answer has the wrong shape", "; expected shape"),
    ("(grader) the function changed its input in place", "changed its input in place"),
)


def _cell_kind(error: str) -> str:
    if "stopped the Python process" in error:
        return "a notebook cell stopped Python (left out)"
    if "did not finish" in error or "timed out" in error:
        return "a notebook cell timed out"
    return "a notebook cell raised"


@dataclass
class QuestionStats:
    """Scores of one question over the graded submissions."""

    id: str
    title: str
    points: float
    scores: list[float]

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores)) if self.scores else 0.0

    @property
    def full_share(self) -> float:
        """Fraction of graded submissions with full marks on this question."""
        if not self.scores:
            return 0.0
        return float(np.mean([s >= self.points for s in self.scores]))


@dataclass
class MistakeStats:
    """How often one catalogued mistake's sentence reached a student."""

    question: str
    sentence: str
    students: list[str]
    share: float  # of graded submissions


@dataclass
class ClassReport:
    """Everything the page shows, as numbers."""

    exercise: str
    graded: int
    ungraded: int
    questions: list[QuestionStats]
    mistakes: list[MistakeStats]
    problems: dict[str, list[str]]  # kind -> students
    written: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> {W1: text}


def _sentences(exercise: Exercise) -> list[tuple[str, str]]:
    """Every catalogued (question, sentence), each once, in checks.py order."""
    seen, out = set(), []
    for check in exercise.checks:
        for sentence in check.mistakes:
            if (check.question, sentence) not in seen:
                seen.add((check.question, sentence))
                out.append((check.question, sentence))
    return out


def _messages(feedback: Any) -> list[str]:
    if isinstance(feedback, list):
        return [v["message"] for v in feedback if v["score"] < v["points"]]
    return []


def build_report(db_path: str | Path, exercise: Exercise) -> ClassReport:
    """Read the gradebook (scores, verdicts, written answers) into numbers."""
    db = gradebook.connect(db_path)
    try:
        table = gradebook.scores(db, exercise.name)
        extra = {
            student: (reason, json.loads(errors))
            for student, reason, errors in db.execute(
                "SELECT student, reason, load_errors FROM submissions WHERE exercise=?",
                (exercise.name,),
            )
        }
    finally:
        db.close()
    graded = {s: e for s, e in table.items() if e["status"] == "graded"}
    questions = [
        QuestionStats(
            q.id,
            q.title,
            q.points,
            [graded[s]["questions"].get(q.id, (0.0, q.points, None))[0] for s in graded],
        )
        for q in exercise.questions
    ]
    mistakes = []
    for qid, sentence in _sentences(exercise):
        hit = [
            s
            for s, e in graded.items()
            if any(sentence in m for m in _messages(e["questions"].get(qid, (0, 0, []))[2]))
        ]
        mistakes.append(
            MistakeStats(qid, sentence, hit, len(hit) / len(graded) if graded else 0.0)
        )
    for q in exercise.questions:
        for label, pattern in GENERIC_FEEDBACK:
            hit = [
                s
                for s, e in graded.items()
                if any(pattern in m for m in _messages(e["questions"].get(q.id, (0, 0, []))[2]))
            ]
            if hit:
                mistakes.append(MistakeStats(q.id, label, hit, len(hit) / len(graded)))
    problems: dict[str, set[str]] = {}
    for student, entry in table.items():
        if entry["status"] != "graded":
            kind = _SUBMISSION_KINDS.get(entry["status"], entry["status"])
            problems.setdefault(kind, set()).add(student)
            continue
        reason, load_errors = extra.get(student, ("", []))
        if "did not finish running" in reason:
            problems.setdefault("notebook timed out", set()).add(student)
        elif "stopped Python" in reason:
            problems.setdefault("notebook crashed", set()).add(student)
        for error in load_errors:
            problems.setdefault(_cell_kind(error), set()).add(student)
        for _, _, feedback in entry["questions"].values():
            for message in _messages(feedback):
                for kind, pattern in PROBLEM_KINDS:
                    if pattern in message:
                        problems.setdefault(kind, set()).add(student)
                        break
    report = ClassReport(
        exercise.name,
        len(graded),
        len(table) - len(graded),
        questions,
        mistakes,
        {k: sorted(v) for k, v in sorted(problems.items())},
    )
    for student, entry in table.items():
        answers = {w: text for w, text in entry["written"].items() if text}
        if answers:
            report.written[student] = answers
    return report


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode()


def _score_figure(report: ClassReport) -> str:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from ..plotting import PALETTE

    n = len(report.questions)
    fig = Figure(figsize=(3.0 * n, 2.6), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False)[0]
    for ax, q in zip(axes, report.questions, strict=True):
        edges = np.arange(-0.5, q.points + 1.0, 1.0) if float(q.points).is_integer() else 10
        ax.hist(q.scores, bins=edges, color=PALETTE[0], edgecolor="white")
        ax.set_title(q.id, fontsize=10)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(f"points (of {q.points:g})")
        ax.set_ylabel("submissions")
    return _png(fig)


def _mistake_figure(report: ClassReport) -> str:
    from matplotlib.figure import Figure

    from ..plotting import PALETTE

    rows = sorted(report.mistakes, key=lambda m: m.share)
    fig = Figure(figsize=(9.0, 0.32 * len(rows) + 1.0), layout="constrained")
    ax = fig.subplots()
    labels = [
        f"{m.question}: {m.sentence[:70]}{'…' if len(m.sentence) > 70 else ''}" for m in rows
    ]
    ax.barh(range(len(rows)), [100 * m.share for m in rows], color=PALETTE[1])
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.set_xlabel("% of graded submissions that received this feedback")
    return _png(fig)


def write_html(report: ClassReport, out: str | Path) -> Path:
    """Render the report as one self-contained HTML page."""
    esc, md = html.escape, page.inline_html
    parts = [
        f"<h1>Class report: {esc(report.exercise)}</h1>",
        f"<p>{report.graded} submissions graded; {report.ungraded} could not be graded.</p>",
        "<h2>Scores per question</h2>",
        "<table><tr><th>question</th><th>points</th><th>mean</th><th>full marks</th></tr>",
    ]
    for q in report.questions:
        parts.append(
            f"<tr><td>{esc(q.id)} · {md(q.title)}</td><td>{q.points:g}</td>"
            f"<td>{q.mean:.2f}</td><td>{100 * q.full_share:.0f} %</td></tr>"
        )
    parts.append("</table>")
    if report.graded:
        parts.append(
            f"<img alt='score histograms' src='data:image/png;base64,{_score_figure(report)}'>"
        )
    parts.append("<h2>Known mistakes: how often their feedback fired</h2>")
    if report.graded and any(m.students for m in report.mistakes):
        figure = _mistake_figure(report)
        parts.append(f"<img alt='mistake frequencies' src='data:image/png;base64,{figure}'>")
    elif report.graded:  # an empty chart says nothing; say it in words
        parts.append(
            "<p>No known mistake fired: no graded submission got a catalogued sentence.</p>"
        )
    parts.append(
        "<table><tr><th>share</th><th>question</th><th>feedback</th><th>students</th></tr>"
    )
    for m in sorted(report.mistakes, key=lambda m: (-m.share, m.question)):
        parts.append(
            f"<tr><td>{100 * m.share:.0f} %</td><td>{esc(m.question)}</td>"
            f"<td>{md(m.sentence)}</td><td>{len(m.students)}</td></tr>"
        )
    parts.append("</table><h2>Submissions with problems, by kind</h2>")
    if not report.problems:
        parts.append("<p>None.</p>")
    parts.append("<table><tr><th>kind</th><th>count</th><th>students</th></tr>")
    for kind, students in report.problems.items():
        parts.append(
            f"<tr><td>{esc(kind)}</td><td>{len(students)}</td>"
            f"<td>{esc(', '.join(students))}</td></tr>"
        )
    parts.append("</table>")
    if report.written:
        parts.append("<h2>Written answers (not autograded)</h2>")
        for student, answers in report.written.items():
            parts.append(f"<h3>{esc(student)}</h3>")
            for key, text in sorted(answers.items()):  # the student's Markdown, rendered safely
                parts.append(f"<p><b>{esc(key)}</b></p><blockquote>{page.markdown_html(text)}")
                parts.append("</blockquote>")
    out = Path(out)
    title = f"Class report: {report.exercise}"
    out.write_text(page.document(title, "\n".join(parts) + "\n"), encoding="utf-8")
    return out


def class_report(
    db_path: str | Path, exercise: Exercise, out: str | Path
) -> tuple[ClassReport, Path]:
    """Build the report from the gradebook and write it to ``out``."""
    report = build_report(db_path, exercise)
    return report, write_html(report, out)


def most_common_mistakes(report: ClassReport, n: int = 3) -> list[str]:
    """One line per most frequent mistake, for the command's summary."""
    counts = Counter({(m.question, m.sentence): m.share for m in report.mistakes if m.students})
    return [f"{100 * share:.0f} % {q}: {s}" for (q, s), share in counts.most_common(n)]


__all__ = [
    "ClassReport",
    "MistakeStats",
    "QuestionStats",
    "build_report",
    "class_report",
    "most_common_mistakes",
    "write_html",
]
