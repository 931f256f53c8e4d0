"""Run: the only code that executes a student's notebook, in a sandboxed child process.

``python -m course_utils.grading.child FD`` starts a *zygote*: a process that imports NumPy
once and then, for each submission the grader asks about, forks a fresh child. The child

1. starts a new session (so the grader can kill its whole process group);
2. enters new namespaces when the kernel allows it: as root, mount and network namespaces;
   as any other user, also a user namespace and a pid namespace (so it can mount, sees no
   other process and can signal none). The exercise folder, the submissions folder and the
   gradebook are covered by empty read-only mounts, ``/tmp`` is a small private tmpfs, there
   is no network;
3. works in an empty temporary directory, with limits on CPU time, address space, file size,
   open files and processes, then drops to an unprivileged uid of its own (as root) or drops
   every capability (rootless);
4. forgets the modules the exercise forbids (``FORBIDDEN_IMPORTS`` in its ``checks.py``, such
   as ``course_utils.losses`` for an exercise that asks for ``mse``) and puts a finder first
   on ``sys.meta_path`` that refuses them with a sentence saying why (with namespaces, their
   files are also covered, so loading them by path finds nothing either);
5. execs the notebook's code cells one by one (errors are recorded, the next cell still runs),
   then calls the requested functions on the inputs it receives and sends back plain data
   (:mod:`course_utils.grading.wire`), one message per call.

The reference solution, the checks and the gradebook never enter this process.
"""

from __future__ import annotations

import builtins
import ctypes
import glob
import importlib.abc
import importlib.util
import json
import os
import resource
import select
import signal
import socket
import sys
import time
from typing import Any

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = (
    0x20000,
    0x10000000,
    0x20000000,
    0x40000000,
)
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC = 1, 2, 4, 8, 4096, 16384
MS_PRIVATE = 1 << 18
MS_REMOUNT = 32
TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def interpreter_paths() -> list[str]:
    """What a child must still read: this interpreter's prefixes, its site-packages and the
    course package's own folder (never the folder above it, which holds the exercises)."""
    import site
    import sysconfig

    import course_utils

    paths = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix]
    paths += list(sysconfig.get_paths().values()) + list(site.getsitepackages())
    paths.append(os.path.dirname(os.path.abspath(course_utils.__file__)))
    return paths


def _under_temp_dirs(paths: list[str]) -> list[str]:
    """The existing folders among ``paths`` that a private /tmp (or /var/tmp, /dev/shm) would
    cover, outermost only."""
    inside = sorted(
        {
            real
            for real in (os.path.realpath(p) for p in paths if p)
            if os.path.isdir(real) and any(real.startswith(t + "/") for t in TEMP_DIRS)
        }
    )
    kept: list[str] = []
    for path in inside:
        if not any(path.startswith(k + "/") for k in kept):
            kept.append(path)
    return kept


CHILD_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
    "COURSE_GRADE_CHILD": "1",
}


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
    return libc


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(libc, source: str, target: str, fstype: str | None, flags: int, data: str = ""):
    _check(
        libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() or None,
        ),
        f"mount {target}",
    )


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _unshare(libc: ctypes.CDLL, rootless: bool) -> None:
    """As root: new mount and network namespaces. Otherwise also a user namespace (mapping
    only our own uid and gid) and a pid namespace, which is what lets a non-root user mount."""
    if not rootless:
        _check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare")
        return
    uid, gid = os.getuid(), os.getgid()
    _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def enter_namespaces(
    hide: list[str],
    tmp_bytes: int,
    rootless: bool,
    sock: socket.socket | None = None,
    keep: list[str] | None = None,
) -> None:
    """New namespaces; cover ``hide`` with empty read-only mounts; a private ``/tmp``.

    Folders in ``keep`` that live under a temp folder (a virtual environment in /tmp, as on
    many CI machines) are bound back, read-only where the kernel allows, into the private
    /tmp: without them NumPy's lazily imported parts (``numpy.ma`` behind ``np.median``)
    would fail to import. Only those folders come back, not their parents.

    Rootless, this forks once more: the new process is pid 1 of a fresh pid namespace (it sees
    no other process and can signal none outside), with its own ``/proc``; the process in
    between tells the grader the new process's pid over ``sock`` (so the grader can kill it,
    and with it the whole namespace, even if it leaves the process group), then only waits;
    its own death also kills the new one (``PR_SET_PDEATHSIG``).
    """
    libc = _libc()
    _unshare(libc, rootless)
    _mount(libc, "none", "/", None, MS_REC | MS_PRIVATE)
    for path in hide:
        if os.path.isdir(path):
            _mount(
                libc, "tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0"
            )
        elif os.path.exists(path):
            _mount(libc, "/dev/null", path, None, MS_BIND)
    handles = [(path, os.open(path, os.O_PATH)) for path in _under_temp_dirs(keep or [])]
    for path in TEMP_DIRS:
        if os.path.isdir(path):
            _mount(
                libc, "tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_bytes},mode=1777"
            )
    for path, handle in handles:
        os.makedirs(path, exist_ok=True)
        _mount(libc, f"/proc/self/fd/{handle}", path, None, MS_BIND | MS_REC)
        try:
            _mount(libc, "none", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
        except OSError:
            pass  # a user namespace may refuse the read-only remount; the bind still stands
        os.close(handle)
    if rootless:
        pid = os.fork()
        if pid:
            from . import wire

            if sock is not None:
                wire.send(sock, {"kind": "pid", "pid": pid})
            os.closerange(3, 1 << 16)  # the channel belongs to the new process only
            os.waitpid(pid, 0)
            os._exit(0)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        _mount(libc, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


def drop_capabilities() -> None:
    """No capabilities, and no way to gain any (a user namespace grants them all)."""
    libc = _libc()
    _check(libc.capset(ctypes.byref(_CapHeader(0x20080522, 0)), (_CapData * 2)()), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")


def processes_of(uid: int) -> int:
    """How many processes ``uid`` has now (a rootless child's process limit is this + some)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += os.stat(f"/proc/{entry}").st_uid == uid
            except OSError:
                pass
    return count


def probe_namespaces() -> bool:
    """Can this process create the namespaces :func:`enter_namespaces` needs? (tried in a
    throwaway fork, so nothing here changes)"""
    pid = os.fork()
    if pid == 0:
        try:
            libc = _libc()
            _unshare(libc, os.geteuid() != 0)
            _mount(libc, "none", "/", None, MS_REC | MS_PRIVATE)
            _mount(libc, "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k")
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def confine(config: dict[str, Any], sock: socket.socket | None = None) -> None:
    """Everything between the fork and the first line of student code."""
    os.setsid()
    uid = config.get("uid")
    rootless = os.geteuid() != 0
    nproc = processes_of(os.getuid()) + config["nproc"] if rootless else config["nproc"]
    if config.get("namespaces"):
        enter_namespaces(config["hide"], config["fsize"], rootless, sock, config.get("keep"))
        workdir = "/tmp/work"
        os.mkdir(workdir, 0o700)
    else:
        workdir = config["workdir"]
    if uid is not None:
        os.chown(workdir, uid, uid)
    os.chdir(workdir)
    limits = [
        (resource.RLIMIT_CPU, config["cpu"]),
        (resource.RLIMIT_AS, config["memory"]),
        (resource.RLIMIT_FSIZE, config["fsize"]),
        (resource.RLIMIT_NOFILE, 64),
        (resource.RLIMIT_CORE, 0),
    ]
    limits.append((resource.RLIMIT_NPROC, nproc))
    for which, value in limits:
        resource.setrlimit(which, (value, value))
    if uid is not None:  # root: to a uid of its own, which drops every capability
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    elif config.get("namespaces"):
        drop_capabilities()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.environ.clear()
    os.environ.update(CHILD_ENV, HOME=workdir, TMPDIR=workdir)
    sys.argv = ["submission"]
    sys.path[:] = [p for p in sys.path if p and os.path.isdir(p)]
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _covers(module: str, name: str) -> bool:
    return name == module or name.startswith(module + ".")


class ForbiddenImports(importlib.abc.MetaPathFinder):
    """A meta-path finder that refuses the exercise's forbidden modules (and submodules)."""

    def __init__(self, rules: dict[str, str]) -> None:
        self.rules = dict(rules)

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        for module, what in self.rules.items():
            if _covers(module, fullname):
                raise ImportError(
                    f"`{module}` cannot be imported in this exercise: it asks you to write"
                    f" {what} yourself",
                    name=fullname,
                )
        return None


def forbid_imports(rules: dict[str, str]) -> None:
    """Drop already-imported forbidden modules, then refuse any import of them."""
    if not rules:
        return
    for name in list(sys.modules):
        if any(_covers(module, name) for module in rules):
            del sys.modules[name]
            parent, _, attribute = name.rpartition(".")
            if parent in sys.modules and hasattr(sys.modules[parent], attribute):
                delattr(sys.modules[parent], attribute)
    sys.meta_path.insert(0, ForbiddenImports(rules))


def module_files(modules: dict[str, str] | list[str]) -> list[str]:
    """The source file (a package's folder) and cached bytecode of each module, to hide."""
    files = []
    for module in modules:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.origin or not os.path.exists(spec.origin):
            continue
        origin = spec.origin
        if spec.submodule_search_locations:
            files.append(os.path.dirname(origin))
            continue
        folder, stem = os.path.split(origin)
        files.append(origin)
        files += sorted(glob.glob(os.path.join(folder, "__pycache__", stem[:-3] + ".*.pyc")))
    return files


class _Alarm(BaseException):
    """Raised in student code when its time is up (SIGALRM)."""


CATCH = (Exception, SystemExit, KeyboardInterrupt, GeneratorExit)  # everything but _Alarm


def _alarm(signum: int, frame: Any) -> None:
    raise _Alarm()


def _timed(seconds: float, action: Any, *args: Any) -> tuple[bool, Any]:
    """Run ``action(*args)`` under a timer: ``(True, its result)``, or ``(False, None)``."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return True, action(*args)
    except _Alarm:
        return False, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


class Builtins:
    """Two sets of builtins: the student's (whatever their code rebinds) and the grader's.

    The student's set is in place while their code runs, the grader's while the child talks
    to the grader, so ``builtins.sum = ...`` in a notebook changes what the notebook sees but
    cannot break the channel that carries its answers.
    """

    def __init__(self) -> None:
        self.grader = dict(builtins.__dict__)
        self.student = dict(self.grader)

    @staticmethod
    def _install(table: dict[str, Any]) -> None:
        current = builtins.__dict__
        for key in [k for k in current if k not in table]:
            del current[key]
        current.update(table)

    def enter(self) -> None:
        self._install(self.student)

    def leave(self) -> None:
        self.student = dict(builtins.__dict__)
        self._install(self.grader)


def serve(sock: socket.socket) -> None:
    """Load the notebook's cells, then answer call requests until told to stop.

    Each cell and each call runs under a SIGALRM timer, so a slow cell is skipped (the next
    cell still runs) and a slow call becomes a ``timeout`` outcome; a student who blocks the
    signal is stopped by the grader's own deadline instead.
    """
    from . import wire
    from .outcome import Outcome, invoke, one_line, resolve
    from .probes import PROBES

    table = Builtins()
    probes = dict(PROBES)  # taken before any student code runs
    me = os.getpid()

    def back_in_grader_code() -> None:
        """A copy made by the student's ``os.fork()`` leaves as soon as it gets back here."""
        table.leave()
        if os.getpid() != me:
            os._exit(0)

    header, _ = wire.recv(sock)
    seconds = float(header["seconds"])
    forbid_imports(header.get("forbidden") or {})
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    errors = []
    for number, code in enumerate(header["cells"], 1):
        if not code:
            continue
        wire.send(sock, {"kind": "cell", "number": number})

        def run_cell(code=code, number=number) -> None:
            try:
                exec(compile(code, f"<cell {number}>", "exec"), namespace)
            except CATCH as error:
                errors.append(f"cell {number}: {one_line(error)}")

        table.enter()
        finished = _timed(seconds, run_cell)[0]
        back_in_grader_code()
        if not finished:
            errors.append(f"cell {number}: did not finish within {seconds:g} s; skipped")
    wire.send(sock, {"kind": "loaded", "errors": errors[:20]})
    slow: set[str] = set()
    earlier: dict[int, Outcome] = {}  # call id -> outcome, for later calls' Result arguments
    while True:
        header, blobs = wire.recv(sock)
        if header.get("kind") != "calls":
            os._exit(0)
        for call in header["calls"]:
            fn = call["function"]
            args = wire.decode_values(call["args"], blobs)
            kwargs = dict(
                zip(call["kwarg_names"], wire.decode_values(call["kwargs"], blobs), strict=True)
            )
            try:
                args = resolve(args, earlier, probes)
                kwargs = dict(
                    zip(kwargs, resolve(list(kwargs.values()), earlier, probes), strict=True)
                )
                waiting = ""
            except (LookupError, KeyError) as error:
                waiting = one_line(error)
            if fn in slow:
                outcome = Outcome("skipped", error=f"an earlier call of `{fn}` timed out")
            elif waiting:
                outcome = Outcome("skipped", error=waiting)
            else:
                table.enter()
                finished, outcome = _timed(seconds, invoke, namespace, fn, args, kwargs, CATCH)
                back_in_grader_code()
                if not finished:
                    slow.add(fn)
                    outcome = Outcome("timeout", error=f"no answer within {seconds:g} s")
            earlier[call["id"]] = outcome
            arrays = [wire.array_to_bytes(v) for v in outcome.values]
            wire.send(
                sock,
                {
                    "kind": "result",
                    "id": call["id"],
                    "nonce": header["nonce"],
                    "status": outcome.status,
                    "error": outcome.error,
                    "type": outcome.type,
                    "mutated": outcome.mutated,
                },
                arrays,
            )


def run_child(fd: int, config: dict[str, Any]) -> None:
    """The forked child: confine, serve, exit. Never returns."""
    code = 0
    try:
        sock = socket.socket(fileno=fd)
        confine(config, sock)
        serve(sock)
    except BaseException:
        code = 1
    os._exit(code)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_uid(uid: int) -> None:
    """Kill every process of ``uid`` (from a fork that becomes that uid: kill(-1) reaches
    exactly the processes it may signal, its own)."""
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            try:
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)
            except BaseException:
                pass
            os._exit(0)
        os.waitpid(pid, 0)


def zygote(control_fd: int) -> None:
    """Serve spawn requests from the grader over the control socket (see the module doc)."""
    import numpy
    import numpy.linalg  # noqa: F401

    from . import outcome, probes, wire  # noqa: F401

    control = socket.socket(fileno=control_fd)
    with open("/proc/self/status") as status:
        vm = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    hello = {"namespaces": probe_namespaces(), "root": os.geteuid() == 0, "vmsize": vm}
    control.send(json.dumps(hello).encode())
    while True:
        ready, _, _ = select.select([control], [], [], 1.0)
        _reap()
        if not ready:
            continue
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
        if not message:
            os._exit(0)
        request = json.loads(message)
        if request["kind"] == "reap":
            kill_uid(request["uid"])
            control.send(b'{"pid": 0}')
            continue
        pid = os.fork()  # a spawn request carries the child's channel as its one fd
        if pid == 0:
            control.close()
            run_child(fds[0], request)
        os.close(fds[0])
        control.send(json.dumps({"pid": pid, "time": time.time()}).encode())


if __name__ == "__main__":
    zygote(int(sys.argv[1]))
