"""Run (grader side): start the zygote, spawn one confined child per submission, talk to it.

The grader process never executes student code. It hands the child the notebook's code and
the calls to make, reads back plain data with deadlines, and kills the child's process group
(and, as root, every process of the child's uid) when done. A call that hangs or kills the
child costs that call, and the remaining calls of the same function; the other functions run
in a fresh child.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import wire
from .child import CHILD_ENV, interpreter_paths
from .outcome import Outcome
from .spec import Call

GRACE = 1.0  # seconds the grader waits beyond the child's own timer before killing it
MAX_JOBS = 256


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
    nproc: int = 16  # processes and threads of the child's uid (root only)


@dataclass
class RunResult:
    """What came back from one submission's child(ren)."""

    outcomes: list[Outcome]
    load_errors: list[str] = field(default_factory=list)
    problem: str = ""  # "load-timeout", "load-crash", "" when the notebook loaded


class Zygote:
    """The pre-warmed process (``course_utils.grading.child``) that forks the children."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self.hello: dict[str, Any] = {}
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**CHILD_ENV, "PYTHONPATH": package_root, "PYTHONDONTWRITEBYTECODE": "1"}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "course_utils.grading.child", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=env,
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()
        self._sock = ours
        self._sock.settimeout(120)
        self.hello = json.loads(self._sock.recv(1 << 16))

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
                        raise ConnectionError("zygote closed")
                    return json.loads(reply)
                except (OSError, ValueError):
                    if attempt == 2:
                        raise
                    self.close()
                    self._start()  # killed or confused: start a new one and retry once
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._proc is not None:
            self._sock.close()
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self._proc.wait()
            self._proc = None


class Sandbox:
    """Spawns confined children through a zygote; one instance per grading run."""

    def __init__(
        self,
        hide: list[Path],
        limits: Limits | None = None,
        namespaces: bool = True,
        forbidden: dict[str, str] | None = None,
    ) -> None:
        """``namespaces=False`` uses plain limits even where namespaces work (for tests and
        for a machine where they misbehave). ``forbidden`` maps modules the submission may not
        import to what the exercise asks the student to write instead."""
        self.limits = limits or Limits()
        self.forbidden = dict(forbidden or {})
        self.hide = [str(Path(p).resolve()) for p in hide]
        self.keep = interpreter_paths()  # bound back into the child's private /tmp if inside
        self.zygote = Zygote()
        self.root = bool(self.zygote.hello["root"])
        self.namespaces = namespaces and bool(self.zygote.hello["namespaces"])
        self.first_uid = uid_base(os.getpid())
        self._inner_pid: dict[int, int] = {}  # worker thread -> rootless child's outer pid

    def describe(self) -> str:
        """One line for the run's log: which isolation this machine gives."""
        parts = [
            "own session, process group killed afterwards",
            "wall-clock timeouts",
            "rlimits (CPU, address space, file size, open files, processes)",
        ]
        if self.root:
            parts.insert(0, f"unprivileged uid per worker ({self.first_uid}+)")
        if self.namespaces:
            kinds = "mount+network" if self.root else "user+pid+mount+network (rootless)"
            parts.insert(
                0,
                f"{kinds} namespaces: instructor files, submissions and gradebook"
                " hidden, private /tmp, no network",
            )
        else:
            parts.append(
                "NO namespaces (the kernel refused them): plain limits only"
                + ("" if self.root else ", and the child runs as this user")
            )
        if shutil.which("bwrap"):
            parts.append("bwrap present but not needed")
        return "; ".join(parts)

    def close(self) -> None:
        self.zygote.close()

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
            "hide": self.hide,
            "keep": self.keep,
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

    def _kill(self, pid: int, sock: socket.socket, workdir: str | None, slot: int) -> None:
        sock.close()
        inner = self._inner_pid.pop(threading.get_ident(), None)
        for target in [inner] if inner and inner > 1 else []:
            try:  # rootless: pid 1 of the child's pid namespace; its death ends the namespace
                os.kill(target, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        if self.root:
            self.zygote.request({"kind": "reap", "uid": self.first_uid + slot})
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
        while any(o is None for o in outcomes) and time.monotonic() < deadline:
            todo = [i for i, o in enumerate(outcomes) if o is None]
            pid, sock, workdir = self._spawn(slot)
            try:
                self._session(sock, cells, calls, todo, outcomes, result, skipped, deadline)
            finally:
                self._kill(pid, sock, workdir, slot)
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

    def _load(self, sock, cells, skipped, deadline) -> tuple[list[str] | None, int, str]:
        """Send the cells and wait for ``loaded``: (errors or None, last cell started, why)."""
        lim = self.limits
        current = 0
        until = min(deadline, time.monotonic() + lim.load_timeout)
        try:
            wire.send(
                sock,
                {
                    "kind": "load",
                    "seconds": lim.call_timeout,
                    "forbidden": self.forbidden,
                    "cells": ["" if n in skipped else c for n, c in enumerate(cells, 1)],
                },
            )
            while True:
                header, _ = wire.recv(sock, until)
                if header.get("kind") == "cell" and type(header.get("number")) is int:
                    current = header["number"]
                    continue
                if header.get("kind") == "pid" and type(header.get("pid")) is int:
                    self._inner_pid[threading.get_ident()] = header["pid"]
                    continue
                errors = header.get("errors")
                if header.get("kind") != "loaded" or not isinstance(errors, list):
                    raise wire.ChannelError("unexpected message")
                return [str(e)[:300] for e in errors[:20]], current, ""
        except wire.ChannelTimeout:
            return None, current, f"did not finish within {lim.load_timeout:g} s"
        except (wire.ChannelError, OSError):
            return None, current, "stopped the Python process or broke its channel"

    def _session(self, sock, cells, calls, todo, outcomes, result, skipped, deadline) -> None:
        """One child's life: load the notebook, make the calls still to do."""
        lim = self.limits
        errors, current, why = self._load(sock, cells, skipped, deadline)
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
            wire.send(sock, {"kind": "calls", "nonce": nonce, "calls": requests}, blobs)
        except OSError:
            pass  # a child that closed its end shows up as a crash on the first read
        for i in todo:
            try:
                header, arrays = wire.recv(
                    sock, min(deadline, time.monotonic() + lim.call_timeout + GRACE)
                )
                outcomes[i] = _parse_result(header, arrays, i, nonce)
                continue
            except wire.ChannelTimeout:
                outcomes[i] = Outcome("timeout", error=f"no answer within {lim.call_timeout:g} s")
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
    if not isinstance(mutated, list) or not all(type(m) is int for m in mutated):
        raise wire.ChannelError("bad mutation list")
    return Outcome(
        status,
        error=str(header.get("error", ""))[:300],
        type=str(header.get("type", ""))[:60],
        values=[wire.bytes_to_array(a) for a in arrays],
        mutated=mutated,
    )
