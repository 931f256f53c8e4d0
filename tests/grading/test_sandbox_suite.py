"""Hostile and malformed submissions against the sandbox, in every mode it runs in.

One grading run per mode, each through the ``course-grade`` command:

- ``root-bwrap``: as root, the view built by bubblewrap (skipped where ``bwrap`` is absent);
- ``root-inhouse``: as root, the view built by the in-house namespaces;
- ``user``: as an ordinary user (``unshare --user --map-user=1000``: no capability outside),
  the in-house namespaces with a user namespace;
- ``gradescope``: as root with no namespaces at all, the course laid out 0755/0644 as a zip
  extracts it (a Gradescope container): the instructor files are made root-only and the child
  runs under a uid of its own.

Most attacks sit in ``softmax`` (question 3) beside a correct ``mse`` and ``mse_grad``: an
attack that fails leaves 6 of 9 points, one that works shows as 9. ``_cheat(attack)`` returns
the right softmax only when ``attack`` raises nothing. Each case names its honest total; a
case whose outcome depends on the mode gives a total per mode (``None``: does not apply).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest
from grading_helpers import CORRECT, DEMO, GRAD, IMPORT, MSE, notebook_text

from course_utils.grading import export, gradescope
from course_utils.grading.spec import SECRET_FILE, load_exercise

REPO = Path(__file__).resolve().parents[2]
MODES = ("root-bwrap", "root-inhouse", "user", "gradescope")
RIGHT = "e = np.exp(z - z.max(axis=1, keepdims=True))\nreturn e / e.sum(axis=1, keepdims=True)"
BASE = [IMPORT, MSE, GRAD]
TOKEN = f"cg-suite-{os.getpid()}"
SHM_KEY = 0x0C0DE5 + os.getpid() % 1000


def _fn(body: str, name: str = "softmax", args: str = "z") -> str:
    return f"def {name}({args}):\n" + textwrap.indent(body, "    ")


def _cheat(attack: str) -> str:
    """A softmax that is right only when ``attack`` raises nothing."""
    inner = textwrap.indent(attack + "\n" + RIGHT, "    ")
    head = "import ctypes, os, signal, socket, struct, sys\n"
    return _fn(f"{head}try:\n{inner}\nexcept Exception:\n    return z")


def _frame(header: str) -> str:
    """Code that writes one frame with this JSON header text to every descriptor."""
    return (
        "import json, os, struct\n"
        f"head = {header}\n"
        "frame = struct.pack('>Q', 4 + len(head)) + struct.pack('>I', len(head)) + head\n"
        "for fd in range(3, 64):\n"
        "    try:\n        os.write(fd, frame)\n    except OSError:\n        pass"
    )


def _hostile(c: dict[str, Path | int]) -> dict[str, tuple[list[str], object]]:
    """name -> (cells, honest total: a number, or {mode: number or None})."""
    checks, course = c["checks"], c["course"]
    view_only = {"gradescope": None}  # without namespaces the host's files stay visible
    return {
        # 1. the grader trusts nothing the child says about processes
        "forge_pid_frame_at_import": (
            [*CORRECT, _frame(f"json.dumps({{'kind': 'pid', 'pid': {c['sentinel']}}}).encode()")],
            9,
        ),
        "forge_pid_frame_in_function": (
            [
                *BASE,
                "import json",
                _fn(
                    _frame(f"json.dumps({{'kind': 'pid', 'pid': {c['sentinel']}}}).encode()")
                    + "\nreturn z"
                ),
            ],
            6,
        ),
        "kill_a_neighbour": ([*BASE, _cheat(f"os.kill({c['sentinel']}, signal.SIGKILL)")], 6),
        "kill_the_grader_by_name": (
            [
                *BASE,
                _cheat(
                    "hit = 0\nfor p in os.listdir('/proc'):\n    try:\n"
                    "        if b'course_utils.grading' in open(f'/proc/{p}/cmdline', 'rb').read()"
                    " and p != str(os.getpid()):\n"
                    "            os.kill(int(p), signal.SIGKILL)\n            hit += 1\n"
                    "    except (OSError, ValueError):\n        pass\nassert hit"
                ),
            ],
            6,
        ),
        "daemon_that_outlives_the_run": (
            [
                *CORRECT,
                "import ctypes, os, signal, time\nif os.fork() == 0:\n    os.setsid()\n"
                "    ctypes.CDLL(None).prctl(15, b'cg-daemon', 0, 0, 0)\n"
                "    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):\n"
                "        signal.signal(s, signal.SIG_IGN)\n    time.sleep(600)",
            ],
            9,
        ),
        "ptrace_the_parent": (
            [
                *BASE,
                _cheat(
                    "libc = ctypes.CDLL(None, use_errno=True)\n"
                    "assert os.getppid() > 1 and libc.ptrace(16, os.getppid(), 0, 0) == 0"
                ),
            ],
            6,
        ),
        "read_the_grader_root_through_proc": (
            [
                *BASE,
                _cheat(
                    "found = False\nfor p in os.listdir('/proc'):\n    try:\n"
                    f"        open(f'/proc/{{p}}/root{checks}').read()\n        found = True\n"
                    "    except (OSError, ValueError):\n        pass\nassert found"
                ),
            ],
            6,
        ),
        # 2. solutions readable from the sandbox
        "read_checks": ([*BASE, _cheat(f"open({str(checks)!r}).read()")], 6),
        "read_the_grading_secret": (
            [*BASE, _cheat(f"open({str(checks.parent / SECRET_FILE)!r}, 'rb').read()")],
            6,
        ),
        "read_git_history": (
            [*BASE, _cheat(f"open({str(course / '.git' / 'HEAD')!r}).read()")],
            6,
        ),
        "read_the_gradescope_zip": (
            [*BASE, _cheat(f"open({str(course / 'demo_autograder.zip')!r}, 'rb').read()")],
            6,
        ),
        "read_another_copy_of_the_course": (
            [*BASE, _cheat(f"open({str(c['copy'])!r}).read()")],
            {**view_only, "default": 6},
        ),
        "list_the_host_root": (
            [
                *BASE,
                _cheat("assert os.path.exists('/etc/passwd') or os.path.exists('/usr/bin/env')"),
            ],
            {**view_only, "default": 6},
        ),
        "mountinfo_names_hidden_paths": (
            [*BASE, _cheat(f"assert {str(course)!r} in open('/proc/self/mountinfo').read()")],
            6,
        ),
        "read_the_instructor_notebook": (
            [*BASE, _cheat(f"open({str(checks.parent / 'demo.ipynb')!r}).read()")],
            6,
        ),
        "read_another_submission": (
            [*BASE, _cheat(f"open({str(c['subs'] / 'control' / 'demo.ipynb')!r}).read()")],
            6,
        ),
        "read_the_gradebook": ([*BASE, _cheat(f"open({str(c['book'])!r}, 'rb').read(16)")], 6),
        # 3. a submission rewrites its own grade
        "plant_numpy_beside_the_gradebook": (
            [*BASE, _cheat(f"open({str(c['book'].parent / 'numpy.py')!r}, 'w').write('x')")],
            6,
        ),
        "write_into_the_package": (
            [*BASE, _cheat(f"open({str(c['package'] / (TOKEN + '.py'))!r}, 'w').write('x')")],
            6,
        ),
        "chmod_an_installed_file": (
            [*BASE, _cheat(f"os.chmod({str(c['package'] / '__init__.py')!r}, 0o777)")],
            6,
        ),
        "write_into_the_exercise": (
            [*BASE, _cheat(f"open({str(checks.parent / 'pwned')!r}, 'w').write('x')")],
            6,
        ),
        # 4. privileges
        "runs_as_root": ([*BASE, _cheat("assert os.geteuid() == 0")], 6),
        "new_privileges_allowed": (
            [*BASE, _cheat("assert 'NoNewPrivs:\\t0' in open('/proc/self/status').read()")],
            6,
        ),
        "has_capabilities": (
            [
                *BASE,
                _cheat(
                    "line = [x for x in open('/proc/self/status') if x.startswith('CapEff')][0]\n"
                    "assert int(line.split()[1], 16) != 0"
                ),
            ],
            6,
        ),
        "sees_host_processes": (
            [*BASE, _cheat("assert len([p for p in os.listdir('/proc') if p.isdigit()]) > 3")],
            {**view_only, "default": 6},
        ),
        "sets_the_hostname": (
            [*BASE, _cheat("assert ctypes.CDLL(None).sethostname(b'pwned', 5) == 0")],
            6,
        ),
        "nested_namespace_then_unmount": (
            [
                *BASE,
                _cheat(
                    "libc = ctypes.CDLL(None, use_errno=True)\n"
                    "assert libc.unshare(0x10000000 | 0x20000) == 0\n"
                    "libc.umount2(b'/', 2)\n"
                    f"open({str(checks)!r}).read()"
                ),
            ],
            6,
        ),
        "chroot_escape": (
            [
                *BASE,
                _cheat(
                    "os.mkdir('jail')\nos.chroot('jail')\n"
                    "for _ in range(40):\n    os.chdir('..')\nos.chroot('.')\n"
                    f"open({str(checks)!r}).read()"
                ),
            ],
            6,
        ),
        # 5. leaks between children and the host
        "network_to_the_host": (
            [
                *BASE,
                _cheat(
                    f"socket.create_connection(('127.0.0.1', {c['port']}), timeout=0.5).close()"
                ),
            ],
            6,
        ),
        "abstract_unix_socket": (
            [
                *BASE,
                _cheat(f"s = socket.socket(socket.AF_UNIX)\ns.connect(b'\\0{TOKEN}-{c['mode']}')"),
            ],
            6,
        ),
        "unix_socket_file_in_the_course": (
            [
                *BASE,
                _cheat(f"s = socket.socket(socket.AF_UNIX)\ns.connect({str(c['sock'])!r})"),
            ],
            6,
        ),
        "sysv_shared_memory_outlives_it": (
            [
                *CORRECT,
                "import ctypes\nlibc = ctypes.CDLL(None)\n"
                f"libc.shmget({SHM_KEY}, 1 << 20, 0o1666)",
            ],
            9,
        ),
        "files_left_in_shared_temp_folders": (
            [
                *CORRECT,
                f"for d in ('/tmp', '/var/tmp', '/dev/shm', '/run/lock'):\n    try:\n"
                f"        open(d + '/{TOKEN}', 'w').write('left')\n    except OSError:\n"
                "        pass",
            ],
            9,
        ),
        "environment_of_other_processes": (
            [
                *BASE,
                _cheat(
                    "found = False\nfor p in os.listdir('/proc'):\n    try:\n"
                    f"        found = found or b'{TOKEN}' in open(f'/proc/{{p}}/environ', 'rb')"
                    ".read()\n    except OSError:\n        pass\nassert found"
                ),
            ],
            6,
        ),
        # 6. what the grader holds in memory, and malformed frames
        "many_large_arrays": (
            [*BASE, _fn("return np.zeros((2000, 2200))")],
            6,
        ),
        "frame_claims_an_exabyte": (
            [*BASE, _fn(_frame("b'{}'").replace("4 + len(head)", "2**60") + "\nreturn z")],
            6,
        ),
        "frame_nested_100000_deep": (
            [*BASE, _fn(_frame("b'[' * 100000") + "\nreturn z")],
            6,
        ),
        "frame_with_a_5000_digit_number": (
            [*BASE, _fn(_frame("b'{\"kind\": ' + b'9' * 5000 + b'}'") + "\nreturn z")],
            6,
        ),
        "frame_error_is_not_text": (
            [
                *BASE,
                "import json",
                _fn(
                    _frame(
                        "json.dumps({'kind': 'result', 'id': 0, 'nonce': 'x', 'status': 'ok',"
                        " 'error': [[[1]]], 'type': {}}).encode()"
                    )
                    + "\nreturn z"
                ),
            ],
            6,
        ),
        "lone_surrogate_in_an_exception": ([*BASE, _fn("raise ValueError('\\ud800 oops')")], 6),
        "ten_megabyte_exception": ([*BASE, _fn("raise ValueError('x' * 10**7)")], 6),
        "returns_strings": ([*BASE, _fn("return np.array([['a', 'b']])")], 6),
        "returns_complex": ([*BASE, _fn("return z + 0j")], 6),
        "returns_a_deep_list": (
            [*BASE, _fn("x = []\nfor _ in range(5000):\n    x = [x]\nreturn x")],
            6,
        ),
        "base_exception_subclass": (
            [*BASE, _fn("class Out(BaseException):\n    pass\nraise Out()")],
            6,
        ),
        "rearms_its_alarm": (
            [
                *BASE,
                _fn(
                    "import signal, time\n"
                    "signal.signal(signal.SIGALRM, lambda *a: signal.alarm(100))\n"
                    "time.sleep(100)"
                ),
            ],
            6,
        ),
        # what an honest notebook needs still works in the view
        "lazy_standard_library_imports": (
            [
                IMPORT,
                _fn(
                    "import statistics, csv, unicodedata, numpy.ma, decimal, scipy.special\n"
                    "return float(np.mean((pred - target) ** 2))",
                    "mse",
                    "pred, target",
                ),
                GRAD,
                _fn(RIGHT),
            ],
            {"gradescope": c["gs_lazy"], "default": 9},
        ),
    }


def _malformed(c: dict) -> dict[str, tuple[object, object]]:
    """name -> (notebook bytes, cells, or a callable making the folder; honest total)."""
    good = notebook_text(CORRECT).encode()
    deep = b'{"nbformat": 4, "cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    surrogate = json.loads(good)
    surrogate["cells"][3]["source"] = "'\\ud800'\n" + surrogate["cells"][3]["source"]
    surrogate["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "\ud800 hi"})
    crlf = json.dumps(json.loads(good), indent=1).replace("\n", "\r\n").encode()
    meta = json.loads(good)
    nested: object = 1
    for _ in range(400):
        nested = [nested]
    meta["metadata"]["deep"] = nested

    def sparse(folder: Path) -> None:
        with open(folder / "demo.ipynb", "wb") as handle:
            handle.truncate(64 * 2**30)

    def fifo(folder: Path) -> None:
        os.mkfifo(folder / "demo.ipynb")

    def renamed(name: str):
        return lambda folder: (folder / name).write_bytes(good)

    def two_copies(folder: Path) -> None:
        (folder / "demo (1).ipynb").write_bytes(good)
        (folder / "demo-2.ipynb").write_bytes(good)

    def unreadable_file(folder: Path) -> None:
        (folder / "demo.ipynb").write_bytes(good)
        os.chmod(folder / "demo.ipynb", 0)

    return {
        "mal_nested_100000_deep": (deep, 0),
        "mal_5000_digit_number": (b'{"nbformat": 4, "cells": [], "n": ' + b"7" * 5000 + b"}", 0),
        "mal_lone_surrogates": (json.dumps(surrogate).encode(), 9),
        "mal_metadata_400_deep": (json.dumps(meta).encode(), 9),
        "mal_sparse_64_gib": (sparse, 0),
        "mal_a_named_pipe": (fifo, 0),
        "mal_renamed_with_brackets": (renamed("demo (1).ipynb"), 9),
        "mal_renamed_with_dash": (renamed("demo-2.ipynb"), 9),
        "mal_two_renamed_copies": (two_copies, 0),
        "mal_crlf_and_bom": (b"\xef\xbb\xbf" + crlf, 9),
        "mal_unreadable_file": (unreadable_file, {"user": 0, "default": 9}),
        "a b": (good, 9),
        "a_b": (good, 9),
        "name\nwith newline": (good, 9),
        "n" * 200: (good, 9),
    }


def _write(folder: Path, content: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if callable(content):
        content(folder)
    elif isinstance(content, bytes):
        (folder / "demo.ipynb").write_bytes(content)
    else:
        (folder / "demo.ipynb").write_text(notebook_text(content), encoding="utf-8")


def _expected(honest: object, mode: str) -> float | None:
    if isinstance(honest, dict):
        return honest.get(mode, honest.get("default"))
    return honest


def _available(mode: str) -> str:
    """Why ``mode`` cannot run here ("" when it can)."""
    if os.geteuid() != 0:
        return "the suite builds its modes as root"
    if mode == "root-bwrap" and shutil.which("bwrap") is None:
        return "bubblewrap is not installed"
    if mode == "user":
        probe = ["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"]
        if shutil.which("unshare") is None or subprocess.run(probe, check=False).returncode:
            return "user namespaces are not available"
    return ""


def _serve(listener: socket.socket) -> None:
    while True:
        try:
            conn, _ = listener.accept()
            conn.close()
        except OSError:
            return


@pytest.fixture(scope="module", params=MODES)
def run(request):
    mode = request.param
    why = _available(mode)
    if why:
        pytest.skip(why)
    base = Path(tempfile.mkdtemp(prefix="cg-suite-", dir="/tmp"))
    os.chmod(base, 0o755)  # like /autograder/source: any uid may traverse it
    course = base / "course"
    shutil.copytree(DEMO, course / "exercises" / "demo")
    (course / ".git").mkdir()
    (course / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    gradescope.build_zip(course / "exercises" / "demo", course / "demo_autograder.zip")
    copy = base / "elsewhere" / "checks.py"
    copy.parent.mkdir()
    shutil.copy(DEMO / "checks.py", copy)
    subs, book = base / "subs", base / "book" / "gradebook.sqlite"
    book.parent.mkdir()
    for path in [base, *base.rglob("*")]:  # as a zip extracts: folders 0755, files 0644
        if path.suffix != ".zip":
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
    sentinel = subprocess.Popen(["sleep", "600"])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(f"\0{TOKEN}-{mode}")
    abstract.listen(16)
    sock_file = course / "grader.sock"
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(sock_file))
    unix.listen(16)
    os.chmod(sock_file, 0o777)
    for each in (listener, abstract, unix):
        threading.Thread(target=_serve, args=(each,), daemon=True).start()
    context = {
        "mode": mode,
        "checks": course / "exercises" / "demo" / "checks.py",
        "course": course,
        "copy": copy,
        "subs": subs,
        "book": book,
        "package": REPO / "course_utils",
        "sentinel": sentinel.pid,
        "port": listener.getsockname()[1],
        "sock": sock_file,
        # as root without namespaces, a uid of its own cannot reach a Python under /root
        "gs_lazy": 9 if _python_readable_by_others() else 6,  # its mse fails: q1
    }
    hostile, malformed = _hostile(context), _malformed(context)
    _write(subs / "control", CORRECT)
    for name, (cells, _) in hostile.items():
        _write(subs / name, cells)
    for name, (content, _) in malformed.items():
        _write(subs / name, content)
    (subs / "unreadable_folder").mkdir()
    (subs / "unreadable_folder" / "demo.ipynb").write_text(notebook_text(CORRECT))
    os.chmod(subs / "unreadable_folder", 0)
    os.symlink(subs / "control", subs / "linked_folder")
    os.mkdir(os.path.join(os.fsencode(subs), b"bad\xffname"))
    (Path(os.fsdecode(os.path.join(os.fsencode(subs), b"bad\xffname"))) / "demo.ipynb").write_text(
        notebook_text(CORRECT)
    )
    command = [sys.executable, "-m", "course_utils.grading", "grade", str(subs)]
    command += ["--exercise", "demo", "--source", str(course / "exercises")]
    command += ["--gradebook", str(book), "--jobs", "2", "--timeout", "5"]
    command += ["--load-timeout", "10", "--memory-mb", "768"]  # generous: CI is busy
    sandbox = {"root-bwrap": "bwrap", "root-inhouse": "in-house", "user": "auto"}
    command += ["--sandbox", sandbox.get(mode, "none")]
    if mode == "user":
        command = ["unshare", "--user", "--map-user=1000", "--map-group=1000", *command]
    env = {**os.environ, "PYTHONPATH": str(REPO), "SUITE_SECRET": TOKEN}
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        time.sleep(0.5)  # SIGKILL is delivered asynchronously
        outcome = {
            "mode": mode,
            "done": done,
            "hostile": hostile,
            "malformed": malformed,
            "book": book,
            "totals": _totals(book),
            "sentinel_alive": sentinel.poll() is None,
            "daemons": _named("cg-daemon"),
            "leftovers": [
                p
                for p in (
                    *(Path(d) / TOKEN for d in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")),
                    book.parent / "numpy.py",
                    context["package"] / f"{TOKEN}.py",
                    context["checks"].parent / "pwned",
                )
                if p.exists()
            ],
            "shm": _shm_with_key(SHM_KEY),
            "modes_after": {
                "checks": stat.S_IMODE(os.stat(context["checks"].parent.parent).st_mode),
                "subs": stat.S_IMODE(os.stat(subs).st_mode),
            },
            "exercise": load_exercise(course / "exercises" / "demo"),
            "base": base,
        }
        yield outcome
    finally:
        sentinel.kill()
        sentinel.wait()
        for each in (listener, abstract, unix):
            try:
                each.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            each.close()
        for key in _shm_with_key(SHM_KEY):
            subprocess.run(["ipcrm", "-M", str(key)], check=False, capture_output=True)
        for d in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
            (Path(d) / TOKEN).unlink(missing_ok=True)
        os.chmod(subs / "unreadable_folder", 0o755)
        shutil.rmtree(base, ignore_errors=True)


def _python_readable_by_others() -> bool:
    from course_utils.grading import view

    return not view.unreadable(view.allow_list([]))


def _totals(book: Path) -> dict[str, tuple[float, int]]:
    db = sqlite3.connect(book)
    rows = db.execute("SELECT student, SUM(score), COUNT(*) FROM grades GROUP BY student")
    out = {s: (total, n) for s, total, n in rows}
    db.close()
    return out


def _named(comm: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry / "comm").read_text().strip() == comm:
                found.append(entry.name)
        except OSError:
            continue
    return found


def _shm_with_key(key: int) -> list[int]:
    with open("/proc/sysvipc/shm") as table:
        rows = [line.split() for line in table][1:]
    return [int(r[0]) for r in rows if int(r[0]) == key]


def _cases() -> dict[str, object]:
    stub = {k: Path("/x") for k in ("checks", "course", "copy", "subs", "book", "package")}
    stub.update(sentinel=1, port=1, sock=Path("/x"), gs_lazy=9, mode="x")
    names = dict.fromkeys(_hostile(stub), "hostile")
    names.update(dict.fromkeys(_malformed(stub), "malformed"))
    return names


def test_the_suite_has_at_least_sixty_submissions_of_its_own():
    assert len(_cases()) + 3 >= 60  # + the unreadable, linked and non-UTF-8 folders


@pytest.mark.parametrize("name", sorted(_cases()))
def test_each_submission_earns_its_honest_score(run, name):
    table = run["hostile"] if name in run["hostile"] else run["malformed"]
    honest = _expected(table[name][1], run["mode"])
    if honest is None:
        pytest.skip(f"not meaningful in mode {run['mode']}")
    total, rows = run["totals"][name]
    assert rows == 3
    assert total == honest, (name, total)
    assert run["totals"]["control"] == (9, 3)


def test_the_run_finishes_and_names_its_isolation(run):
    done = run["done"]
    assert done.returncode == 0, done.stderr[-2000:]
    line = done.stderr.splitlines()[0]
    assert "no_new_privs, no capabilities" in line
    if run["mode"] == "gradescope":
        assert "made root-only" in line and "unprivileged uid" in line
        if not _python_readable_by_others():  # a Python under a private home (pyenv in /root)
            assert "WARNING: the child's uid cannot read" in line
    else:
        assert "allow-list view" in line and "pid+IPC+UTS+mount+network" in line
    if run["mode"] == "root-bwrap":
        assert "bubblewrap" in line


def test_every_folder_has_exactly_one_row_per_question(run):
    expected = {*run["hostile"], *run["malformed"], "control"}
    expected |= {"unreadable_folder", "linked_folder", "bad\\xffname"}
    assert set(run["totals"]) == expected
    assert all(n == 3 for _, n in run["totals"].values())


def test_odd_folders_get_a_clear_reason(run):
    db = sqlite3.connect(run["book"])
    reasons = dict(db.execute("SELECT student, status || ': ' || reason FROM submissions"))
    db.close()
    assert "symbolic link" in reasons["linked_folder"]
    assert reasons["bad\\xffname"].startswith("graded")
    assert "65536 MB" in reasons["mal_sparse_64_gib"]
    assert "not a regular file" in reasons["mal_a_named_pipe"]
    assert "graded demo (1).ipynb" in reasons["mal_renamed_with_brackets"]
    assert "keep only the one" in reasons["mal_two_renamed_copies"]
    assert "nested too deeply" in reasons["mal_nested_100000_deep"]
    assert "thousands of digits" in reasons["mal_5000_digit_number"]
    if run["mode"] == "user":
        assert reasons["unreadable_folder"].startswith("unreadable: the folder cannot be read")
        assert reasons["mal_unreadable_file"].startswith("unreadable: demo.ipynb cannot be read")


def test_nothing_of_the_child_outlives_the_run(run):
    assert run["sentinel_alive"], "a pid the child named was killed"
    assert run["daemons"] == []
    assert run["leftovers"] == []
    assert run["shm"] == []


def test_modes_are_restored_after_a_run_without_namespaces(run):
    assert run["modes_after"] == {"checks": 0o755, "subs": 0o755}


def test_feedback_files_are_one_per_student_and_readable(run, tmp_path):
    written = export.feedback(run["book"], run["exercise"], tmp_path)
    assert len(written) == 2 * len(run["totals"])
    assert len({p.name for p in written}) == len(written)
    assert (tmp_path / "a_b.md").read_text(encoding="utf-8").startswith("# demo: feedback for a_b")
