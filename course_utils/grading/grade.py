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
import re
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
    status: str = ""  # "", "missing", "duplicate", "malformed", "unreadable"
    reason: str = ""
    note: str = ""  # said in the feedback of a graded entry (which file was graded)


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


def student_name(folder: Path) -> str:
    """The student id a folder stands for, as text any gradebook can store: a byte that is
    not UTF-8 becomes ``\\xNN``."""
    raw = os.fsencode(folder.name)
    return raw.decode("utf-8", "backslashreplace")


def copy_pattern(exercise: str) -> re.Pattern[str]:
    """Names an upload of ``exercise`` gets when a browser or an LMS renames it:
    ``NAME (1).ipynb``, ``NAME-2.ipynb``, ``NAME_3.ipynb``, ``NAME copy.ipynb``."""
    return re.compile(
        rf"{re.escape(exercise)}(?: ?\(\d+\)|[-_ ]\d+|[-_ ]copy(?: \d+)?)?\.ipynb",
        re.IGNORECASE,
    )


def _entry(folder: Path, name: str, exercise: str) -> Entry:
    """The entry of one student folder that is a real folder (not a link)."""
    target = folder / f"{exercise}.ipynb"
    if target.is_symlink():
        return Entry(name, None, "malformed", f"{target.name} is a symbolic link, not a file")
    if target.is_dir():
        return Entry(name, None, "malformed", f"{target.name} is a folder, not a notebook file")
    if target.exists():  # a regular file, or a pipe or device that reading will refuse
        return Entry(name, target)
    found = sorted(p.name for p in folder.iterdir())
    pattern = copy_pattern(exercise)
    copies = [n for n in found if pattern.fullmatch(n) and not (folder / n).is_symlink()]
    if len(copies) == 1 and (folder / copies[0]).is_file():
        note = f"graded {copies[0]} (the only upload named like {target.name})"
        return Entry(name, folder / copies[0], note=note)
    shown = ", ".join(n.encode("utf-8", "backslashreplace").decode() for n in found[:5])
    if len(copies) > 1:
        return Entry(
            name,
            None,
            "missing",
            f"no file named {target.name}, and {len(copies)} renamed copies ({shown});"
            " keep only the one to grade",
        )
    what = f"found {shown}" if found else "the folder is empty"
    return Entry(name, None, "missing", f"no file named {target.name} ({what})")


def discover(submissions: Path, exercise: str) -> list[Entry]:
    """Every student folder under ``submissions``, with duplicates, gaps, links and folders
    that cannot be read flagged (each still becomes a row)."""
    if not submissions.is_dir():
        raise FileNotFoundError(f"the submissions folder {submissions} does not exist")
    folders = sorted(p for p in submissions.iterdir() if p.is_dir() or p.is_symlink())
    by_key: dict[str, list[Path]] = {}
    for folder in folders:
        by_key.setdefault(student_name(folder).strip().casefold(), []).append(folder)
    entries = []
    for folder in folders:
        name = student_name(folder)
        twins = by_key[name.strip().casefold()]
        if folder.is_symlink():
            if not folder.is_dir():
                continue  # a link to a file is not a student's folder
            entries.append(
                Entry(
                    name,
                    None,
                    "malformed",
                    "the student's folder is a symbolic link; copy the files into a real folder",
                )
            )
        elif len(twins) > 1:
            names = ", ".join(repr(student_name(t)) for t in twins)
            entries.append(
                Entry(
                    name,
                    None,
                    "duplicate",
                    f"folders {names} look like"
                    " the same student; none of them was graded (merge them)",
                )
            )
        else:
            try:
                entries.append(_entry(folder, name, exercise))
            except OSError as error:
                entries.append(
                    Entry(
                        name,
                        None,
                        "unreadable",
                        f"the folder cannot be read ({error.strerror}); give the grader"
                        " permission to read it",
                    )
                )
    return entries


def checkouts(folder: Path) -> list[Path]:
    """The version-control folders (``.git``, ``.hg``) of the checkouts holding ``folder``."""
    found = []
    for parent in folder.resolve().parents:
        found += [parent / name for name in (".git", ".hg") if (parent / name).exists()]
    return found


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
        builder: str = "auto",
        hide: list[Path] = (),
    ) -> None:
        """``namespaces=False`` is ``builder="none"`` (see :func:`.sandbox.builders`);
        ``hide``: more paths no child may read, beside the exercises, the submissions and the
        gradebook."""
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
            *checkouts(exercise.folder),  # git history holds every solution
            *hide,
        ]
        builder = builder if namespaces else "none"
        self.sandbox = Sandbox(hide, limits, builder, exercise.forbidden)

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
        if entry.path is not None:
            try:
                data = notebook.read(entry.path)  # read once: these bytes are hashed and run
            except OSError as error:
                why = error.strerror or type(error).__name__
                reason = f"{entry.path.name} cannot be read ({why}); give the grader permission"
                entry = Entry(entry.student, None, "unreadable", reason)
            except notebook.NotebookError as error:
                entry = Entry(entry.student, None, "malformed", f"{entry.path.name}: {error}")
        if entry.path is None:
            key = f"{entry.status}:{entry.reason}".encode("utf-8", "surrogatepass")
            digest = hashlib.sha256(key).hexdigest()
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
        problem_text = {
            "load-timeout": "the notebook did not finish running in time",
            "load-crash": "the notebook stopped Python while running",
        }.get(run.problem, "")
        reason = "; ".join(text for text in (entry.note, problem_text) if text)
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
    builder: str = "auto",
    hide: list[Path] = (),
) -> Summary:
    """Grade ``submissions/*/NAME.ipynb`` against the exercise in ``exercise_folder``."""
    grader = Grader(
        load_exercise(exercise_folder),
        Path(submissions).resolve(),
        Path(gradebook_path).resolve(),
        limits,
        jobs,
        namespaces,
        builder,
        hide,
    )
    try:
        return grader.run(log)
    finally:
        grader.close()


__all__ = ["Entry", "Grader", "Summary", "discover", "grade"]
