"""Generated submissions for the exercise tests and the class report.

For each exercise: the instructor's solution (with its written answers filled in), the released
(blank) notebook, a broken notebook (a syntax error, a cell that raises, a last cell that exits
Python), a malformed file, a folder without the notebook, a notebook whose first graded function
never returns, and one submission per catalogued mistake in :mod:`exercise_mistakes`. A mistake
submission is the instructor's notebook with one extra cell at the end that redefines the
function(s) the mistake is about, so only that question's checks (and gradient checks that call
the redefined function) can lose points.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from exercise_mistakes import MISTAKES

from course_utils.grading import notebook
from course_utils.grading.release import release

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
WRITTEN_ANSWER = "The gradient of the squared loss grows with the error."
BROKEN_CELLS = [
    "def oops(:\n    pass",  # a syntax error: this cell is left out, the rest still runs
    "raise RuntimeError('half-finished cell')",
]


def exercise_names() -> list[str]:
    """Every exercise folder that has an instructor notebook."""
    return sorted(p.name for p in EXERCISES.iterdir() if (p / f"{p.name}.ipynb").is_file())


def _code_cell(source: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def _write(folder: Path, name: str, nb: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def instructor_notebook(name: str) -> dict:
    return notebook.parse((EXERCISES / name / f"{name}.ipynb").read_bytes())


def mistake_student(index: int) -> str:
    """The folder name of the submission made for catalogue entry ``index``."""
    return f"mistake{index:02d}"


def make_submissions(name: str, root: Path, release_dir: Path) -> dict[str, str]:
    """Write every generated submission of one exercise under ``root/<student>/``.

    Returns ``{student: kind}`` with kind ``solution`` (with a written answer filled in),
    ``released``, ``broken``, ``malformed``, ``missing``, ``hang`` or ``mistake``.
    """
    kinds = {}
    nb = instructor_notebook(name)
    answered = json.loads(json.dumps(nb))
    for cell in answered["cells"]:
        if cell["cell_type"] == "markdown":
            text = notebook.source_text(cell)
            cell["source"] = text.replace("_write here_", WRITTEN_ANSWER)
    _write(root / "solution", name, answered)
    kinds["solution"] = "solution"
    release(EXERCISES / name, release_dir)
    released = notebook.parse((release_dir / name / f"{name}.ipynb").read_bytes())
    _write(root / "released", name, released)
    kinds["released"] = "released"
    broken = json.loads(json.dumps(nb))
    broken["cells"][3:3] = [_code_cell(c) for c in BROKEN_CELLS]
    broken["cells"].append(_code_cell("import os\nos._exit(3)"))
    _write(root / "broken", name, broken)
    kinds["broken"] = "broken"
    (root / "malformed").mkdir(parents=True)
    (root / "malformed" / f"{name}.ipynb").write_bytes(b"{not a notebook")
    kinds["malformed"] = "malformed"
    (root / "absent").mkdir(parents=True)
    (root / "absent" / "notes.txt").write_text("forgot to upload", encoding="utf-8")
    kinds["absent"] = "missing"
    hang = json.loads(json.dumps(nb))
    function = re.findall(r"^def (\w+)\(", MISTAKES[name][0].code, re.MULTILINE)[-1]
    hang["cells"].append(
        _code_cell(f"def {function}(*args, **kwargs):\n    while True:\n        pass")
    )
    _write(root / "hang", name, hang)
    kinds["hang"] = "hang"
    for index, mistake in enumerate(MISTAKES.get(name, [])):
        wrong = json.loads(json.dumps(nb))
        wrong["cells"].append(_code_cell(mistake.code))
        _write(root / mistake_student(index), name, wrong)
        kinds[mistake_student(index)] = "mistake"
    return kinds
