"""The allow-list: the only files a submission's process can see.

A grading run starts one *zygote* (:mod:`course_utils.grading.child`) inside a fresh root that
holds, read-only, only this interpreter, its standard library, its site-packages, the system's
shared libraries and the ``course_utils`` package (the exercise's forbidden modules covered by
empty files), plus ``/dev``'s harmless devices, a ``/proc`` of its own and an empty ``/tmp``.
Every child the zygote forks inherits that root and adds namespaces of its own.

Two builders make the same view:

- :func:`bwrap_command` — bubblewrap (``bwrap``, Flatpak's sandbox), where installed;
- :func:`enter` — the in-house fallback: new user (when not root), mount, pid, IPC, UTS and
  network namespaces, a tmpfs root filled with read-only bind mounts, ``pivot_root``.

Where the kernel refuses namespaces (Docker, Gradescope) there is no view: the grader makes the
instructor's files root-only and the child drops to a uid of its own; :func:`unreadable` then
names the interpreter's folders that uid cannot reach, for the run's isolation line.
"""

from __future__ import annotations

import ctypes
import os
import signal
import site
import stat
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x4000000, 0x8000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
PR_SET_PDEATHSIG = 1
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
# statvfs flags of a mount that a user namespace may not clear on remount -> mount flags
LOCKED_FLAGS = {os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV, os.ST_NOEXEC: MS_NOEXEC}
LOCKED_FLAGS.update({1024: 1024, 2048: 2048, 4096: 1 << 21})  # noatime, nodiratime, relatime
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}  # syscall numbers
SYSTEM_PREFIXES = ("/", "/usr", "/usr/local")
LIBRARY_DIRS = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32")
SYSTEM_FILES = ("/etc/ld.so.cache",)
DEVICES = ("null", "zero", "full", "random", "urandom")
STAGING = "/tmp"  # where the in-house builder assembles the new root before pivot_root


@dataclass
class View:
    """What the child may see: ``binds`` (read-only, each at its own path), ``links``
    (symbolic link -> target) and ``covers`` (files and folders inside a bind, shown empty)."""

    binds: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    covers: list[str] = field(default_factory=list)


def _outermost(paths: list[str]) -> list[str]:
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def inside(path: str, folders: list[str]) -> bool:
    """Is ``path`` one of ``folders`` or inside one?"""
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def _link_chain(path: str) -> list[tuple[str, str]]:
    """Every ``(link, target)`` met on the way from ``path`` to the file it names."""
    chain = []
    for _ in range(40):
        if not os.path.islink(path):
            break
        target = os.readlink(path)
        chain.append((path, target))
        path = os.path.normpath(os.path.join(os.path.dirname(path), target))
    return chain


def interpreter_folders() -> list[str]:
    """This interpreter's folders: a prefix that is not the system's whole, or else its
    standard library and site-packages one by one (never all of ``/usr``)."""
    folders = []
    for prefix in {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}:
        if os.path.realpath(prefix) not in SYSTEM_PREFIXES:
            folders.append(prefix)
    for scheme in (sysconfig.get_paths(), sysconfig.get_paths(vars={"base": sys.base_prefix})):
        folders += [scheme[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    folders += site.getsitepackages()
    user = site.getusersitepackages()
    if user in sys.path:
        folders.append(user)
    return [os.path.realpath(f) for f in folders if os.path.isdir(f)]


def package_folder() -> str:
    """The ``course_utils`` package's own folder (never the checkout above it)."""
    import course_utils

    return os.path.realpath(os.path.dirname(os.path.abspath(course_utils.__file__)))


def allow_list(covers: list[str], extra: list[str] = ()) -> View:
    """The view of a grading run: the interpreter, libraries, the package, ``extra`` folders;
    the files in ``covers`` (forbidden modules, anything of the instructor's) shown empty."""
    view = View()
    binds = [*interpreter_folders(), package_folder()]
    binds += [os.path.realpath(p) for p in extra if os.path.exists(p)]
    for path in LIBRARY_DIRS:
        if os.path.islink(path):
            view.links[path] = os.readlink(path)
        elif os.path.isdir(path):
            binds.append(path)
    binds += [p for p in SYSTEM_FILES if os.path.isfile(p)]
    for link, target in _link_chain(sys.executable):
        view.links.setdefault(link, target)
    binds.append(os.path.realpath(sys.executable))
    view.binds = _outermost(binds)
    view.links = {k: v for k, v in view.links.items() if not inside(k, view.binds)}
    real = {os.path.realpath(c) for c in covers if os.path.lexists(c)}
    view.covers = sorted(c for c in real if inside(c, view.binds))
    return view


def bwrap_command(view: View, bwrap: str) -> list[str]:
    """bubblewrap's arguments for this view, as root (the program to run follows). The
    zygote keeps root's capabilities inside (it gives each child a uid and namespaces of its
    own); the children drop them."""
    argv = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    argv += ["--unshare-cgroup-try", "--die-with-parent", "--cap-add", "ALL"]
    parents = {str(p) for path in view.binds for p in Path(path).parents if str(p) != "/"}
    for folder in sorted(parents):  # bubblewrap would make them 0700: the child's uid could
        argv += ["--perms", "0755", "--dir", folder]  # not reach what is bound inside
    for path in view.binds:
        argv += ["--ro-bind", path, path]
    for link, target in sorted(view.links.items()):
        argv += ["--symlink", target, link]
    for path in view.covers:
        if os.path.isdir(path):
            argv += ["--perms", "0000", "--tmpfs", path, "--remount-ro", path]
        else:
            argv += ["--ro-bind", "/dev/null", path]
    argv += ["--dev", "/dev", "--proc", "/proc", "--dir", "/tmp", "--remount-ro", "/"]
    return [*argv, "--chdir", "/", "--"]


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
    libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    return libc


def check(result: int, what: str) -> None:
    """Raise :class:`OSError` with the C library's reason when ``result`` is not 0."""
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    """``mount(2)``."""
    check(
        _libc().mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            flags,
            data.encode() or None,
        ),
        f"mount {target}",
    )


def unshare(flags: int) -> None:
    """``unshare(2)``."""
    check(_libc().unshare(flags), "unshare")


def _bind_read_only(handle: int, target: str) -> None:
    if stat.S_ISDIR(os.fstat(handle).st_mode):  # the source may lie under the staging tmpfs
        os.makedirs(target, 0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), 0o755, exist_ok=True)
        with open(target, "w"):
            pass
    mount(f"/proc/self/fd/{handle}", target, None, MS_BIND)
    locked = os.statvfs(target).f_flag
    flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV
    for statvfs_flag, mount_flag in LOCKED_FLAGS.items():
        if locked & statvfs_flag:
            flags |= mount_flag
    mount("none", target, None, flags)


def _build(view: View, root: str) -> None:
    """Fill the tmpfs at ``root`` with the view (the caller is pid 1 of a new pid namespace)."""
    handles = {path: os.open(path, os.O_PATH) for path in view.binds}
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    for path, handle in handles.items():
        _bind_read_only(handle, root + path)
        os.close(handle)
    for link, target in view.links.items():
        os.makedirs(os.path.dirname(root + link), 0o755, exist_ok=True)
        os.symlink(target, root + link)
    for path in view.covers:
        if os.path.isdir(root + path):
            mount(
                "tmpfs", root + path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0"
            )
        else:
            mount("/dev/null", root + path, None, MS_BIND)
    os.makedirs(root + "/dev/shm", 0o755)
    for name in DEVICES:
        with open(f"{root}/dev/{name}", "w"):
            pass
        mount(f"/dev/{name}", f"{root}/dev/{name}", None, MS_BIND)
    os.symlink("/proc/self/fd", f"{root}/dev/fd")
    for path in ("/proc", "/tmp"):
        os.makedirs(root + path, 0o755, exist_ok=True)
    mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount("none", root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _pivot(root: str) -> None:
    libc = _libc()
    os.chdir(root)
    check(libc.syscall(PIVOT_ROOT[os.uname().machine], b".", b"."), "pivot_root")
    check(libc.umount2(b".", MNT_DETACH), "umount the old root")
    os.chdir("/")


def enter(view: View) -> None:
    """In-house builder: enter new namespaces and the view; return as pid 1 of a new pid
    namespace (the calling process stays outside, waits, and exits with its status).

    Not root, this also enters a user namespace mapping only our own uid and gid (which is
    what lets us mount). The returned process dies when the one that waits for it does.
    """
    if os.uname().machine not in PIVOT_ROOT:
        raise OSError(f"pivot_root: unknown syscall number on {os.uname().machine}")
    os.umask(0o022)  # the view's folders must let the child's uid through
    uid, gid, rootless = os.getuid(), os.getgid(), os.geteuid() != 0
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    unshare(flags | (CLONE_NEWUSER if rootless else 0))
    if rootless:
        with open("/proc/self/setgroups", "w") as handle:
            handle.write("deny")
        with open("/proc/self/uid_map", "w") as handle:
            handle.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as handle:
            handle.write(f"{gid} {gid} 1")
    mount("none", "/", None, MS_REC | MS_PRIVATE)
    pid = os.fork()
    if pid:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.closerange(3, 1 << 16)  # the channels belong to the new process only
        _, status = os.waitpid(pid, 0)
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    _build(view, STAGING)
    _pivot(STAGING)


def unreadable(view: View) -> list[str]:
    """The folders of ``view`` a uid that owns nothing and has no groups cannot read (without
    namespaces such a uid sees the host's files, so each ancestor must let "others" in)."""
    blocked = []
    for path in view.binds:
        parts = path.split("/")
        for depth in range(2, len(parts) + 1):
            ancestor = "/".join(parts[:depth]) or "/"
            mode = os.stat(ancestor).st_mode
            need = stat.S_IXOTH if ancestor != path or stat.S_ISDIR(mode) else 0
            need |= stat.S_IROTH if ancestor == path else 0
            if mode & need != need:
                blocked.append(f"{ancestor} (mode {stat.S_IMODE(mode):o})")
                break
    return sorted(set(blocked))
