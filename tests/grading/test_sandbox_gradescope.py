"""Gradescope: the zip's setup in an externally-managed Python, its place, renamed uploads.

``setup.sh`` is run for real (a virtual environment, NumPy installed into it), with ``python3``
and ``apt-get`` replaced on ``PATH`` by small scripts that behave like Debian 12's or Ubuntu
24.04's: ``pip install`` outside a virtual environment fails with PEP 668's
``externally-managed-environment``, and ``python3 -m venv`` fails (as Debian's does without
its pip wheels) until ``apt-get install python3-venv`` runs. Then ``run_autograder`` grades
with that environment.
"""

from __future__ import annotations

import ast
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from grading_helpers import CORRECT, DEMO, FAST, notebook_text

from course_utils.grading import compat, gradescope, view

REAL_PYTHON = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
SHIM = """#!/usr/bin/env bash
# python3 as an externally-managed image has it (PEP 668), without venv until apt installs it
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  echo "error: externally-managed-environment" >&2; exit 1
fi
if [ "$1" = "-m" ] && [ "$2" = "venv" ] && [ ! -e "{state}/venv-installed" ]; then
  mkdir -p "$3/bin"  # half made, as Debian's venv leaves it
  echo "The virtual environment was not created successfully because ensurepip is not" >&2
  echo "available. On Debian/Ubuntu systems, you need to install the python3-venv package" >&2
  exit 1
fi
if [ "$1" = "-" ] && [ -n "${{FAKE_VERSION:-}}" ]; then
  exec {python} -c "import sys; sys.version_info = ($FAKE_VERSION,); exec(sys.stdin.read())"
fi
exec {python} "$@"
"""
APT = """#!/usr/bin/env bash
echo "apt-get $*" >> "{state}/apt.log"
if [ "$1" = "install" ]; then touch "{state}/venv-installed"; fi
"""


def _image(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An /autograder root holding the demo's zip, and the environment of that image."""
    root = tmp_path / "autograder"
    zip_path = gradescope.build_zip(DEMO, tmp_path / "demo_autograder.zip")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / name, 0o755)
    state, fake_bin = tmp_path / "state", tmp_path / "bin"
    state.mkdir()
    fake_bin.mkdir()
    for name, text in (("python3", SHIM), ("apt-get", APT)):
        (fake_bin / name).write_text(text.format(state=state, python=REAL_PYTHON))
        os.chmod(fake_bin / name, 0o755)
    env = {
        "AUTOGRADER_ROOT": str(root),
        "PATH": f"{fake_bin}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},
    }
    return root, env


@pytest.mark.skipif(os.geteuid() != 0, reason="setup.sh installs with apt as root")
def test_setup_makes_a_venv_in_an_externally_managed_python_then_grades(tmp_path):
    root, env = _image(tmp_path)
    setup = subprocess.run(
        ["bash", str(root / "source" / "setup.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    apt = (tmp_path / "state" / "apt.log").read_text()
    assert "install -y -qq python3-venv python3-pip" in apt
    assert (root / "venv" / "bin" / "python").exists()
    (root / "submission").mkdir()
    (root / "submission" / "demo (1).ipynb").write_text(notebook_text(CORRECT))
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((root / "results" / "results.json").read_text())
    assert result["score"] == 9
    assert "graded demo (1).ipynb" in result["output"]


def test_setup_refuses_an_old_python_with_a_clear_message(tmp_path):
    root, env = _image(tmp_path)
    (tmp_path / "state" / "venv-installed").touch()
    env["FAKE_VERSION"] = "3, 8, 10"
    done = subprocess.run(
        ["bash", str(root / "source" / "setup.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "course-grade needs Python 3.9 or newer" in done.stderr
    assert not (root / "venv").exists()


def test_run_autograder_leaves_results_when_the_grader_fails(tmp_path):
    root, env = _image(tmp_path)
    (root / "submission").mkdir()
    env["PYTHON"] = "/bin/false"  # a grader that cannot even start
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    result = json.loads((root / "results" / "results.json").read_text())
    assert result["score"] == 0 and "autograder itself failed" in result["output"]


def test_the_zip_is_private_and_never_where_a_child_can_read(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    path = gradescope.build_zip(DEMO)
    assert path == tmp_path / "course-grade" / "demo_autograder.zip"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    inside = Path(view.package_folder()) / "demo_autograder.zip"
    with pytest.raises(ValueError, match="every submission can read"):
        gradescope.build_zip(DEMO, inside)
    assert not inside.exists()


def test_a_renamed_upload_is_graded_and_named(tmp_path):
    upload = tmp_path / "submission"
    upload.mkdir()
    (upload / "demo-2.ipynb").write_text(notebook_text(CORRECT))
    results = gradescope.run_one(DEMO, upload, tmp_path / "results" / "results.json", FAST)
    result = json.loads(results.read_text())
    assert result["score"] == 9
    assert result["output"].startswith("graded demo-2.ipynb")


def test_the_zips_code_parses_as_python_3_9():
    """No 3.10 syntax, no ``X | Y`` evaluated at run time; ``zip(strict=)`` has a shim."""
    package = Path(gradescope.__file__).parent
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(), feature_version=(3, 9))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp):
                sides = (node.value.left, node.value.right)
                assert not (
                    isinstance(node.value.op, ast.BitOr)
                    and any(isinstance(s, ast.Subscript) for s in sides)
                ), f"{path.name}:{node.lineno}: a type union evaluated at run time"
    assert list(compat.zip_with_strict([1, 2], "ab", strict=True)) == [(1, "a"), (2, "b")]
    with pytest.raises(ValueError):
        list(compat.zip_with_strict([1, 2], "a", strict=True))
