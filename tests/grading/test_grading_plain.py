"""Plain limits only (a machine whose kernel refuses namespaces): still honest scores."""

from __future__ import annotations

import glob
import io
import os
import tempfile

import pytest
from grading_helpers import BASE_CELLS, CORRECT, DEMO, FAST, totals, write

from course_utils.grading.grade import grade

CASES = {
    "correct": (CORRECT, 9),
    "loop_in_function": ([*BASE_CELLS, "def softmax(z):\n    while True:\n        pass"], 6),
    "exit_at_import": ([*CORRECT, "import os\nos._exit(3)"], 9),
    "memory_bomb": ([*BASE_CELLS, "def softmax(z):\n    return np.ones((10**5, 10**5))"], 6),
    "fork_and_answer_twice": (
        [*BASE_CELLS, "import os\ndef softmax(z):\n    os.fork()\n    return z"],
        6,
    ),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("plain")
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "course-grade-child-*")))
    for name, (cells, _) in CASES.items():
        write(root / "subs", name, cells)
    if os.geteuid() == 0:
        write(
            root / "subs",
            "kill_everything",
            [
                *BASE_CELLS,
                "import os, signal\n"
                "def softmax(z):\n"
                "    os.kill(-1, signal.SIGKILL)\n    return z",
            ],
        )
    log = io.StringIO()
    grade(root / "subs", DEMO, root / "book.sqlite", FAST, jobs=2, log=log, namespaces=False)
    return {
        "totals": totals(root / "book.sqlite"),
        "log": log.getvalue(),
        "left": set(glob.glob(os.path.join(tempfile.gettempdir(), "course-grade-child-*")))
        - before,
    }


def test_the_log_says_there_are_no_namespaces(run):
    assert "NO namespaces" in run["log"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_plain_limits_give_honest_scores(run, name):
    assert run["totals"][name] == CASES[name][1]
    assert run["totals"]["correct"] == 9


def test_kill_everything_reaches_only_its_own_uid(run):
    if os.geteuid() != 0:
        pytest.skip("only root can give each child a uid of its own")
    assert run["totals"]["kill_everything"] == 6


def test_temporary_folders_are_removed(run):
    assert run["left"] == set()
