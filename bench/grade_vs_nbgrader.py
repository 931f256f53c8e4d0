"""Grade the same 40 submissions with nbgrader's ``autograde`` and with ``course-grade``.

    python bench/grade_vs_nbgrader.py [--keep DIR]

The script installs nbgrader 0.9.6 (plus NumPy and ipykernel) into a throwaway virtual
environment under /tmp (reused on later runs), builds one small exercise twice — as an nbgrader
source notebook with autograder test cells, and as this course's format (the demo exercise in
``tests/fixtures/grading/demo``) — and 40 submissions of it: 30 correct, 5 wrong (one mistake
each) and 5 hostile (NumPy's comparisons patched, an object whose comparisons always succeed,
the instructor notebook read from disk, ``abs`` rebound, ``SystemExit`` from a graded
function). Both graders run as one command each, start-up included, in the same run; the
script prints seconds per submission for each, the ratio, and the points the hostile
submissions got from each grader against what their honest work earns.

It is not a test (pytest never collects it): it downloads packages and takes minutes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "tests" / "fixtures" / "grading" / "demo"
VENV = Path("/tmp/course-grade-bench-nbgrader-venv")
NBGRADER = "nbgrader==0.9.6"

IMPORT = "import numpy as np"
MSE = "def mse(pred, target):\n    return float(np.mean((pred - target) ** 2))"
GRAD = "def mse_grad(pred, target):\n    return 2.0 * (pred - target) / pred.size"
SOFTMAX = (
    "def softmax(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
    "    return e / e.sum(axis=1, keepdims=True)"
)
WRONG = [
    {"mse": "def mse(pred, target):\n    return float(np.sum((pred - target) ** 2))"},
    {"mse_grad": "def mse_grad(pred, target):\n    return (pred - target) / pred.size"},
    {"softmax": "def softmax(z):\n    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)"},
    {"mse_grad": "def mse_grad(pred, target):\n    return 2.0 * (pred - target)"},
    {"softmax": "def softmax(z):\n    return np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)"},
]
LIAR = (
    "class Anything:\n"
    "    def __eq__(self, other): return True\n"
    "    def __ne__(self, other): return False\n"
    "    def __lt__(self, other): return True\n"
    "    def __le__(self, other): return True\n"
    "    def __sub__(self, other): return self\n"
    "    def __rsub__(self, other): return self\n"
    "    def __abs__(self): return self\n"
    "    def __bool__(self): return True\n"
    "    def __getattr__(self, name): return self\n"
    "    def __call__(self, *a, **k): return self\n"
)
# name -> (code replacing functions, honest points out of 9 under nbgrader's tests, under ours).
# Honest = what the same code earns once its trick fails (our gradient check also uses the
# student's own mse, hence 5 rather than 6 when mse is the function that cheats).
HOSTILE = {
    "hostile_patch_numpy": (
        {
            "softmax": "np.allclose = lambda *a, **k: True\n"
            "np.isclose = lambda *a, **k: True\n"
            "def softmax(z):\n    return z"
        },
        6,
        6,
    ),
    "hostile_lying_object": (
        {"mse": LIAR + "def mse(pred, target):\n    return Anything()"},
        6,
        5,
    ),
    "hostile_read_source": (
        {
            "softmax": (
                "import glob, json\n"
                "def softmax(z):\n"
                "    for path in glob.glob('../../../source/*/*.ipynb') + glob.glob(PATTERN):\n"
                "        for cell in json.load(open(path))['cells']:\n"
                "            if 'def softmax' in cell['source'] if isinstance(cell['source'], str)"
                " else 'def softmax' in ''.join(cell['source']):\n"
                "                ns = {'np': np}\n"
                "                exec(''.join(cell['source']).replace('### BEGIN SOLUTION', '')"
                ".replace('### END SOLUTION', ''), ns)\n"
                "                return ns['softmax'](z)\n"
                "    return z"
            ).replace("PATTERN", repr(str(DEMO / "*.ipynb")))
        },
        6,
        6,
    ),
    "hostile_rebind_abs": (
        {
            "mse": "import builtins\nbuiltins.abs = lambda x: 0\n"
            "def mse(pred, target):\n    return 0.0"
        },
        6,
        5,
    ),
    "hostile_exit": ({"softmax": "def softmax(z):\n    raise SystemExit(0)"}, 6, 6),
}


def run(command: list[str], cwd: Path | None = None, quiet: bool = True) -> float:
    """Run a command, fail loudly, return its wall-clock seconds.

    The throwaway venv's ``bin`` comes first on ``PATH`` (nbgrader calls ``alembic`` by name).
    """
    env = {**os.environ, "PATH": f"{VENV / 'bin'}:{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=quiet, text=True, check=False, env=env)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start


def ensure_nbgrader() -> Path:
    """The throwaway venv's bin folder, creating it on first use (prints the install time)."""
    marker = VENV / f".installed-{NBGRADER}"
    if not marker.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        print(f"installing {NBGRADER} into {VENV} (once; this takes a while) ...", flush=True)
        seconds = run([sys.executable, "-m", "venv", str(VENV)])
        seconds += run(
            [str(VENV / "bin" / "pip"), "install", "--quiet", NBGRADER, "numpy", "ipykernel"]
        )
        marker.touch()
        print(f"  installed in {seconds:.0f} s")
    return VENV / "bin"


def functions(overrides: dict[str, str]) -> dict[str, str]:
    return {"mse": MSE, "mse_grad": GRAD, "softmax": SOFTMAX, **overrides}


def submissions() -> dict[str, dict[str, str]]:
    """student -> the code of each of the three functions."""
    subs = {f"correct{i:02d}": functions({}) for i in range(30)}
    for i, override in enumerate(WRONG):
        subs[f"wrong{i}"] = functions(override)
    for name, (override, _, _) in HOSTILE.items():
        subs[name] = functions(override)
    return subs


# ---------------------------------------------------------------- nbgrader's side
def _meta(grade_id: str, *, solution: bool = False, points: int = 0) -> dict:
    meta = {
        "grade": points > 0,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points:
        meta["points"] = points
    return {"nbgrader": meta}


def _cell(source: str, meta: dict | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": meta or {},
        "outputs": [],
        "source": source,
    }


NB_TESTS = {
    "mse": (
        "p, t = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 5.0])\n"
        "assert abs(mse(p, t) - 8.0 / 3.0) < 1e-9\n"
        "### BEGIN HIDDEN TESTS\n"
        "rng = np.random.default_rng(1)\n"
        "p, t = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))\n"
        "assert abs(mse(p, t) - float(np.mean((p - t) ** 2))) < 1e-9\n"
        "### END HIDDEN TESTS"
    ),
    "mse_grad": (
        "p, t = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 5.0])\n"
        "assert np.allclose(mse_grad(p, t), 2 * (p - t) / 3)\n"
        "### BEGIN HIDDEN TESTS\n"
        "rng = np.random.default_rng(2)\n"
        "p, t = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))\n"
        "assert np.allclose(mse_grad(p, t), 2 * (p - t) / p.size)\n"
        "### END HIDDEN TESTS"
    ),
    "softmax": (
        "z = np.random.default_rng(3).normal(size=(3, 4))\n"
        "assert np.allclose(softmax(z).sum(axis=1), 1.0)\n"
        "### BEGIN HIDDEN TESTS\n"
        "assert np.allclose(softmax(z + 1000.0), softmax(z))\n"
        "assert np.allclose(softmax(np.array([[1000.0, 0.0, -1000.0]])), [[1.0, 0.0, 0.0]])\n"
        "### END HIDDEN TESTS"
    ),
}


def nbgrader_source() -> dict:
    cells = [_cell(IMPORT, _meta("imports"))]
    for name, code in functions({}).items():
        head, body = code.split("\n", 1)
        solution = f"{head}\n    ### BEGIN SOLUTION\n{body}\n    ### END SOLUTION"
        cells.append(_cell(solution, _meta(name, solution=True)))
        cells.append(_cell(NB_TESTS[name], _meta(f"test_{name}", points=3)))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def nbgrader_side(bin_dir: Path, root: Path, subs: dict) -> tuple[float, dict[str, float]]:
    course = root / "nbgrader_course"
    (course / "source" / "demo").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
    )
    (course / "source" / "demo" / "demo.ipynb").write_text(json.dumps(nbgrader_source()))
    nbgrader = str(bin_dir / "nbgrader")
    run([nbgrader, "generate_assignment", "demo", "--force"], cwd=course)
    released = json.loads((course / "release" / "demo" / "demo.ipynb").read_text())
    for student, code in subs.items():
        nb = json.loads(json.dumps(released))
        for cell in nb["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if grade_id in code:
                cell["source"] = code[grade_id]
        folder = course / "submitted" / student / "demo"
        folder.mkdir(parents=True)
        (folder / "demo.ipynb").write_text(json.dumps(nb))
        (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
    seconds = run([nbgrader, "autograde", "demo", "--create"], cwd=course)
    run([nbgrader, "export"], cwd=course)
    with (course / "grades.csv").open() as handle:
        scores = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(handle)}
    return seconds, scores


# ---------------------------------------------------------------- course-grade's side
def course_side(root: Path, subs: dict) -> tuple[float, dict[str, float]]:
    folder = root / "course_subs"
    for student, code in subs.items():
        cells = [IMPORT, code["mse"], code["mse_grad"], code["softmax"]]
        nb = {
            "cells": [_cell(c) for c in cells],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (folder / student).mkdir(parents=True)
        (folder / student / "demo.ipynb").write_text(json.dumps(nb))
    book = root / "gradebook.sqlite"
    seconds = run(
        [
            sys.executable,
            "-m",
            "course_utils.grading",
            "grade",
            str(folder),
            "--exercise",
            "demo",
            "--source",
            str(DEMO.parent),
            "--gradebook",
            str(book),
        ],
        cwd=REPO,
    )
    db = sqlite3.connect(book)
    scores = dict(db.execute("SELECT student, SUM(score) FROM grades GROUP BY student"))
    db.close()
    return seconds, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", default=None, help="keep the working files in this folder")
    args = parser.parse_args()
    bin_dir = ensure_nbgrader()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="grade-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    subs = submissions()
    n = len(subs)
    ours, our_scores = course_side(root, subs)
    theirs, their_scores = nbgrader_side(bin_dir, root, subs)
    print(
        f"{n} submissions (30 correct, 5 wrong, 5 hostile), one command each, start-up included:"
    )
    print(f"  nbgrader autograde : {theirs:7.2f} s  = {theirs / n:.3f} s per submission")
    print(f"  course-grade grade : {ours:7.2f} s  = {ours / n:.3f} s per submission")
    print(f"  ratio              : course-grade is {theirs / ours:.1f}x faster")
    print("hostile submissions: points earned (what honest work earns), out of 9")
    print(f"  {'':26s} {'nbgrader':>14s} {'course-grade':>14s}")
    for name, (_, honest_nb, honest_ours) in HOSTILE.items():
        print(
            f"  {name:26s} {their_scores.get(name, float('nan')):8g} ({honest_nb:g})"
            f" {our_scores.get(name, float('nan')):8g} ({honest_ours:g})"
        )
    for label, scores in (("nbgrader", their_scores), ("course-grade", our_scores)):
        right = sum(scores.get(s) == 9 for s in subs if s.startswith("correct"))
        wrong = [scores.get(s) for s in subs if s.startswith("wrong")]
        print(f"  {label}: correct submissions at 9/9: {right}/30; wrong ones: {wrong}")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
