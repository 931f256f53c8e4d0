"""Grade the same submissions with nbgrader's ``autograde`` and with ``course-grade``.

    python bench/grade_vs_nbgrader.py [--keep DIR] [--only demo|ex03]

The script installs nbgrader 0.9.6 (plus NumPy and ipykernel) into a throwaway virtual
environment under /tmp (reused on later runs) and grades two exercises twice, each grader as
one command, start-up included, in the same run:

- **demo** (``tests/fixtures/grading/demo``), 40 submissions: 30 correct, 5 wrong (one mistake
  each) and 5 hostile (NumPy's comparisons patched, an object whose comparisons always
  succeed, the instructor notebook read from disk, ``abs`` rebound, ``SystemExit`` from a
  graded function), with the points the hostile ones got from each grader against what their
  honest work earns;
- **ex03** (``exercises/ex03_cross_entropy``, five functions, 17 points), a class of 300:
  270 correct, 30 wrong (six each of five classic mistakes); nbgrader's version has one
  autograder test cell per question whose hidden tests compare with the reference on seeded
  inputs.

It prints seconds per submission for each grader and the ratio, for both exercises; then the
per-submission cost of the isolation itself: ex03's 300 graded again by course-grade with each
sandbox builder this machine has (bubblewrap, the in-house namespaces, none).

It is not a test (pytest never collects it): it downloads packages and takes minutes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "tests" / "fixtures" / "grading" / "demo"
EX03 = REPO / "exercises" / "ex03_cross_entropy"
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
# Honest = what the same code earns once its trick fails (our gradient check compares with a
# numerical gradient of the reference loss, so a cheating mse costs its own question only).
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
        6,
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
        6,
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


EX03_FUNCTIONS = {
    "bce_with_logits": (
        "def bce_with_logits(z, y):\n"
        "    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))"
    ),
    "bce_with_logits_grad": (
        "def bce_with_logits_grad(z, y):\n"
        "    e = np.exp(-np.abs(z))\n"
        "    sig = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))\n"
        "    return (sig - y) / z.size"
    ),
    "log_softmax": (
        "def log_softmax(Z):\n"
        "    m = Z.max(axis=1, keepdims=True)\n"
        "    return Z - m - np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))"
    ),
    "softmax_cross_entropy": (
        "def softmax_cross_entropy(Z, y):\n"
        "    return float(-np.mean(log_softmax(Z)[np.arange(len(y)), y]))"
    ),
    "softmax_cross_entropy_grad": (
        "def softmax_cross_entropy_grad(Z, y):\n"
        "    P = np.exp(log_softmax(Z))\n"
        "    P[np.arange(len(y)), y] -= 1.0\n"
        "    return P / len(y)"
    ),
}
EX03_WRONG = [
    {
        "bce_with_logits": "def bce_with_logits(z, y):\n"
        "    p = np.clip(1 / (1 + np.exp(-z)), 1e-7, 1 - 1e-7)\n"
        "    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))"
    },
    {
        "bce_with_logits_grad": "def bce_with_logits_grad(z, y):\n"
        "    return 1 / (1 + np.exp(-z)) - y"
    },
    {
        "log_softmax": "def log_softmax(Z):\n"
        "    return Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))"
    },
    {
        "softmax_cross_entropy": "def softmax_cross_entropy(Z, y):\n"
        "    return float(-np.sum(log_softmax(Z)[np.arange(len(y)), y]))"
    },
    {
        "softmax_cross_entropy_grad": "def softmax_cross_entropy_grad(Z, y):\n"
        "    return np.exp(log_softmax(Z)) / len(y)"
    },
]
_EX03_INPUTS = (
    "rng = np.random.default_rng({seed})\n"
    "z, yb = 12 * rng.normal(size=40), rng.integers(0, 2, 40).astype(float)\n"
    "Z = 6 * rng.normal(size=(30, 5)) + 500 * rng.normal(size=(30, 1))\n"
    "yc = rng.integers(0, 5, 30)\n"
)
_EX03_REFERENCE = re.sub(  # the reference, as ref_<name>, inside nbgrader's hidden tests
    r"\b(?=(?:" + "|".join(EX03_FUNCTIONS) + r")\()",
    "ref_",
    "\n".join(EX03_FUNCTIONS.values()),
)
EX03_TESTS = {
    name: (
        f"{_EX03_INPUTS.format(seed=seed)}"
        f"assert np.all(np.isfinite({call}))\n"
        "### BEGIN HIDDEN TESTS\n"
        f"{_EX03_REFERENCE}\n"
        f"assert np.allclose({call}, ref_{call}, rtol=1e-7, atol=1e-10)\n"
        "### END HIDDEN TESTS"
    )
    for seed, (name, call) in enumerate(
        {
            "bce_with_logits": "bce_with_logits(z, yb)",
            "bce_with_logits_grad": "bce_with_logits_grad(z, yb)",
            "log_softmax": "log_softmax(Z)",
            "softmax_cross_entropy": "softmax_cross_entropy(Z, yc)",
            "softmax_cross_entropy_grad": "softmax_cross_entropy_grad(Z, yc)",
        }.items()
    )
}


@dataclass
class Bench:
    """One exercise graded by both: our folder, its functions, nbgrader's tests, the class."""

    name: str
    folder: Path
    functions: dict[str, str]
    tests: dict[str, str]
    points: dict[str, int]
    subs: dict[str, dict[str, str]]
    label: str


def demo_bench() -> Bench:
    """The demo: 30 correct, 5 wrong, 5 hostile submissions."""
    correct = {"mse": MSE, "mse_grad": GRAD, "softmax": SOFTMAX}
    subs = {f"correct{i:02d}": dict(correct) for i in range(30)}
    for i, override in enumerate(WRONG):
        subs[f"wrong{i}"] = {**correct, **override}
    for name, (override, _, _) in HOSTILE.items():
        subs[name] = {**correct, **override}
    points = dict.fromkeys(correct, 3)
    return Bench("demo", DEMO, correct, NB_TESTS, points, subs, "30 correct, 5 wrong, 5 hostile")


def ex03_bench() -> Bench:
    """Exercise 3 at class scale: 270 correct, 30 wrong."""
    subs = {f"correct{i:03d}": dict(EX03_FUNCTIONS) for i in range(270)}
    for i in range(30):
        subs[f"wrong{i:02d}"] = {**EX03_FUNCTIONS, **EX03_WRONG[i % len(EX03_WRONG)]}
    points = dict(zip(EX03_FUNCTIONS, (4, 3, 3, 3, 4), strict=True))
    return Bench(
        "ex03_cross_entropy",
        EX03,
        EX03_FUNCTIONS,
        EX03_TESTS,
        points,
        subs,
        "270 correct, 30 wrong",
    )


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


def nbgrader_source(bench: Bench) -> dict:
    cells = [_cell(IMPORT, _meta("imports"))]
    for name, code in bench.functions.items():
        head, body = code.split("\n", 1)
        solution = f"{head}\n    ### BEGIN SOLUTION\n{body}\n    ### END SOLUTION"
        cells.append(_cell(solution, _meta(name, solution=True)))
        cells.append(_cell(bench.tests[name], _meta(f"test_{name}", points=bench.points[name])))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def nbgrader_side(bin_dir: Path, root: Path, bench: Bench) -> tuple[float, dict[str, float]]:
    course = root / f"nbgrader_{bench.name}"
    (course / "source" / bench.name).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
    )
    source = course / "source" / bench.name / f"{bench.name}.ipynb"
    source.write_text(json.dumps(nbgrader_source(bench)))
    nbgrader = str(bin_dir / "nbgrader")
    run([nbgrader, "generate_assignment", bench.name, "--force"], cwd=course)
    released = json.loads((course / "release" / bench.name / f"{bench.name}.ipynb").read_text())
    for student, code in bench.subs.items():
        nb = json.loads(json.dumps(released))
        for cell in nb["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if grade_id in code:
                cell["source"] = code[grade_id]
        folder = course / "submitted" / student / bench.name
        folder.mkdir(parents=True)
        (folder / f"{bench.name}.ipynb").write_text(json.dumps(nb))
        (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
    seconds = run([nbgrader, "autograde", bench.name, "--create"], cwd=course)
    run([nbgrader, "export"], cwd=course)
    with (course / "grades.csv").open() as handle:
        scores = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(handle)}
    return seconds, scores


# ---------------------------------------------------------------- course-grade's side
def course_side(
    root: Path, bench: Bench, sandbox: str = "auto"
) -> tuple[float, dict[str, float], str]:
    """Grade the class with course-grade: seconds, scores, the run's isolation line."""
    folder = root / f"course_{bench.name}_{sandbox}"
    for student, code in bench.subs.items():
        cells = [IMPORT, *code.values()]
        nb = {
            "cells": [_cell(c) for c in cells],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        (folder / student).mkdir(parents=True)
        (folder / student / f"{bench.name}.ipynb").write_text(json.dumps(nb))
    book = root / f"gradebook_{bench.name}_{sandbox}.sqlite"
    command = [sys.executable, "-m", "course_utils.grading", "grade", str(folder)]
    command += ["--exercise", bench.name, "--source", str(bench.folder.parent)]
    command += ["--gradebook", str(book), "--sandbox", sandbox]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr}")
    db = sqlite3.connect(book)
    scores = dict(db.execute("SELECT student, SUM(score) FROM grades GROUP BY student"))
    db.close()
    return seconds, scores, done.stderr.splitlines()[0]


def compare(bin_dir: Path, root: Path, bench: Bench) -> None:
    """Both graders on one exercise: seconds per submission, the ratio, the scores."""
    n = len(bench.subs)
    ours, our_scores, isolation = course_side(root, bench)
    theirs, their_scores = nbgrader_side(bin_dir, root, bench)
    print(f"{bench.name}: {n} submissions ({bench.label}), one command each, start-up included:")
    print(f"  nbgrader autograde : {theirs:7.2f} s  = {theirs / n:.3f} s per submission")
    print(f"  course-grade grade : {ours:7.2f} s  = {ours / n:.3f} s per submission")
    print(f"  ratio              : course-grade is {theirs / ours:.1f}x faster")
    print(f"  {isolation}")
    full = sum(bench.points.values())
    if bench.name == "demo":
        print("  hostile submissions: points earned (what honest work earns), out of 9")
        print(f"    {'':26s} {'nbgrader':>14s} {'course-grade':>14s}")
        for name, (_, honest_nb, honest_ours) in HOSTILE.items():
            print(
                f"    {name:26s} {their_scores.get(name, float('nan')):8g} ({honest_nb:g})"
                f" {our_scores.get(name, float('nan')):8g} ({honest_ours:g})"
            )
    correct = [s for s in bench.subs if s.startswith("correct")]
    for label, scores in (("nbgrader", their_scores), ("course-grade", our_scores)):
        right = sum(scores.get(s) == full for s in correct)
        wrong = sorted({scores.get(s) for s in bench.subs if s.startswith("wrong")})
        print(f"  {label}: correct at {full:g}/{full:g}: {right}/{len(correct)}; wrong: {wrong}")


def isolation_cost(root: Path, bench: Bench, repeat: int = 3) -> None:
    """course-grade alone on one class with each sandbox builder this machine has, the runs
    interleaved ``repeat`` times; the best of each (the machine may be busy with others)."""
    n = len(bench.subs)
    builders = (["bwrap"] if os.geteuid() == 0 and shutil.which("bwrap") else []) + [
        "in-house",
        "none",
    ]
    print(
        f"isolation cost, course-grade alone on {bench.name} ({n} submissions, best of {repeat}):"
    )
    best = dict.fromkeys(builders, float("inf"))
    for attempt in range(repeat):
        for builder in builders:
            seconds, _, _ = course_side(root / f"try{attempt}", bench, builder)
            best[builder] = min(best[builder], seconds / n)
    for builder in builders:
        print(f"  --sandbox {builder:8s}: {best[builder] * 1000:6.1f} ms per submission")
    for builder in builders[:-1]:
        extra = (best[builder] - best["none"]) * 1000
        print(f"  {builder} costs {extra:+.1f} ms per submission over no namespaces")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", default=None, help="keep the working files in this folder")
    parser.add_argument(
        "--only",
        choices=("demo", "ex03", "isolation"),
        default=None,
        help="one exercise against nbgrader, or only the cost of the isolation",
    )
    args = parser.parse_args()
    bin_dir = ensure_nbgrader() if args.only != "isolation" else Path()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="grade-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    benches = {"demo": demo_bench, "ex03": ex03_bench}
    for key, make in benches.items():
        if args.only in (None, key):
            compare(bin_dir, root, make())
    if args.only in (None, "isolation"):
        isolation_cost(root, ex03_bench())
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
