"""Who builds the sandbox's view: bubblewrap as root where it works, else the in-house one.

Both paths are graded end to end elsewhere (``test_sandbox_suite.py`` runs every hostile
submission under each); here: the choice itself, a bubblewrap that is absent or fails, and the
warning for a Python that a uid of its own cannot read when there is no view.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from grading_helpers import CORRECT, DEMO, notebook_text

from course_utils.grading import view
from course_utils.grading.sandbox import Sandbox, builders


def test_bubblewrap_is_used_as_root_where_present_else_the_in_house_view(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert builders("auto") == ["in-house"]
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/bwrap")
    assert builders("auto") == (["bwrap", "in-house"] if os.geteuid() == 0 else ["in-house"])
    with pytest.raises(ValueError, match="unknown sandbox builder"):
        builders("docker")


def test_a_private_home_is_named_in_the_warning():
    base = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        home = base / "home"
        (home / "lib").mkdir(parents=True)
        os.chmod(home, 0o700)
        blocked = view.unreadable(view.View(binds=[str(home / "lib")]))
    finally:
        shutil.rmtree(base)
    assert blocked == [f"{home} (mode 700)"]


@pytest.mark.skipif(os.geteuid() != 0, reason="the default differs only as root")
def test_without_bwrap_on_the_path_the_in_house_view_grades(tmp_path):
    subs = tmp_path / "subs"
    (subs / "ann").mkdir(parents=True)
    (subs / "ann" / "demo.ipynb").write_text(notebook_text(CORRECT))
    command = [sys.executable, "-m", "course_utils.grading", "grade", str(subs)]
    command += ["--exercise", "demo", "--source", str(DEMO.parent)]
    command += ["--gradebook", str(tmp_path / "book.sqlite"), "--jobs", "1"]
    env = {"PATH": str(tmp_path), "PYTHONPATH": str(Path(view.package_folder()).parent)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "allow-list view built by in-house namespaces" in done.stderr
    assert "zero score 0" in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="bubblewrap builds the view as root")
def test_a_bubblewrap_that_fails_gives_way_unless_it_was_asked_for(tmp_path, monkeypatch):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: Creating new namespace failed' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake) if name == "bwrap" else None)
    sandbox = Sandbox(hide=[])
    try:
        assert sandbox.zygote.mode in ("in-house", "none")
    finally:
        sandbox.close()
    with pytest.raises(OSError, match="Creating new namespace failed"):
        Sandbox(hide=[], builder="bwrap")
