"""Run (grader side): start the zygote in its view, spawn one confined child per submission.

The grader process never executes student code. It builds the run's allow-list
(:func:`.view.allow_list`), starts the zygote (:mod:`.child`) inside it, hands each child the
notebook's code and the calls to make, and reads back plain data with deadlines and a byte
allowance per submission. It never signals a process itself: the zygote kills the child it
created (its pid namespace's init, its process group and, as root, every process of its
uid). A call that hangs or kills the child costs that call, and the remaining calls of the
same function; the other functions run in a fresh child.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import view, wire
from .child import CHILD_ENV, CHILD_TEMP_DIRS, SECCOMP_ARCH
from .outcome import Outcome
from .spec import Call

GRACE = 1.0  # seconds the grader waits beyond the child's own timer before killing it
MAX_JOBS = 256
MAX_RETURNED = 64 * 2**20  # bytes a submission may send back in all (every call together)


def root_only(paths: list[str]) -> dict[str, int]:
    """Take group and others' permissions off ``paths`` (those that exist); return the old
    modes, for :func:`restore_modes`. Without namespaces this is what hides the instructor's
    files from a child that runs under a uid of its own."""
    modes = {}
    for path in paths:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if not os.path.islink(path):
            modes[path] = mode & 0o7777
            os.chmod(path, mode & 0o7700)
    return modes


def restore_modes(modes: dict[str, int]) -> None:
    """Put back the permissions :func:`root_only` took."""
    for path, mode in modes.items():
        try:
            os.chmod(path, mode)
        except OSError:
            pass


def uid_base(pid: int) -> int:
    """First uid of a grading run's children (as root): ``uid_base + worker slot``.

    Each run gets its own block of ``MAX_JOBS`` uids, derived from its process id, so two runs
    on one machine never share a uid: killing "every process of my uid" after a submission,
    or a student's ``kill(-1)``, reaches that one child's processes and nothing else.
    """
    return 100_000 + (pid % 4_000_000) * MAX_JOBS


@dataclass
class Limits:
    """Resource limits of one submission's child."""

    load_timeout: float = 30.0  # seconds to run the notebook's cells top to bottom
    call_timeout: float = 10.0  # seconds per cell and per function call
    total_timeout: float = 60.0  # seconds for the whole submission
    memory_mb: int = 1024  # address space beyond what the pre-warmed interpreter uses
    fsize_mb: int = 16  # largest file a child may write (also its private /tmp's size)
    nproc: int = 16  # processes and threads of the child (beyond what its uid already has)


@dataclass
class RunResult:
    """What came back from one submission's child(ren)."""

    outcomes: list[Outcome]
    load_errors: list[str] = field(default_factory=list)
    problem: str = ""  # "load-timeout", "load-crash", "" when the notebook loaded


class Channel:
    """A child's socket, and how many more bytes its submission may send back (shared by
    every child one submission needs, so the grader holds at most ``MAX_RETURNED`` of it)."""

    def __init__(self, sock: socket.socket, allowance: list[int]) -> None:
        self.sock = sock
        self.allowance = allowance

    def recv(self, deadline: float) -> tuple[dict[str, Any], list[bytes]]:
        header, blobs = wire.recv(self.sock, deadline, min(wire.MAX_MESSAGE, self.allowance[0]))
        self.allowance[0] -= sum(len(b) for b in blobs) + 64
        return header, blobs


BUILDERS = ("auto", "bwrap", "in-house", "none")


def builders(builder: str) -> list[str]:
    """The view builders to try, in order, for ``builder`` (one of :data:`BUILDERS`).

    ``auto``: bubblewrap as root where installed, then the in-house one (which also reports
    ``none`` when the kernel refuses namespaces). Not as root, bubblewrap is skipped: in a user
    namespace its masked ``/proc`` forbids the fresh ``/proc`` each child's pid namespace needs.
    """
    if builder not in BUILDERS:
        raise ValueError(f"unknown sandbox builder {builder!r}; choose one of {BUILDERS}")
    root = os.geteuid() == 0
    if builder == "bwrap" and not root:
        raise ValueError("--sandbox bwrap needs root; not as root the in-house view is used")
    if builder != "auto":
        return [builder]
    return (["bwrap"] if root and shutil.which("bwrap") else []) + ["in-house"]


class Zygote:
    """The pre-warmed process (``course_utils.grading.child``) that forks the children.

    It starts inside the run's allow-list view (:mod:`.view`): built by bubblewrap where
    ``bwrap`` is installed and works, else by the zygote itself, else (the kernel refuses
    namespaces) none. The grader never signals a child: it asks the zygote, which kills what
    it created.
    """

    def __init__(self, spec: view.View, builder: str = "auto") -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self.hello: dict[str, Any] = {}
        self.spec = spec
        modes = builders(builder)
        for mode in modes:
            try:
                self._start(mode)
                break
            except (OSError, ValueError):
                self.close()
                if mode == modes[-1]:
                    raise
        self.mode = self.hello["view"]
        if builder not in ("auto", "none") and self.mode != builder:
            self.close()
            raise OSError(
                f"the {builder} sandbox could not be built here ({self.hello.get('why')});"
                " choose another with --sandbox"
            )

    def _start(self, mode: str) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        package_root = str(Path(view.package_folder()).parent)
        env = {**CHILD_ENV, "PYTHONPATH": package_root, "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-m", "course_utils.grading.child", str(theirs.fileno())]
        if mode == "bwrap":
            bwrap = shutil.which("bwrap") or "bwrap"
            command = view.bwrap_command(self.spec, bwrap) + command
        self._proc = subprocess.Popen(
            command,
            pass_fds=[theirs.fileno()],
            env=env,
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE if mode == "bwrap" else subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()
        self._sock = ours
        self._sock.settimeout(120)
        try:
            self._sock.send(json.dumps({"mode": mode, "view": asdict(self.spec)}).encode())
            reply = self._sock.recv(1 << 20)
        except OSError:  # it died before reading or answering
            reply = b""
        why = ""
        if self._proc.stderr:  # bubblewrap's own complaint, if it could not start
            if not reply:
                why = self._proc.stderr.read().decode(errors="replace").strip()[:300]
            self._proc.stderr.close()
            self._proc.stderr = None
        if not reply:
            raise OSError(f"the sandbox's zygote ({mode}) did not start: {why or 'no reason'}")
        self.hello = json.loads(reply)

    def request(self, request: dict[str, Any], fd: int | None = None) -> dict[str, Any]:
        """Send one request (with a file descriptor for a spawn) and return the reply."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    message = json.dumps(request).encode()
                    if fd is None:
                        self._sock.send(message)
                    else:
                        socket.send_fds(self._sock, [message], [fd])
                    reply = self._sock.recv(1 << 16)
                    if not reply:
                        raise ConnectionError("the sandbox's zygote stopped")
                    return json.loads(reply)
                except (OSError, ValueError):
                    if attempt == 2:
                        raise
                    self.close()
                    self._start(self.mode)  # killed (possible without namespaces): again
            raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the zygote and, with it, every child it created (it is pid 1 of their pid
        namespace, or kills them when its channel closes)."""
        if self._proc is not None:
            self._sock.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)  # the group we created
                self._proc.wait()
            self._proc = None


class Sandbox:
    """Spawns confined children through a zygote; one instance per grading run."""

    def __init__(
        self,
        hide: list[Path],
        limits: Limits | None = None,
        builder: str = "auto",
        forbidden: dict[str, str] | None = None,
        keep: list[str] = (),
    ) -> None:
        """``hide``: what a child must never read (covered inside the view; made root-only
        when there is no view and the grader is root). ``builder``: who builds the view
        (:func:`builders`); ``"none"`` uses no namespaces even where they work (for tests, and
        for a machine where they misbehave).
        ``forbidden`` maps modules the submission may not import to what the exercise asks
        the student to write instead. ``keep``: extra folders the child may read."""
        self.limits = limits or Limits()
        self.forbidden = dict(forbidden or {})
        self.hide = [str(Path(p).resolve()) for p in hide]
        self.spec = view.allow_list(self.hide, list(keep))
        self.zygote = Zygote(self.spec, builder)
        self.root = bool(self.zygote.hello["root"])
        self.namespaces = self.zygote.mode != "none"
        self.first_uid = uid_base(os.getpid())
        self._modes: dict[str, int] = {}
        if self.root and not self.namespaces:
            self._modes = root_only(self.hide)

    def describe(self) -> str:
        """One line for the run's log: which isolation this machine gives."""
        hello = self.zygote.hello
        parts = []
        if self.namespaces:
            builder = "bubblewrap" if self.zygote.mode == "bwrap" else "in-house namespaces"
            parts.append(
                f"allow-list view built by {builder} (only the interpreter, its libraries,"
                " site-packages and course_utils, read-only; forbidden modules covered)"
            )
            parts.append("per submission: own pid+IPC+UTS+mount+network namespaces, private /tmp")
        else:
            why = hello.get("why") or "--sandbox none"
            parts.append(f"NO namespaces ({why}): no view, no private /tmp")
            if self.root:
                count = len(self._modes)
                parts.append(
                    f"instructor files, submissions and gradebook made root-only ({count} paths)"
                )
            if os.uname().machine in SECCOMP_ARCH:
                parts.append("no socket() (a seccomp filter)")
            else:
                parts.append(f"NETWORK OPEN (no seccomp filter for {os.uname().machine})")
            if self.root:
                parts.append(
                    "what the child leaves in /tmp, /var/tmp, /dev/shm, /run/lock and System V"
                    " IPC removed after it"
                )
        if self.root:
            parts.append(f"unprivileged uid per worker ({self.first_uid}+)")
        else:
            parts.append(
                "the child keeps this user's uid"
                + (
                    " with every path read-only"
                    if self.namespaces
                    else ": it can read and write"
                    " whatever this user can (run as root or where namespaces work)"
                )
            )
        parts += [
            "no_new_privs, no capabilities",
            "rlimits (CPU, address space, file size, open files, processes)",
            "wall-clock timeouts; the zygote kills what it created",
        ]
        if hello.get("unreadable"):
            parts.append(
                "WARNING: the child's uid cannot read "
                + ", ".join(hello["unreadable"][:3])
                + " (modules not imported before the fork cannot be imported; give others"
                " read and execute permission there, or use a Python outside a private home)"
            )
        return "; ".join(parts)

    def close(self) -> None:
        self.zygote.close()
        restore_modes(self._modes)

    def _spawn(self, slot: int) -> tuple[int, socket.socket, str | None]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        uid = self.first_uid + slot if self.root else None
        workdir = None
        if not self.namespaces:
            workdir = tempfile.mkdtemp(prefix="course-grade-child-")
        lim = self.limits
        config = {
            "kind": "spawn",
            "uid": uid,
            "namespaces": self.namespaces,
            "rebind": [p for p in self.spec.binds if view.inside(p, list(CHILD_TEMP_DIRS))],
            "workdir": workdir,
            "cpu": int(lim.total_timeout) + 1,
            "memory": int(self.zygote.hello["vmsize"]) + lim.memory_mb * 2**20,
            "fsize": lim.fsize_mb * 2**20,
            "nproc": lim.nproc,
        }
        try:
            pid = self.zygote.request(config, theirs.fileno())["pid"]
        finally:
            theirs.close()
        return pid, ours, workdir

    def _kill(self, pid: int, sock: socket.socket, workdir: str | None) -> None:
        """Ask the zygote to kill child ``pid`` (a pid it gave us, never one from the child)."""
        sock.close()
        self.zygote.request({"kind": "kill", "pid": pid})
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    def run(self, slot: int, cells: list[str], calls: list[Call]) -> RunResult:
        """Load ``cells`` in a child, make every call, return one outcome per call.

        A cell that kills the child or outlives the load deadline is left out and the
        notebook is loaded again in a fresh child without it; a call that kills the child or
        times out costs the remaining calls of that function, and the others run in a fresh
        child.
        """
        lim = self.limits
        outcomes: list[Outcome | None] = [None] * len(calls)
        result = RunResult([])
        deadline = time.monotonic() + lim.total_timeout
        skipped: dict[int, str] = {}  # cell number -> why it was left out
        allowance = [MAX_RETURNED]
        while any(o is None for o in outcomes) and time.monotonic() < deadline:
            todo = [i for i, o in enumerate(outcomes) if o is None]
            pid, sock, workdir = self._spawn(slot)
            try:
                channel = Channel(sock, allowance)
                self._session(channel, cells, calls, todo, outcomes, result, skipped, deadline)
            finally:
                self._kill(pid, sock, workdir)
            if result.problem:
                break
        for i, o in enumerate(outcomes):
            if o is None:
                outcomes[i] = Outcome(
                    "timeout", error="the time for this submission ran out before this call"
                )
        result.load_errors = sorted(
            set(result.load_errors)
            | {f"cell {n}: {why}; the grader left it out" for n, why in skipped.items()}
        )
        result.outcomes = outcomes  # type: ignore[assignment]
        return result

    def _load(self, channel, cells, skipped, deadline) -> tuple[list[str] | None, int, str]:
        """Send the cells and wait for ``loaded``: (errors or None, last cell started, why)."""
        lim = self.limits
        current = 0
        until = min(deadline, time.monotonic() + lim.load_timeout)
        try:
            wire.send(
                channel.sock,
                {
                    "kind": "load",
                    "seconds": lim.call_timeout,
                    "forbidden": self.forbidden,
                    "cells": ["" if n in skipped else c for n, c in enumerate(cells, 1)],
                },
            )
            while True:
                header, _ = channel.recv(until)
                if header.get("kind") == "cell" and type(header.get("number")) is int:
                    current = header["number"]
                    continue
                errors = header.get("errors")
                if header.get("kind") != "loaded" or not isinstance(errors, list):
                    raise wire.ChannelError("unexpected message")
                return [wire.text(e, 300) for e in errors[:20]], current, ""
        except wire.ChannelTimeout:
            return None, current, f"did not finish within {lim.load_timeout:g} s"
        except (wire.ChannelError, OSError):
            return None, current, "stopped the Python process or broke its channel"

    def _session(self, channel, cells, calls, todo, outcomes, result, skipped, deadline) -> None:
        """One child's life: load the notebook, make the calls still to do."""
        lim = self.limits
        errors, current, why = self._load(channel, cells, skipped, deadline)
        if errors is None:
            if 0 < current <= len(cells) and current not in skipped:
                skipped[current] = why  # the next child loads the notebook without it
                return
            result.problem = "load-timeout" if "finish" in why else "load-crash"
            message = (
                f"your notebook's code {why} when run top to bottom"
                if result.problem == "load-crash"
                else f"your notebook's code did not finish within {lim.load_timeout:g} s when"
                " run top to bottom (an infinite loop or a long computation?)"
            )
            for i in todo:
                outcomes[i] = Outcome("timeout" if "finish" in why else "crash", error=message)
            return
        result.load_errors = errors
        nonce = secrets.token_hex(8)
        blobs: list[bytes] = []

        def encode(values: list[Any]) -> list[Any]:
            specs, new = wire.encode_values(values)
            for spec in specs:
                if "blob" in spec:
                    spec["blob"] += len(blobs)
            blobs.extend(new)
            return specs

        requests = [
            {
                "id": i,
                "function": calls[i].function,
                "args": encode(calls[i].args),
                "kwarg_names": list(calls[i].kwargs),
                "kwargs": encode(list(calls[i].kwargs.values())),
            }
            for i in todo
        ]
        try:
            wire.send(channel.sock, {"kind": "calls", "nonce": nonce, "calls": requests}, blobs)
        except OSError:
            pass  # a child that closed its end shows up as a crash on the first read
        for i in todo:
            try:
                header, arrays = channel.recv(
                    min(deadline, time.monotonic() + lim.call_timeout + GRACE)
                )
                outcomes[i] = _parse_result(header, arrays, i, nonce)
                continue
            except wire.ChannelTimeout:
                outcomes[i] = Outcome("timeout", error=f"no answer within {lim.call_timeout:g} s")
            except wire.TooLarge:
                outcomes[i] = Outcome(
                    "crash",
                    error=f"your functions sent back more than {MAX_RETURNED // 2**20} MB in all"
                    " (the limit per submission)",
                )
            except (wire.ChannelError, OSError):
                outcomes[i] = Outcome(
                    "crash", error="the process died or sent back something that is not plain data"
                )
            word = "timed out" if outcomes[i].status == "timeout" else "crashed"
            for j in todo:  # the child is gone; this function would most likely do it again
                if outcomes[j] is None and calls[j].function == calls[i].function:
                    outcomes[j] = Outcome(
                        "skipped", error=f"an earlier call of `{calls[i].function}` {word}"
                    )
            return


def _parse_result(header: dict[str, Any], arrays: list[bytes], i: int, nonce: str) -> Outcome:
    if header.get("kind") != "result" or header.get("id") != i or header.get("nonce") != nonce:
        raise wire.ChannelError("out-of-order or forged result")
    status = header.get("status")
    if status not in ("ok", "error", "missing", "timeout", "skipped"):
        raise wire.ChannelError("bad status")
    mutated = header.get("mutated", [])
    if not isinstance(mutated, list) or not all(type(m) is int for m in mutated[:1000]):
        raise wire.ChannelError("bad mutation list")
    return Outcome(
        status,
        error=wire.text(header.get("error", ""), 300),
        type=wire.text(header.get("type", ""), 60),
        values=[wire.bytes_to_array(a) for a in arrays],
        mutated=mutated,
    )
