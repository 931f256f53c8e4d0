"""Grading as a non-root user: user, pid, mount and network namespaces instead of a uid drop.

The grader runs in a subprocess inside ``unshare --user --map-user=1000``, so it sees itself as
uid 1000 (not root) and takes the rootless path. Each attack's softmax is right only if the
attack raises nothing, so a leak shows up as 9 points instead of the honest 6.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from grading_helpers import BASE_CELLS, CORRECT, DEMO, write

REPO = Path(__file__).resolve().parents[2]
RIGHT = "e = np.exp(z - z.max(axis=1, keepdims=True))\nreturn e / e.sum(axis=1, keepdims=True)"


def _cheat(attack: str) -> str:
    inner = textwrap.indent(f"{attack}\n{RIGHT}", "        ")
    return (
        f"import ctypes, os, signal\ndef softmax(z):\n    try:\n{inner}\n"
        "    except Exception:\n        return z"
    )


def _rootless_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    if not _rootless_available():
        pytest.skip("user namespaces are not available here")
    root = tmp_path_factory.mktemp("rootless")
    exercises = root / "exercises"
    shutil.copytree(DEMO, exercises / "demo")
    subs, book = root / "subs", root / "gradebook.sqlite"
    checks = exercises / "demo" / "checks.py"
    attacks = {
        "read_checks": f"open({str(checks)!r}).read()",
        "read_other_submission": f"open({str(subs / 'control' / 'demo.ipynb')!r}).read()",
        "read_environment": (
            "found = False\nfor p in os.listdir('/proc'):\n    try:\n"
            "        data = open(f'/proc/{p}/environ', 'rb').read()\n"
            "        found = found or b'ROOTLESS_SECRET' in data\n"
            "    except OSError:\n        pass\nassert found"
        ),
        "kill_grader": "os.kill(os.getppid(), signal.SIGKILL)\nassert os.getppid() > 1",
        "unmount_the_cover": (
            f"libc = ctypes.CDLL(None, use_errno=True)\n"
            f"assert libc.umount2({str(exercises).encode()!r}, 2) == 0\n"
            f"open({str(checks)!r}).read()"
        ),
        "nested_namespace_unmount": (
            f"libc = ctypes.CDLL(None, use_errno=True)\n"
            "assert libc.unshare(0x10000000 | 0x20000) == 0\n"
            f"assert libc.umount2({str(exercises).encode()!r}, 2) == 0\n"
            f"open({str(checks)!r}).read()"
        ),
    }
    write(subs, "control", CORRECT)
    for name, attack in attacks.items():
        write(subs, name, [*BASE_CELLS, _cheat(attack)])
    write(
        subs,
        "linger",
        [
            *CORRECT,
            "import ctypes, os, signal, time\nos.setsid()\n"
            "ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)\n"
            "ctypes.CDLL(None).prctl(15, b'grader-linger', 0, 0, 0)\n"
            "signal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(1000)",
        ],
    )
    write(
        subs,
        "kill_everything",
        [
            *BASE_CELLS,
            "import os, signal\ndef softmax(z):\n    os.kill(-1, signal.SIGKILL)\n    return z",
        ],
    )
    command = [
        "unshare",
        "--user",
        "--map-user=1000",
        "--map-group=1000",
        sys.executable,
        "-m",
        "course_utils.grading",
        "grade",
        str(subs),
        "--exercise",
        "demo",
        "--source",
        str(exercises),
        "--gradebook",
        str(book),
        "--jobs",
        "2",
        # generous: CI runs this beside notebook kernels, and an honest call must not time out
        "--timeout",
        "6",
        "--load-timeout",
        "10",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO), "ROOTLESS_SECRET": "1"}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "allow-list view built by in-house namespaces" in done.stderr
    assert "the child keeps this user's uid with every path read-only" in done.stderr
    db = sqlite3.connect(book)
    totals = dict(db.execute("SELECT student, SUM(score) FROM grades GROUP BY student"))
    db.close()
    return totals


@pytest.mark.parametrize(
    "name",
    [
        "read_checks",
        "read_other_submission",
        "read_environment",
        "kill_grader",
        "unmount_the_cover",
        "nested_namespace_unmount",
        "kill_everything",
    ],
)
def test_rootless_child_sees_and_reaches_nothing(scores, name):
    assert scores[name] == 6
    assert scores["control"] == 9


def _lingering() -> list[str]:
    """Processes of the "linger" submission (it names itself with ``PR_SET_NAME``)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry / "comm").read_text().strip() == "grader-linger":
                found.append(entry.name)
        except OSError:
            continue
    return found


def test_a_child_that_leaves_its_group_is_still_killed(scores):
    assert scores["linger"] == 9  # the lingering cell is left out; the rest is correct
    assert _lingering() == []
