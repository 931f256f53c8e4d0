"""Scale beyond one machine: a Gradescope autograder zip that runs this same grader.

``build_zip(exercise_folder, out)`` writes a zip (mode 0600, never inside a folder a submission
can read; by default under ``~/course-grade/``) with Gradescope's layout:

- ``setup.sh`` — checks the Python version (3.9 or newer), installs ``python3-venv`` and
  ``python3-pip`` with apt when missing, and NumPy into ``/autograder/venv`` (a virtual
  environment: externally-managed Pythons refuse ``pip install`` outside one); Gradescope runs
  it once per image;
- ``run_autograder`` — grades ``/autograder/submission/NAME.ipynb`` with the sandboxed grader
  and writes ``/autograder/results/results.json`` (a grader that fails still writes one);
  ``AUTOGRADER_ROOT`` (default ``/autograder``) and ``PYTHON`` (default the venv's) can point
  elsewhere, for tests;
- ``course_utils/`` — the grader's own code (the ``grading`` package and the top-level modules
  it imports, :data:`GRADER_MODULES`);
- ``exercise/NAME/`` — the instructor notebook, ``checks.py`` and the exercise's secret
  ``.grading-secret`` that seeds the hidden checks (the zip is uploaded by the instructor to
  Gradescope; students never see it).

Each Gradescope container grades one submission; ``run_one`` does exactly what
``course-grade grade`` does for one student folder, then exports that student's results.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from . import export, view
from .grade import grade
from .sandbox import Limits
from .spec import SECRET_FILE, load_exercise

MIN_PYTHON = (3, 9)
#: The modules of ``course_utils`` outside ``grading`` that the grading package imports.
GRADER_MODULES = ("__init__.py", "bookconfig.py", "install_cell.py")
SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu 22.04 / 24.04 images).
# NumPy goes into a virtual environment: an externally-managed Python (PEP 668: Debian 12,
# Ubuntu 24.04) refuses `pip install` outside one, and some images have no pip at all.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${PYTHON:-python3}"

apt_install() {  # apt_install PACKAGE...: install with apt, or say what the image lacks
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "$@" >/dev/null
  else
    echo "setup.sh: this image lacks $* and apt-get cannot install them;" >&2
    echo "choose a Gradescope base image with Python 3 (Ubuntu 22.04 or 24.04)" >&2
    exit 1
  fi
}

command -v "$PYTHON" >/dev/null 2>&1 || apt_install python3
"$PYTHON" - <<'PY'
import sys
if sys.version_info < (MIN_MAJOR, MIN_MINOR):
    sys.exit(
        "setup.sh: course-grade needs Python MIN_MAJOR.MIN_MINOR or newer; "
        + f"{sys.executable} is {sys.version.split()[0]}. Choose a newer Gradescope"
        + " base image (Ubuntu 22.04 has Python 3.10)."
    )
PY
# Debian and Ubuntu ship venv's pip only in python3-venv: without it `venv` fails.
if ! "$PYTHON" -m venv "$ROOT/venv" >/dev/null 2>&1; then
  rm -rf "$ROOT/venv"
  apt_install python3-venv python3-pip
  "$PYTHON" -m venv "$ROOT/venv"
fi
"$ROOT/venv/bin/python" -m pip install --quiet "numpy>=1.26"
echo "setup.sh: NumPy installed in $ROOT/venv"
""".replace("MIN_MAJOR", str(MIN_PYTHON[0])).replace("MIN_MINOR", str(MIN_PYTHON[1]))

RUN = r"""#!/usr/bin/env bash
# Gradescope runs this once per submission, in a fresh container. Whatever happens, it leaves a
# results.json (a grader that fails says so there, without details a student should not see).
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{PYTHON:-$ROOT/venv/bin/python}}"
RESULTS="$ROOT/results/results.json"
cd "$ROOT/source"
export PYTHONPATH="$ROOT/source"
"$PYTHON" -m course_utils.grading gradescope-run --exercise {name} \
    --source "$ROOT/source/exercise" --submission "$ROOT/submission" --results "$RESULTS"
status=$?
if [ $status != 0 ] && [ ! -s "$RESULTS" ]; then
  mkdir -p "$(dirname "$RESULTS")"
  message="The autograder itself failed on this submission (not your work)."
  message="$message Your instructor can see the details; please tell them."
  printf '{{"score": 0, "output": "%s"}}\n' "$message" > "$RESULTS"
fi
exit $status
"""


def default_zip(exercise: str) -> Path:
    """Where ``course-grade gradescope`` writes by default: ``~/course-grade/`` (outside the
    course folder, which a grading run might show its children)."""
    return Path.home() / "course-grade" / f"{exercise}_autograder.zip"


def build_zip(exercise_folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the autograder zip for one exercise (readable by its owner only); return its path.

    It holds the instructor notebook and the checks, so it may not land where a submission
    could read it: inside the folders the sandbox shows a child (:func:`.view.allow_list`).
    """
    exercise = load_exercise(exercise_folder)  # fails early on a broken exercise
    out = Path(out) if out else default_zip(exercise.name)
    out = out.resolve()
    visible = view.allow_list([]).binds
    if view.inside(str(out), visible) or view.inside(os.path.realpath(out.parent), visible):
        raise ValueError(
            f"{out} is inside a folder every submission can read while it is graded; write the"
            " zip elsewhere (--out), e.g. in your home folder"
        )
    package = Path(__file__).resolve().parent
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with (
        os.fdopen(descriptor, "wb") as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name, text in (
            ("setup.sh", SETUP),
            ("run_autograder", RUN.format(name=exercise.name)),
        ):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, text)
        for module in GRADER_MODULES:
            archive.write(package.parent / module, f"course_utils/{module}")
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
    """Grade Gradescope's one submission folder and write its ``results.json``.

    The upload is copied into a private folder and graded as ``course-grade grade`` grades one
    student (a renamed upload such as ``NAME (1).ipynb`` counts, and the output says which
    file was graded). As root without namespaces (Gradescope's containers) the upload, the
    results folder and the exercise are made root-only before any child starts.
    """
    exercise = load_exercise(exercise_folder)
    results = Path(results)
    results.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-grade-gs-") as tmp:
        work = Path(tmp)
        student = work / "submissions" / "submission"
        student.mkdir(parents=True)
        for path in Path(submission).iterdir():
            if path.is_file() and not path.is_symlink():
                shutil.copyfile(path, student / path.name)
        book = work / "gradebook.sqlite"
        hide = [Path(submission), results.parent]
        grade(work / "submissions", exercise.folder, book, limits, jobs=1, hide=hide)
        written = export.gradescope_results(book, exercise, work / "out")
        shutil.copyfile(written[0], results)
    return results
