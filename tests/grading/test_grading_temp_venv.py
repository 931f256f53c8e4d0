"""A grader whose Python lives under /tmp (a virtual environment there, as on many CI machines).

The child sees only the allow-list view, with a private /tmp; the interpreter's own folders
are in the view wherever they live, or a lazily imported module (``numpy.ma`` behind
``np.median``) fails to import in the child. Only the kept folders are there: their siblings
under /tmp stay invisible.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from course_utils.grading.sandbox import Sandbox
from course_utils.grading.spec import Call
from course_utils.grading.view import allow_list


def test_only_outermost_folders_are_bound(tmp_path):
    (tmp_path / "lib" / "site").mkdir(parents=True)
    spec = allow_list([], [str(tmp_path / "lib"), str(tmp_path / "lib" / "site")])
    assert str(tmp_path / "lib") in spec.binds
    assert str(tmp_path / "lib" / "site") not in spec.binds
    assert not any(b.startswith(str(tmp_path / "lib") + "/") for b in spec.binds)


@pytest.mark.parametrize("builder", ["bwrap", "in-house"])
def test_a_kept_folder_under_tmp_is_readable_in_the_child_and_its_siblings_are_not(builder):
    if builder == "bwrap" and (os.geteuid() != 0 or shutil.which("bwrap") is None):
        pytest.skip("bubblewrap builds the view as root where installed")
    base = Path(tempfile.mkdtemp(prefix="course-grade-keep-", dir="/tmp"))
    site = base / "site"
    site.mkdir()
    (site / "kept_module.py").write_text("VALUE = 42\n")
    secret = base / "secret.txt"
    secret.write_text("not for students")
    try:
        sandbox = Sandbox(hide=[], builder=builder, keep=[str(site)])
    except OSError as error:
        shutil.rmtree(base)
        pytest.skip(f"the kernel refuses namespaces here: {error}")
    try:
        cell = textwrap.dedent(
            f"""
            import os, sys
            sys.path.insert(0, {str(site)!r})

            def kept():
                import kept_module
                return float(kept_module.VALUE)

            def sibling_visible():
                return float(os.path.exists({str(secret)!r}))

            def lazy_numpy():
                import numpy as np
                return float(np.median(np.array([3.0, 1.0, 2.0])))
            """
        )
        calls = [Call(name, [], {}) for name in ("kept", "sibling_visible", "lazy_numpy")]
        kept, sibling, lazy = sandbox.run(0, [cell], calls).outcomes
    finally:
        sandbox.close()
        shutil.rmtree(base)
    assert kept.status == "ok" and float(kept.values[0]) == 42.0, kept.error
    assert sibling.status == "ok" and float(sibling.values[0]) == 0.0, sibling.error
    assert lazy.status == "ok" and float(lazy.values[0]) == 2.0, lazy.error
