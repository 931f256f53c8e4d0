"""``FORBIDDEN_IMPORTS``: a submission cannot answer with the library's own functions."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from grading_helpers import CORRECT, DEMO, FAST, GRAD, IMPORT, SOFTMAX, rows, write

from course_utils.grading import export, gradebook
from course_utils.grading.child import module_files, namespace_problem
from course_utils.grading.grade import grade
from course_utils.grading.spec import load_exercise

REPO = Path(__file__).resolve().parents[2]
SENTENCE = "`course_utils.losses` cannot be imported in this exercise: it asks you to write mse"
LOSSES_FILE = "import importlib.util, course_utils\n" + (
    "path = course_utils.__path__[0] + '/losses.py'\n"
    "spec = importlib.util.spec_from_file_location('stolen', path)\n"
    "m = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(m)\n"
)
ROUTES = {
    "import_statement": "import course_utils.losses as m\n",
    "from_import": "from course_utils import losses as m\n",
    "import_module": "import importlib\nm = importlib.import_module('course_utils.losses')\n",
    "dunder_import": "m = __import__('course_utils.losses', fromlist=['mse'])\n",
}
NAMESPACE_ONLY = {  # past the finder: only the covered file stops these
    "by_path": LOSSES_FILE,
    "finder_removed": (
        "import sys\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if 'Forbidden' not in type(f).__name__]\n"
        "import course_utils.losses as m\n"
    ),
}


def _mse_via(route: str) -> str:
    body = "".join(f"    {line}\n" for line in route.splitlines())
    return f"def mse(pred, target):\n{body}    return m.mse(pred, target)"


def _exercise(folder):
    shutil.copytree(DEMO, folder)
    checks = folder / "checks.py"
    checks.write_text(
        checks.read_text(encoding="utf-8")
        + '\nFORBIDDEN_IMPORTS = {"course_utils.losses": "mse"}\n',
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("namespaces", [True, False])
def test_every_import_route_to_a_forbidden_module_fails_with_a_friendly_sentence(
    tmp_path, namespaces
):
    exercise = _exercise(tmp_path / "ex" / "demo")
    assert load_exercise(exercise).forbidden == {"course_utils.losses": "mse"}
    subs = tmp_path / "subs"
    write(subs, "control", CORRECT)
    write(subs, "top_level", [IMPORT, "from course_utils.losses import mse", GRAD, SOFTMAX])
    write(subs, "other_module", [IMPORT, "import course_utils.gradcheck", *CORRECT[1:]])
    covered = namespaces and not namespace_problem()  # this machine may refuse namespaces
    routes = {**ROUTES, **(NAMESPACE_ONLY if covered else {})}
    for name, route in routes.items():
        write(subs, name, [IMPORT, _mse_via(route), GRAD, SOFTMAX])
    book = tmp_path / "book.sqlite"
    grade(subs, exercise, book, FAST, jobs=2, namespaces=namespaces)
    scores = rows(book)
    assert sum(scores["control"].values()) == sum(scores["other_module"].values()) == 9
    for name in ["top_level", *routes]:
        # q2's gradient check differentiates the reference mse: one mistake costs once
        assert scores[name] == {"q1": 0.0, "q2": 3.0, "q3": 3.0}, name
    db = gradebook.connect(book)
    table = gradebook.scores(db, "demo")
    (errors,) = db.execute("SELECT load_errors FROM submissions WHERE student='top_level'")
    db.close()
    assert SENTENCE in errors[0]
    export.feedback(book, load_exercise(exercise), tmp_path / "feedback")
    page = (tmp_path / "feedback" / "top_level.md").read_text(encoding="utf-8")
    assert "Cells that failed when your notebook ran top to bottom:" in page
    assert SENTENCE in page
    for name in ROUTES:
        messages = [v["message"] for v in table[name]["questions"]["q1"][2]]
        assert all(SENTENCE in m for m in messages), (name, messages)


def test_an_exercise_without_the_declaration_allows_the_import(tmp_path):
    subs = tmp_path / "subs"
    write(subs, "uses_library", [IMPORT, _mse_via(ROUTES["import_statement"]), GRAD, SOFTMAX])
    book = tmp_path / "book.sqlite"
    grade(subs, DEMO, book, FAST, jobs=1)
    assert sum(rows(book)["uses_library"].values()) == 9


def test_module_files_lists_the_source_and_its_bytecode():
    files = module_files(["course_utils.losses", "no_such_module_here"])
    assert files[0].endswith("course_utils/losses.py")
    assert all(f.endswith(".pyc") for f in files[1:])


def test_past_the_finder_the_covered_file_still_stops_them_in_namespaces(tmp_path):
    """Loading losses.py by path, or removing the finder first: with namespaces (here the
    rootless path, as in ``test_grading_rootless``) the module's file is covered."""
    if shutil.which("unshare") is None or (
        subprocess.run(
            ["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"],
            capture_output=True,
            check=False,
        ).returncode
    ):
        pytest.skip("user namespaces are not available here")
    exercise = _exercise(tmp_path / "ex" / "demo")
    subs = tmp_path / "subs"
    write(subs, "control", CORRECT)
    for name, route in NAMESPACE_ONLY.items():
        write(subs, name, [IMPORT, _mse_via(route), GRAD, SOFTMAX])
    book = tmp_path / "book.sqlite"
    command = ["unshare", "--user", "--map-user=1000", "--map-group=1000", sys.executable]
    command += ["-m", "course_utils.grading", "grade", str(subs), "--exercise", "demo"]
    command += ["--source", str(exercise.parent), "--gradebook", str(book), "--jobs", "2"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "allow-list view built by in-house namespaces" in done.stderr
    scores = rows(book)
    assert sum(scores["control"].values()) == 9
    for name in NAMESPACE_ONLY:
        assert scores[name]["q1"] == 0.0, name
