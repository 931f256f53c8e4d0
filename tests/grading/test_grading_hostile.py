"""Hostile submissions: each scores exactly what its honest work earns, in one shared run.

Every submission below is graded in the same run as three correct controls and one honest
partial answer; each test also checks that those were graded right. Most attacks sit in
``softmax`` (question 3) beside a correct ``mse`` and ``mse_grad``, so an attack that fails
leaves 6 of 9 points and an attack that works would show as 9. ``_cheat(attack)`` returns the
right softmax only if ``attack`` runs without an exception, so it measures whether the attack
got through.
"""

from __future__ import annotations

import os
import socket
import textwrap
import time
from pathlib import Path

import pytest
from grading_helpers import CORRECT, DEMO, FAST, GRAD, IMPORT, MSE, rows, write

from course_utils.grading.grade import Grader
from course_utils.grading.sandbox import MAX_JOBS
from course_utils.grading.spec import load_exercise

SECRET = "s3cret-for-the-env-test"
RIGHT = "e = np.exp(z - z.max(axis=1, keepdims=True))\nreturn e / e.sum(axis=1, keepdims=True)"
IDENTITY = "def softmax(z):\n    return z"
BASE = [IMPORT, MSE, GRAD]


def _fn(body: str, name: str = "softmax", args: str = "z") -> str:
    return f"def {name}({args}):\n" + textwrap.indent(body, "    ")


def _cheat(attack: str) -> str:
    """A softmax that is right only when ``attack`` raises nothing."""
    inner = textwrap.indent(attack + "\n" + RIGHT, "    ")
    return _fn(f"import os, sys, socket\ntry:\n{inner}\nexcept Exception:\n    return z")


def _cases(subs: Path, gradebook: Path, port: int) -> dict[str, tuple[list[str], float, str]]:
    """name -> (cells, honest total out of 9, what the test needs: "", "ns" or "root")."""
    instructor, checks = DEMO / "demo.ipynb", DEMO / "checks.py"
    own = subs / "h_half_written" / "demo.ipynb"
    control = subs / "control1" / "demo.ipynb"
    rel = os.path.relpath(instructor, "/tmp/work")
    env_probe = (
        f"found = {SECRET!r} in str(os.environ)\n"
        f"for p in ('self', str(os.getppid()), '1', '{os.getpid()}'):\n"
        "    try:\n"
        f"        data = open(f'/proc/{{p}}/environ', 'rb').read()\n"
        f"        found = found or {SECRET.encode()!r} in data\n"
        "    except OSError:\n"
        "        pass\n"
        "assert found"
    )
    writes = (
        "for p in ['/tmp/course-grade-pwned', "
        f"{str(subs.parent / 'pwned')!r}, {str(subs / 'pwned')!r}, {str(DEMO / 'pwned')!r}]:\n"
        "    try:\n"
        "        open(p, 'w').write('pwned')\n"
        "    except OSError:\n"
        "        pass"
    )
    return {
        # NumPy and builtins patched in the child cannot touch comparisons in the grader.
        "h_patch_allclose": (
            [
                *BASE,
                "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
                "np.array_equal = lambda *a, **k: True\n"
                "np.testing.assert_allclose = lambda *a, **k: None\n"
                "np.testing.assert_array_almost_equal = lambda *a, **k: None",
                IDENTITY,
            ],
            6,
            "",
        ),
        "h_rebind_builtins": (
            [
                *BASE,
                "import builtins\nfor n in ('abs', 'max', 'min', 'all', 'any', 'round', 'sum'):\n"
                "    setattr(builtins, n, lambda *a, **k: 0)",
                IDENTITY,
            ],
            6,
            "",
        ),
        # Exits and exceptions at import cost only their own cell; inside a function, the call.
        "h_sys_exit_at_import": (
            [IMPORT, MSE, "import sys\nsys.exit(0)", GRAD, _fn(RIGHT)],
            9,
            "",
        ),
        "h_os_exit_at_import": ([*CORRECT, "import os\nos._exit(0)"], 9, ""),
        "h_systemexit_at_import": (
            [IMPORT, "raise SystemExit('done')", MSE, GRAD, _fn(RIGHT)],
            9,
            "",
        ),
        "h_sys_exit_in_function": ([*BASE, _fn("import sys\nsys.exit(0)")], 6, ""),
        "h_os_exit_in_function": ([*BASE, _fn("import os\nos._exit(0)")], 6, ""),
        "h_systemexit_in_function": ([*BASE, _fn("raise SystemExit('score: 9/9')")], 6, ""),
        # Hangs.
        "h_loop_at_import": ([IMPORT, MSE, "while True:\n    pass", GRAD, _fn(RIGHT)], 9, ""),
        "h_loop_in_function": ([*BASE, _fn("while True:\n    pass")], 6, ""),
        "h_sleep_in_function": ([*BASE, _fn("import time\ntime.sleep(60)")], 6, ""),
        "h_sleep_at_import_no_alarm": (
            [
                *CORRECT,
                "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                "time.sleep(60)",
            ],
            9,
            "",
        ),
        "h_sigterm_ignored_and_loop": (
            [
                *BASE,
                "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)",
                _fn("while True:\n    pass"),
            ],
            6,
            "",
        ),
        "h_threads_left_running": (
            [
                *CORRECT,
                "import threading, time\n"
                "def spin():\n    while True:\n        time.sleep(0.001)\n"
                "for _ in range(3):\n    threading.Thread(target=spin, daemon=True).start()",
            ],
            9,
            "",
        ),
        # Resources.
        "h_memory_bomb_at_import": (
            [IMPORT, "x = bytearray(10**11)", MSE, GRAD, _fn(RIGHT)],
            9,
            "",
        ),
        "h_memory_bomb_in_function": (
            [*BASE, _fn("x = np.ones((10**5, 10**5))\nreturn z")],
            6,
            "",
        ),
        "h_memory_creep_in_function": (
            [*BASE, _fn("hog = []\nwhile True:\n    hog.append(bytearray(2**24))")],
            6,
            "",
        ),
        "h_fork_bomb_in_function": (
            [*BASE, _fn("import os\nwhile True:\n    os.fork()")],
            6,
            "root",
        ),
        "h_fork_at_import": (
            [
                *CORRECT,
                "import os\nfor _ in range(8):\n    try:\n        os.fork()\n"
                "    except OSError:\n        break",
            ],
            9,
            "root",
        ),
        "h_fork_and_answer_twice": (
            [
                *BASE,
                _fn(
                    "import os\nif os.fork() == 0:\n"
                    + textwrap.indent(RIGHT, "    ")
                    + "\nreturn z"
                ),
            ],
            6,
            "",
        ),
        "h_list_other_exercises": (
            [*BASE, _cheat(f"assert os.listdir({str(DEMO.parent)!r})")],
            6,
            "ns",
        ),
        "h_deep_recursion": ([*BASE, _fn("return softmax(z)")], 6, ""),
        "h_deep_recursion_raised_limit": (
            [
                *BASE,
                _fn(
                    "import sys\nsys.setrecursionlimit(10**8)\n"
                    "def f(n):\n    return f(n + 1) + 1\n"
                    "return f(0)"
                ),
            ],
            6,
            "",
        ),
        "h_output_flood_at_import": (
            [*CORRECT, "for _ in range(1000):\n    print('x' * 100000)"],
            9,
            "",
        ),
        "h_output_flood_in_function": (
            [
                *BASE,
                _fn(
                    "import sys\nfor _ in range(200):\n"
                    "    sys.stdout.write('score 9/9\\n' * 10000)\n"
                    "sys.stderr.write('x' * 10**6)\n" + RIGHT
                ),
            ],
            9,
            "",
        ),
        "h_fake_score_lines": (
            [
                *BASE,
                "print('Score: 9/9')\nprint('{\"score\": 9, \"tests\": []}')",
                _fn("print('q3: 3/3 passed')\nreturn z"),
            ],
            6,
            "",
        ),
        # Reading what it must not see.
        "h_read_instructor_absolute": (
            [*BASE, _cheat(f"open({str(instructor)!r}).read()")],
            6,
            "ns",
        ),
        "h_read_instructor_relative": ([*BASE, _cheat(f"open({rel!r}).read()")], 6, "ns"),
        "h_read_checks": ([*BASE, _cheat(f"open({str(checks)!r}).read()")], 6, "ns"),
        "h_read_other_submission": (
            [*BASE, _cheat(f"assert os.listdir({str(subs)!r})\nopen({str(control)!r}).read()")],
            6,
            "ns",
        ),
        "h_read_gradebook": (
            [*BASE, _cheat(f"assert open({str(gradebook)!r}, 'rb').read(16)")],
            6,
            "ns",
        ),
        "h_read_data_next_to_it": (
            [*BASE, _cheat("np.load('answers.npy')")],
            6,
            "ns",
        ),
        "h_read_data_next_to_it_absolute": (
            [
                *BASE,
                _cheat(
                    f"open({str(subs / 'h_read_data_next_to_it_absolute' / 'checks.py')!r}).read()"
                ),
            ],
            6,
            "ns",
        ),
        "h_read_environment": ([*BASE, _cheat(env_probe)], 6, "root"),
        "h_runs_as_root": (
            [*BASE, _cheat("assert os.geteuid() == 0 or os.getuid() == 0")],
            6,
            "root",
        ),
        "h_write_outside": ([*BASE, _fn(writes + "\nreturn z")], 6, "ns"),
        "h_network": (
            [
                *BASE,
                _cheat(f"socket.create_connection(('127.0.0.1', {port}), timeout=0.5).close()"),
            ],
            6,
            "ns",
        ),
        "h_half_written": (
            [*BASE, _fn(f"open({str(own)!r}, 'w').write('{{')\nreturn z")],
            6,
            "ns",
        ),
        # Strange return values are judged as plain numbers, in the grader.
        "h_lying_eq_object": (
            [
                *BASE,
                _fn(
                    "class Liar:\n    def __eq__(self, other):\n        return True\n"
                    "    def __ne__(self, other):\n        return False\nreturn Liar()"
                ),
            ],
            6,
            "",
        ),
        "h_lying_ndarray_subclass": (
            [
                *BASE,
                _fn(
                    "class Liar(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
                    "    def __array_finalize__(self, obj):\n        pass\n"
                    "return z.view(Liar)"
                ),
            ],
            6,
            "",
        ),
        "h_lying_array_method": (
            [
                *BASE,
                _fn(
                    "class Liar:\n    def __array__(self, dtype=None, copy=None):\n"
                    "        return z\n    def __eq__(self, other):\n        return True\n"
                    "return Liar()"
                ),
            ],
            6,
            "",
        ),
        "h_lying_float": (
            [
                IMPORT,
                _fn(
                    "class Liar(float):\n    def __eq__(self, other):\n        return True\n"
                    "    __hash__ = float.__hash__\nreturn Liar(0.0)",
                    "mse",
                    "pred, target",
                ),
                GRAD,
                _fn(RIGHT),
            ],
            6,
            "",
        ),
        "h_lying_dunder_float": (
            [
                IMPORT,
                _fn(
                    "class Liar:\n    def __float__(self):\n        return 42.0\n"
                    "    def __eq__(self, other):\n        return True\nreturn Liar()",
                    "mse",
                    "pred, target",
                ),
                GRAD,
                _fn(RIGHT),
            ],
            6,
            "",
        ),
        "h_nan": ([*BASE, _fn("return np.full(z.shape, np.nan)")], 6, ""),
        "h_inf_loss": (
            [IMPORT, _fn("return float('inf')", "mse", "pred, target"), GRAD, _fn(RIGHT)],
            6,
            "",
        ),
        "h_wrong_shape": (
            [
                *BASE,
                _fn(
                    RIGHT.replace(
                        "return e / e.sum(axis=1, keepdims=True)",
                        "return (e / e.sum(axis=1, keepdims=True)).T",
                    )
                ),
            ],
            6,
            "",
        ),
        "h_wrong_dtype": (
            [
                IMPORT,
                _fn("return int(np.mean((pred - target) ** 2))", "mse", "pred, target"),
                GRAD,
                _fn(RIGHT),
            ],
            6,
            "",
        ),
        "h_list_not_array": (
            [
                *BASE,
                _fn(
                    RIGHT.replace(
                        "return e / e.sum(axis=1, keepdims=True)",
                        "return (e / e.sum(axis=1, keepdims=True)).tolist()",
                    )
                ),
            ],
            6,
            "",
        ),
        "h_mutates_input": (
            [
                *BASE,
                _fn(
                    "z -= z.max(axis=1, keepdims=True)\nnp.exp(z, out=z)\n"
                    "z /= z.sum(axis=1, keepdims=True)"
                    "\nreturn z"
                ),
            ],
            6,
            "",
        ),
        # The result channel and the grader itself.
        "h_tamper_channel_at_import": (
            [
                *CORRECT,
                'import os\nFORGED = bytes(7) + b\'0{"kind": "result"}\'\n'
                "for fd in range(3, 64):\n    try:\n        os.write(fd, FORGED)\n"
                "    except OSError:\n        pass",
            ],
            9,
            "",
        ),
        "h_tamper_channel_in_function": (
            [
                *BASE,
                _fn(
                    "import os\nfor fd in range(3, 64):\n    try:\n"
                    "        os.write(fd, b'garbage' * 100)\n"
                    "    except OSError:\n        pass\nreturn z"
                ),
            ],
            6,
            "",
        ),
        "h_close_channel_in_function": (
            [
                *BASE,
                _fn(
                    "import os\nfor fd in range(3, 64):\n    try:\n        os.close(fd)\n"
                    "    except OSError:\n        pass\nreturn z"
                ),
            ],
            6,
            "",
        ),
        "h_kill_grader": (
            [
                *BASE,
                _cheat(
                    "import signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
                    f"os.kill({os.getpid()}, signal.SIGKILL)"
                ),
            ],
            6,
            "root",
        ),
        "h_kill_process_group": (
            [*BASE, _fn("import os, signal\nos.killpg(os.getpgid(0), signal.SIGKILL)")],
            6,
            "",
        ),
        "h_kill_everything": (
            [*BASE, _fn("import os, signal\nos.kill(-1, signal.SIGKILL)")],
            6,
            "root",
        ),
    }


CONTROLS = {"control1": 9, "control2": 9, "control3": 9, "partial_sum": 6}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    subs, gradebook = root / "submissions", root / "gradebook.sqlite"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    cases = _cases(subs, gradebook, listener.getsockname()[1])
    for name in CONTROLS:
        write(subs, name, CORRECT)
    write(
        subs,
        "partial_sum",
        [
            IMPORT,
            _fn("return float(np.sum((pred - target) ** 2))", "mse", "pred, target"),
            GRAD,
            _fn(RIGHT),
        ],
    )
    for name, (cells, _, _) in cases.items():
        write(subs, name, cells)
    folder = subs / "h_read_data_next_to_it"
    (folder / "answers.npy").write_bytes(b"not for you")
    (subs / "h_read_data_next_to_it_absolute" / "checks.py").write_text(
        (DEMO / "checks.py").read_text()
    )
    half = subs / "h_half_written" / "demo.ipynb"
    before = half.read_bytes()
    os.environ["COURSE_GRADE_TEST_SECRET"] = SECRET
    try:
        grader = Grader(load_exercise(DEMO), subs, gradebook, FAST, jobs=2)
        try:
            summary = grader.run()
            root_mode, namespaces = grader.sandbox.root, grader.sandbox.namespaces
            first_uid = grader.sandbox.first_uid
        finally:
            grader.close()
    finally:
        del os.environ["COURSE_GRADE_TEST_SECRET"]
        listener.close()
    return {
        "cases": cases,
        "rows": rows(gradebook),
        "summary": summary,
        "subs": subs,
        "root": root_mode,
        "ns": namespaces,
        "gradebook": gradebook,
        "half_before": before,
        "first_uid": first_uid,
    }


def _require(run, need: str) -> None:
    if need == "ns" and not run["ns"]:
        pytest.skip("needs mount/network namespaces (root and a kernel that allows unshare)")
    if need == "root" and not run["root"]:
        pytest.skip("needs the grader to run as root (to drop the child to its own uid)")


def _controls_right(run) -> None:
    for name, total in CONTROLS.items():
        assert sum(run["rows"][name].values()) == total, name


@pytest.mark.parametrize("name", sorted(_cases(Path("/s"), Path("/g"), 1)))
def test_hostile_submission_earns_its_honest_score(run, name):
    _cells, honest, need = run["cases"][name]
    _require(run, need)
    scores = run["rows"][name]
    assert set(scores) == {"q1", "q2", "q3"}
    assert sum(scores.values()) == honest, scores
    _controls_right(run)


def test_there_are_at_least_thirty_attacks():
    assert len(_cases(Path("/s"), Path("/g"), 1)) >= 30


def test_every_submission_has_exactly_one_row_per_question(run):
    import sqlite3

    db = sqlite3.connect(run["gradebook"])
    counts = db.execute("SELECT student, COUNT(*) FROM grades GROUP BY student").fetchall()
    db.close()
    assert len(counts) == len(run["cases"]) + len(CONTROLS)
    assert all(n == 3 for _, n in counts)


def test_nothing_written_outside_and_own_notebook_untouched(run):
    _require(run, "ns")
    for path in (
        Path("/tmp/course-grade-pwned"),
        run["subs"].parent / "pwned",
        run["subs"] / "pwned",
        DEMO / "pwned",
    ):
        assert not path.exists(), path
    assert (run["subs"] / "h_half_written" / "demo.ipynb").read_bytes() == run["half_before"]


def _processes_of_children(first_uid: int) -> list[str]:
    """Live (not zombie) processes whose uid is one of the children's."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            uid = entry.stat().st_uid
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if first_uid <= uid < first_uid + MAX_JOBS and state not in "ZX":
            found.append(f"{entry.name} ({state})")
    return found


def test_no_child_process_survives(run):
    _require(run, "root")
    deadline = time.monotonic() + 2.0  # SIGKILL is delivered asynchronously
    while _processes_of_children(run["first_uid"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_of_children(run["first_uid"]) == []


def test_summary_counts_problems(run):
    summary = run["summary"]
    assert summary.graded == len(run["cases"]) + len(CONTROLS)
    assert summary.kinds["timeout"] + summary.kinds["crash"] >= 5
