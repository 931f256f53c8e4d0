"""Each chapter page links its graded exercise, and what readers download is the student version.

The zip behind the link must hold the released notebook (stubs) and its public checks, and none
of the instructor's solution lines. Needs the built book (`make book`); on CI a missing build
fails, elsewhere the tests skip.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from course_utils.grading import notebook
from course_utils.grading.spec import load_exercise

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("0[0-9]_*.ipynb"))
EXERCISES = {p.name[2:4]: p for p in (ROOT / "exercises").glob("ex0[0-9]_*") if p.is_dir()}


def chapter_page(stem: str) -> str:
    page = HTML / "chapters" / f"{stem}.html"
    if not page.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"no built page {page}: `make book` must run before the tests on CI")
        pytest.skip(f"no built book in {HTML}: run `make book` first")
    return page.read_text(encoding="utf-8")


@pytest.mark.parametrize("stem", CHAPTERS)
def test_chapter_links_the_student_version_of_its_exercise(stem):
    exercise_dir = EXERCISES[stem[:2]]
    name = exercise_dir.name
    links = re.findall(
        r'href="(\.\./_downloads/[0-9a-f]+/' + re.escape(name) + r'\.zip)"', chapter_page(stem)
    )
    assert links, f"{stem} does not link {name}.zip"
    archive = (HTML / "chapters" / links[0]).resolve()
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == sorted(
            [f"{name}/", f"{name}/{name}.ipynb", f"{name}/{name}.checks.json"]
        )
        released = zf.read(f"{name}/{name}.ipynb").decode("utf-8")
        public_checks = zf.read(f"{name}/{name}.checks.json").decode("utf-8")
    assert "NotImplementedError" in released
    assert "BEGIN SOLUTION" not in released and "END SOLUTION" not in released
    exercise = load_exercise(exercise_dir)
    instructions = "\n".join(
        "".join(c["source"]) for c in exercise.notebook["cells"] if c["cell_type"] == "markdown"
    )
    solution = [
        line
        for line in notebook.solution_lines(exercise.notebook)
        if len(line) > 12 and line not in instructions  # a recipe the text spells out is no leak
    ]
    assert len(solution) >= 5
    leaked = [line for line in solution if line in released or line in public_checks]
    assert not leaked, f"solution lines in the download: {leaked[:3]}"
