"""Scale beyond one machine: a Gradescope autograder zip that runs this same grader.

``build_zip(exercise_folder, out)`` writes a zip with Gradescope's layout:

- ``setup.sh`` — installs NumPy into the image (Gradescope runs it once per image);
- ``run_autograder`` — grades ``/autograder/submission/NAME.ipynb`` with the sandboxed grader
  and writes ``/autograder/results/results.json``; ``AUTOGRADER_ROOT`` (default
  ``/autograder``) and ``PYTHON`` (default ``python3``) can point elsewhere, for tests;
- ``course_utils/`` — the grader's own code (its ``__init__`` and the ``grading`` package);
- ``exercise/NAME/`` — the instructor notebook, ``checks.py`` and the exercise's secret
  ``.grading-secret`` that seeds the hidden checks (the zip is uploaded by the instructor to
  Gradescope; students never see it).

Each Gradescope container grades one submission; ``run_one`` does exactly what
``course-grade grade`` does for one student folder, then exports that student's results.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from . import export
from .grade import grade
from .sandbox import Limits
from .spec import SECRET_FILE, load_exercise

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -euo pipefail
apt-get update -qq || true
python3 -m pip install --quiet "numpy>=1.26"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this once per submission, in a fresh container.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
cd "$ROOT/source"
export PYTHONPATH="$ROOT/source"
"${{PYTHON:-python3}}" -m course_utils.grading gradescope-run --exercise {name} \\
    --source "$ROOT/source/exercise" --submission "$ROOT/submission" \\
    --results "$ROOT/results/results.json"
"""


def build_zip(exercise_folder: str | Path, out: str | Path) -> Path:
    """Write the autograder zip for one exercise; return its path."""
    exercise = load_exercise(exercise_folder)  # fails early on a broken exercise
    package = Path(__file__).resolve().parent
    out = Path(out)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("setup.sh", SETUP),
            ("run_autograder", RUN.format(name=exercise.name)),
        ):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, text)
        archive.write(package.parent / "__init__.py", "course_utils/__init__.py")
        for path in sorted(package.glob("*.py")):
            archive.write(path, f"course_utils/grading/{path.name}")
        for name in (f"{exercise.name}.ipynb", "checks.py", SECRET_FILE):  # secret: hidden inputs
            archive.write(exercise.folder / name, f"exercise/{exercise.name}/{name}")
    return out


def run_one(
    exercise_folder: str | Path,
    submission: str | Path,
    results: str | Path,
    limits: Limits | None = None,
) -> Path:
    """Grade Gradescope's one submission folder and write its ``results.json``."""
    exercise = load_exercise(exercise_folder)
    with tempfile.TemporaryDirectory(prefix="course-grade-gs-") as tmp:
        work = Path(tmp)
        student = work / "submissions" / "submission"
        student.mkdir(parents=True)
        for path in Path(submission).iterdir():
            if path.is_file() and not path.is_symlink():
                shutil.copyfile(path, student / path.name)
        book = work / "gradebook.sqlite"
        grade(work / "submissions", exercise.folder, book, limits, jobs=1)
        written = export.gradescope_results(book, exercise, work / "out")
        results = Path(results)
        results.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written[0], results)
    return results
