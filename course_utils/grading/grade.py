"""Grade a folder of submissions: ``SUBMISSIONS/<student_id>/<exercise>.ipynb``.

For each student, in parallel over the cores: read the notebook once (its bytes are what is
hashed and what runs), skip it if the gradebook already holds that hash, otherwise run it in a
sandboxed child (:mod:`.sandbox`), judge every check in this process (:mod:`.compare`) and
store the rows (:mod:`.gradebook`). A malformed notebook, a duplicate folder or a missing file
gets rows too, with the reason.
"""

from __future__ import annotations

import hashlib
import os
import queue
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import gradebook, notebook
from .child import module_files
from .compare import Verdict, judge_all
from .sandbox import MAX_JOBS, Limits, Sandbox
from .spec import Exercise, flatten, load_exercise, materialize, reference_namespace


@dataclass
class Entry:
    """One student's folder: the notebook to grade, or why there is none."""

    student: str
    path: Path | None
    status: str = ""  # "", "missing", "duplicate"
    reason: str = ""


@dataclass
class Summary:
    """What a grading run did."""

    graded: int = 0
    skipped: int = 0
    zero: int = 0
    kinds: Counter = field(default_factory=Counter)  # problem kind -> submissions
    seconds: float = 0.0
    isolation: str = ""

    def text(self) -> str:
        done = self.graded or 1
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items())) or "none"
        return (
            f"graded {self.graded}, skipped {self.skipped} unchanged, zero score"
            f" {self.zero}; problems: {kinds}; {self.seconds:.1f} s"
            f" ({self.seconds / done:.3f} s per graded submission)"
        )


def discover(submissions: Path, exercise: str) -> list[Entry]:
    """Every student folder under ``submissions``, with duplicates and gaps flagged."""
    if not submissions.is_dir():
        raise FileNotFoundError(f"the submissions folder {submissions} does not exist")
    folders = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.is_symlink())
    by_key: dict[str, list[Path]] = {}
    for folder in folders:
        by_key.setdefault(folder.name.strip().casefold(), []).append(folder)
    entries = []
    for folder in folders:
        twins = by_key[folder.name.strip().casefold()]
        target = folder / f"{exercise}.ipynb"
        if len(twins) > 1:
            names = ", ".join(repr(t.name) for t in twins)
            entries.append(
                Entry(
                    folder.name,
                    None,
                    "duplicate",
                    f"folders {names} look like"
                    " the same student; none of them was graded (merge them)",
                )
            )
        elif target.is_dir():
            entries.append(
                Entry(
                    folder.name,
                    None,
                    "malformed",
                    f"{target.name} is a folder, not a notebook file",
                )
            )
        elif target.is_symlink():
            entries.append(
                Entry(
                    folder.name, None, "malformed", f"{target.name} is a symbolic link, not a file"
                )
            )
        elif not target.is_file():
            found = sorted(p.name for p in folder.iterdir())[:5]
            what = f"found {', '.join(found)}" if found else "the folder is empty"
            entries.append(
                Entry(folder.name, None, "missing", f"no file named {target.name} ({what})")
            )
        else:
            entries.append(Entry(folder.name, target))
    return entries


class Grader:
    """One grading run of one exercise."""

    def __init__(
        self,
        exercise: Exercise,
        submissions: Path,
        gradebook_path: Path,
        limits: Limits | None = None,
        jobs: int | None = None,
        namespaces: bool = True,
    ) -> None:
        self.exercise = exercise
        self.submissions = submissions
        self.gradebook_path = gradebook_path
        self.jobs = min(jobs or os.cpu_count() or 1, MAX_JOBS)
        self.tasks = materialize(exercise, reference_namespace(exercise), exercise.checks)
        self.calls = flatten(self.tasks)
        hide = [
            exercise.folder.parent,  # this exercise and every other one (future solutions)
            submissions,
            gradebook_path,
            Path(f"{gradebook_path}-wal"),
            Path(f"{gradebook_path}-shm"),
            *module_files(exercise.forbidden),  # the library's own answers, file and cache
        ]
        self.sandbox = Sandbox(hide, limits, namespaces, exercise.forbidden)

    def close(self) -> None:
        self.sandbox.close()

    def _rows_for(self, verdicts: list[Verdict]) -> list[tuple]:
        rows = []
        for q in self.exercise.questions:
            mine = [v for v in verdicts if v.question == q.id]
            rows.append((q.id, sum(v.score for v in mine), q.points, mine))
        return rows

    def _written(self, nb: dict) -> dict[str, str]:
        """The answers to the exercise's written questions (ungraded, stored beside scores)."""
        found = notebook.answer_cells(nb)
        return {w.id: found[w.id] for w in self.exercise.written if w.id in found}

    def _failed_rows(self, reason: str) -> list[tuple]:
        return [(q.id, 0.0, q.points, reason) for q in self.exercise.questions]

    def grade_one(self, entry: Entry, slot: int, db) -> tuple[str, float, str]:
        """Grade (or skip) one entry; returns (what happened, score, problem kind)."""
        name = self.exercise.name
        if entry.path is None:
            digest = hashlib.sha256(f"{entry.status}:{entry.reason}".encode()).hexdigest()
            if gradebook.graded_hash(db, entry.student, name) == digest:
                return "skipped", 0.0, ""
            gradebook.store(
                db,
                entry.student,
                name,
                digest,
                entry.status,
                entry.reason,
                self._failed_rows(entry.reason),
            )
            return "graded", 0.0, entry.status
        data = entry.path.read_bytes()  # read once: these bytes are hashed and run
        digest = hashlib.sha256(data + self.exercise.digest.encode()).hexdigest()
        if gradebook.graded_hash(db, entry.student, name) == digest:
            return "skipped", 0.0, ""
        try:
            nb = notebook.parse(data)
        except notebook.NotebookError as error:
            reason = f"{entry.path.name}: {error}"
            gradebook.store(
                db, entry.student, name, digest, "malformed", reason, self._failed_rows(reason)
            )
            return "graded", 0.0, "malformed"
        run = self.sandbox.run(slot, notebook.code_cells(nb), self.calls)
        rows = self._rows_for(judge_all(self.tasks, run.outcomes))
        total = sum(r[1] for r in rows)
        kinds = {o.status for o in run.outcomes} & {"timeout", "crash", "missing"}
        problem = run.problem or (sorted(kinds)[0] if kinds else "")
        reason = {
            "load-timeout": "the notebook did not finish running in time",
            "load-crash": "the notebook stopped Python while running",
        }.get(run.problem, "")
        gradebook.store(
            db,
            entry.student,
            name,
            digest,
            "graded",
            reason,
            rows,
            run.load_errors,
            self.sandbox.describe(),
            self._written(nb),
        )
        return "graded", total, problem

    def run(self, log: TextIO = sys.stderr) -> Summary:
        """Grade every submission; print the isolation used, progress and a summary."""
        start = time.monotonic()
        summary = Summary(isolation=self.sandbox.describe())
        print(f"course-grade: isolation: {summary.isolation}", file=log)
        entries = discover(self.submissions, self.exercise.name)
        slots: queue.Queue[int] = queue.Queue()
        for slot in range(self.jobs):
            slots.put(slot)

        def work(entry: Entry):
            slot = slots.get()
            db = gradebook.connect(self.gradebook_path)
            try:
                return self.grade_one(entry, slot, db)
            except Exception as error:  # the grader's own failure: no row, so a re-run retries
                print(
                    f"course-grade: internal error grading {entry.student!r}:"
                    f" {type(error).__name__}: {error}",
                    file=log,
                )
                return "error", 0.0, "grader-error"
            finally:
                db.close()
                slots.put(slot)

        gradebook.connect(self.gradebook_path).close()
        bar = log.isatty()
        with ThreadPoolExecutor(self.jobs) as pool:
            futures = [pool.submit(work, e) for e in entries]
            for done, future in enumerate(as_completed(futures), 1):
                what, total, problem = future.result()
                if what == "skipped":
                    summary.skipped += 1
                elif what == "error":
                    summary.kinds[problem] += 1
                else:
                    summary.graded += 1
                    summary.zero += total == 0
                    if problem:
                        summary.kinds[problem] += 1
                if bar:
                    filled = 30 * done // len(entries)
                    print(
                        f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{len(entries)}",
                        end="",
                        file=log,
                        flush=True,
                    )
        if bar:
            print(file=log)
        summary.seconds = time.monotonic() - start
        print(f"course-grade: {summary.text()}", file=log)
        return summary


def grade(
    submissions: str | Path,
    exercise_folder: str | Path,
    gradebook_path: str | Path,
    limits: Limits | None = None,
    jobs: int | None = None,
    log: TextIO = sys.stderr,
    namespaces: bool = True,
) -> Summary:
    """Grade ``submissions/*/NAME.ipynb`` against the exercise in ``exercise_folder``."""
    grader = Grader(
        load_exercise(exercise_folder),
        Path(submissions).resolve(),
        Path(gradebook_path).resolve(),
        limits,
        jobs,
        namespaces,
    )
    try:
        return grader.run(log)
    finally:
        grader.close()


__all__ = ["Entry", "Grader", "Summary", "discover", "grade"]
