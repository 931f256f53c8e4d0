"""Shared helpers of the grader tests: the demo exercise, submissions built from code cells."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from course_utils.grading.sandbox import Limits

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "grading" / "demo"

IMPORT = "import numpy as np"
MSE = "def mse(pred, target):\n    return float(np.mean((pred - target) ** 2))"
GRAD = "def mse_grad(pred, target):\n    return 2.0 * (pred - target) / pred.size"
SOFTMAX = (
    "def softmax(z):\n"
    "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
    "    return e / e.sum(axis=1, keepdims=True)"
)
CORRECT = [IMPORT, MSE, GRAD, SOFTMAX]
BASE_CELLS = [IMPORT, MSE, GRAD]  # a correct q1 and q2: 6 points before softmax
# Small limits keep the hang tests fast; honest code needs far less.
FAST = Limits(load_timeout=4.0, call_timeout=1.0, total_timeout=20.0, memory_mb=512)


def notebook_text(cells: list[str]) -> str:
    """An nbformat-4 notebook whose code cells are ``cells``."""
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "source": c,
                    "outputs": [],
                    "execution_count": None,
                }
                for c in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def write(root: Path, student: str, content: list[str] | bytes, name: str = "demo.ipynb"):
    """``root/student/name`` holding a notebook of ``content`` cells (or raw bytes)."""
    folder = root / student
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(notebook_text(content), encoding="utf-8")
    return path


def rows(gradebook: Path) -> dict[str, dict[str, float]]:
    """``{student: {question: score}}`` straight from the SQLite file."""
    db = sqlite3.connect(gradebook)
    out: dict[str, dict[str, float]] = {}
    for student, question, score in db.execute("SELECT student, question, score FROM grades"):
        out.setdefault(student, {})[question] = score
    db.close()
    return out


def totals(gradebook: Path) -> dict[str, float]:
    return {s: sum(q.values()) for s, q in rows(gradebook).items()}
