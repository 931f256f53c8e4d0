"""The course as students get it: a fresh virtual environment with nothing but Jupyter.

One environment (`nbclient` and `ipykernel` only, at the versions of `constraints.txt`) serves
every test here:

- **the install cell**: chapter 1 and the released ex03, copied outside the repository, run top
  to bottom in that environment's kernel with no `course_utils` installed; their install cell
  installs it from ``COURSE_UTILS_SOURCE``, here a zip archive of this checkout laid out as
  GitHub's ``archive/refs/heads/main.zip`` is (the default the cell uses), so pip builds it
  from source exactly as it does on Colab, without touching the checkout;
- **the wheel**: built with no warning from the same sources, installed as a student installs
  it, imported and run (`course-grade --version`, a release) from outside the repository,
  with the files the grader reads at run time inside it.

pip fetches from the package index (pinned by ``PIP_CONSTRAINT``), so the first run on a
machine downloads NumPy, SciPy, Matplotlib and scikit-learn; later runs use pip's cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from course_utils import install_cell
from course_utils.grading.release import release

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
#: What pip needs to build the package (what GitHub's archive of the repository holds of it).
PACKAGE_SOURCES = ("pyproject.toml", "README.md", "course_utils")
#: Files the grader reads at run time besides its Python modules: they must be in the wheel.
RUNTIME_DATA = ("course_utils/grading/feedback.css",)

RUN_NOTEBOOK = textwrap.dedent(
    """
    import sys
    import nbclient, nbformat

    path = sys.argv[1]
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}
    )
    client.execute()  # raises CellExecutionError at the first cell that fails
    nbformat.write(nb, path)
    """
)


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, **kwargs
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtual environment with only nbclient and ipykernel; returns its bin/."""
    folder = tmp_path_factory.mktemp("student") / "venv"
    run(sys.executable, "-m", "venv", folder)
    bin_ = folder / "bin"
    run(bin_ / "python", "-m", "pip", "install", "-q", "-c", CONSTRAINTS, "nbclient", "ipykernel")
    done = run(bin_ / "python", "-c", "import importlib.util as u; print(u.find_spec('numpy'))")
    assert done.stdout.strip() == "None", "the fresh environment must not have the course's deps"
    return bin_


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    """The package's sources, copied out of the checkout as ``course-main/``."""
    target = tmp_path_factory.mktemp("checkout") / "course-main"
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PACKAGE_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def archive(sources: Path) -> Path:
    """``sources`` zipped as GitHub's branch archive is: one top folder, ``course-main/``."""
    path = sources.parent / "main.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for file in sorted(sources.rglob("*")):
            zf.write(file, file.relative_to(sources.parent).as_posix())
    return path


def student_environment() -> dict[str, str]:
    """This process's environment without its Python settings (PYTHONPATH, a
    PYTHONDONTWRITEBYTECODE that makes setuptools warn, the test's virtual environment)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}


def execute(venv: Path, notebook: Path, archive: Path) -> dict:
    """Uninstall course_utils, then run ``notebook`` in ``venv``'s kernel, in its folder."""
    run(venv / "python", "-m", "pip", "uninstall", "-y", "-q", "course-utils")
    env = student_environment() | {
        install_cell.SOURCE_VARIABLE: str(archive),
        "PIP_CONSTRAINT": str(CONSTRAINTS),
        "PATH": f"{venv}{os.pathsep}{os.environ.get('PATH', '')}",
        "MPLBACKEND": "agg",
    }
    script = notebook.parent / "run_notebook.py"
    script.write_text(RUN_NOTEBOOK, encoding="utf-8")
    run(venv / "python", script, notebook, notebook.parent, env=env, cwd=notebook.parent)
    return json.loads(notebook.read_text(encoding="utf-8"))


def assert_installed_then_ran_to_the_end(nb: dict, archive: Path, venv: Path) -> None:
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert code[0].get("id") == install_cell.CELL_ID
    said = "".join("".join(o.get("text", "")) for o in code[0]["outputs"])
    assert f"Installing course_utils from {archive}" in said, said
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors
    where = run(
        venv / "python", "-c", "import course_utils; print(course_utils.__file__)", cwd=venv
    )
    assert where.stdout.startswith(str(venv.parent)), where.stdout  # the venv's, not the repo's


def test_chapter_1_installs_the_package_and_runs_to_the_end(venv, archive, tmp_path):
    notebook = tmp_path / "01_loss_functions.ipynb"
    shutil.copy(ROOT / "chapters" / notebook.name, notebook)
    assert_installed_then_ran_to_the_end(execute(venv, notebook, archive), archive, venv)


def test_the_released_ex03_installs_the_package_and_runs_to_the_end(venv, archive, tmp_path):
    release(ROOT / "exercises" / "ex03_cross_entropy", tmp_path)
    notebook = tmp_path / "ex03_cross_entropy" / "ex03_cross_entropy.ipynb"
    nb = execute(venv, notebook, archive)
    assert_installed_then_ran_to_the_end(nb, archive, venv)
    said = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "q5 ·" in said and "NotImplementedError" in said  # check("q5") ran on the stubs


def test_the_wheel_builds_without_warnings_and_works_outside_the_repository(
    venv, sources, tmp_path
):
    pip_wheel = ["-m", "pip", "wheel", "--no-deps", "-v", "-w", tmp_path, sources]
    done = run(venv / "python", *pip_wheel, env=student_environment())
    build_log = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if not line.startswith("WARNING: Location")  # pip on an index folder without a package
    ]
    noisy = [line for line in build_log if "warning" in line.lower() or "deprecat" in line.lower()]
    assert not noisy, "\n".join(noisy)
    (wheel,) = tmp_path.glob("course_utils-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = next(zf.read(n) for n in names if n.endswith(".dist-info/METADATA")).decode()
    assert set(RUNTIME_DATA) <= names, set(RUNTIME_DATA) - names
    assert not [
        n for n in names if n.split("/")[0] not in ("course_utils",) and ".dist-info" not in n
    ]
    assert "License-Expression: MIT" in metadata

    run(venv / "python", "-m", "pip", "uninstall", "-y", "-q", "course-utils")
    run(venv / "python", "-m", "pip", "install", "-q", "-c", CONSTRAINTS, wheel)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    version = run(venv / "course-grade", "--version", cwd=outside)
    assert version.stdout.strip() == "course-grade 0.1.0"
    data = run(
        venv / "python",
        "-c",
        "from importlib import resources; "
        "print(resources.files('course_utils.grading').joinpath('feedback.css').is_file())",
        cwd=outside,
    )
    assert data.stdout.strip() == "True"
    source = ["--source", ROOT / "exercises", "--exercise", "ex01_losses"]
    run(venv / "course-grade", "release", *source, "--out", outside / "release", cwd=outside)
    assert (outside / "release" / "ex01_losses" / "ex01_losses.checks.json").is_file()
    missing = subprocess.run(
        [venv / "course-grade", "release"], cwd=outside, capture_output=True, text=True
    )
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "pass --source PATH" in missing.stderr
