"""Release and the student's ``check()``: nothing secret ships; verdicts are friendly."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil

import numpy as np
import pytest
from grading_helpers import DEMO, GRAD, IMPORT, MSE, SOFTMAX

from course_utils import install_cell
from course_utils.grading import notebook
from course_utils.grading.release import release
from course_utils.grading.spec import load_exercise, materialize, reference_namespace


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    files = release(DEMO, out)
    return out / "demo", files


def _all_text(folder) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()
    )


def test_release_writes_exactly_the_notebook_and_public_data(released):
    folder, files = released
    assert sorted(p.name for p in folder.iterdir()) == ["demo.checks.json", "demo.ipynb"]
    assert sorted(files) == sorted(folder.iterdir())


def test_no_solution_line_reaches_any_released_file(released):
    folder, _ = released
    exercise = load_exercise(DEMO)
    text = _all_text(folder)
    lines = notebook.solution_lines(exercise.notebook)
    assert len(lines) >= 6
    for line in lines:
        assert line not in text, line
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


def test_no_hidden_check_reaches_any_released_file(released):
    folder, _ = released
    exercise = load_exercise(DEMO)
    text = _all_text(folder)
    tasks = materialize(exercise, reference_namespace(exercise), exercise.checks)
    hidden = [t for t in tasks if not t.check.public]
    assert len(hidden) >= 4
    for task in hidden:
        assert task.check.name not in text, task.check.name
        for arg in task.calls[0].args:  # hidden inputs: none of their values is shipped
            for value in np.asarray(arg).ravel()[:3]:
                if float(value) not in (0.0, 1000.0, -1000.0):
                    assert repr(float(value)) not in text
    assert "checks.py" not in text and "mistakes" not in text
    assert "INSTRUCTOR_NOTE" not in text


def test_stubs_raise_not_implemented_and_outputs_are_cleared(released):
    folder, _ = released
    nb = json.loads((folder / "demo.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    namespace: dict = {}
    for cell in code[:3]:  # the install cell (a no-op here), the setup cell, mse's stub
        exec(cell["source"], namespace)
    with pytest.raises(NotImplementedError):
        namespace["mse"](np.ones(2), np.zeros(2))


def _run_student(folder, cells: list[str], *questions: str) -> str:
    """Run the released setup cell, then ``cells``, then check() each question."""
    nb = json.loads((folder / "demo.ipynb").read_text())
    setup = next(
        c["source"]
        for c in nb["cells"]
        if c["cell_type"] == "code" and c.get("id") != install_cell.CELL_ID
    )
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out):
            exec(setup, namespace)
            for cell in cells:
                exec(cell, namespace)
            for q in questions:
                exec(f"check({q!r})", namespace)
    finally:
        os.chdir(cwd)
    return out.getvalue()


def test_check_passes_a_correct_solution(released):
    folder, _ = released
    text = _run_student(folder, [IMPORT, MSE, GRAD, SOFTMAX], "q1", "q2", "q3")
    assert "✗" not in text and text.count("✓") == 4
    assert "1/1 public checks passed" in text and "2/2 public checks passed" in text


def test_check_names_a_known_mistake(released):
    folder, _ = released
    text = _run_student(
        folder, [IMPORT, "def mse(p, t):\n    return float(np.sum((p - t)**2))"], "q1"
    )
    assert "✗ a three-number example" in text
    assert "summed the squared errors instead of averaging" in text


def test_check_reports_a_wrong_gradient_with_its_position(released):
    folder, _ = released
    text = _run_student(
        folder, [IMPORT, MSE, "def mse_grad(p, t):\n    return (p - t) / p.size"], "q2"
    )
    assert "factor 2" in text
    assert "`mse_grad` differs from a numerical gradient of the loss at [0, 0]" in text


@pytest.mark.parametrize(
    "cell, words",
    [
        ("def softmax(z):\n    return 1 / 0", "raised ZeroDivisionError"),
        ("def softmax(z):\n    pass", "returned None"),
        (
            "class L:\n    def __eq__(s, o):\n        return True\n"
            "def softmax(z):\n    return L()",
            "not numbers",
        ),
        ("def softmax(z):\n    raise SystemExit", "SystemExit"),
        ("", "does not define `softmax`"),
        ("def softmax(z):\n    return np.exp(z)", "differs from the expected answer at [0, 0]"),
    ],
)
def test_check_never_shows_a_traceback(released, cell, words):
    folder, _ = released
    text = _run_student(folder, [IMPORT, cell], "q3")
    assert words in text
    assert "Traceback" not in text and 'File "' not in text


def test_check_is_friendly_about_unknown_questions_and_missing_data(released, tmp_path):
    folder, _ = released
    assert "There is no question 'q7'" in _run_student(folder, [], "q7")
    shutil.copy(folder / "demo.ipynb", tmp_path / "demo.ipynb")
    assert "cannot find demo.checks.json" in _run_student(tmp_path, [], "q1")


def test_solution_markers_must_pair_up():
    with pytest.raises(ValueError, match="never closed"):
        notebook.strip_solutions("### BEGIN SOLUTION\nx = 1\n")
    with pytest.raises(ValueError, match="without a"):
        notebook.strip_solutions("x = 1\n### END SOLUTION\n")
    assert notebook.strip_solutions(
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
    ).splitlines()[-1] == (
        '    raise NotImplementedError("Replace this line with your solution.")'
    )


def test_points_must_add_up(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    checks = folder / "checks.py"
    checks.write_text(
        checks.read_text().replace(
            '"Mean squared error", points=3', '"Mean squared error", points=4'
        )
    )
    with pytest.raises(ValueError, match="q1 is worth 4 points but its checks add up to 3"):
        load_exercise(folder)


def test_beside_the_instructor_notebook_check_uses_the_public_checks_of_checks_py(
    released, tmp_path
):
    folder, _ = released
    instructor = tmp_path / "demo"
    shutil.copytree(DEMO, instructor)
    assert not (folder / "checks.py").exists()  # never released
    wrong = "def mse(p, t):\n    return float(np.sum((p - t)**2))"
    for cells in ([IMPORT, MSE, GRAD, SOFTMAX], [IMPORT, wrong, GRAD]):
        there = _run_student(instructor, cells, "q1", "q2", "q3")
        assert there == _run_student(folder, cells, "q1", "q2", "q3")  # the same verdicts
        assert "✓" in there and "cannot find" not in there
    assert "summed the squared errors" in _run_student(instructor, [IMPORT, wrong], "q1")
    (instructor / "checks.py").unlink()  # a folder without checks.py: no fallback
    assert "cannot find demo.checks.json" in _run_student(instructor, [IMPORT, MSE], "q1")
    other = tmp_path / "not_demo"  # checks.py of another exercise is never used
    shutil.copytree(DEMO, other)
    shutil.copy(DEMO / "demo.ipynb", other / "not_demo.ipynb")
    assert "cannot find demo.checks.json" in _run_student(other, [IMPORT, MSE], "q1")
