# CaT Curator sandbox harness: the per-pack "zygote" that runs inside bubblewrap.
#
# Started as `python3 -I -S -B -X utf8 harness.py zygote|inspect` inside a bwrap sandbox
# (see index.ts for the threat model). It imports the pack's env.py and calls load_state()
# ONCE, then for every case forks:
#   1. a case child (copy-on-write, so its state is a fresh load_state() for free) that runs the
#      case under a seccomp filter and reports the state it reached as a diff against the
#      pristine state, and
#   2. after the case child is dead, a verifier child forked from the still-pristine zygote
#      that applies that diff to its own pristine copy and calls verify().
# The zygote itself never runs task code; it only moves bytes between children and the host.
#
# Channels: fd 0 = commands from the host, fd 3 = replies to the host (both length-prefixed
# JSON frames). Children never keep fd 0 or fd 3: a case cannot talk to the host, and its only
# way to influence its verdict is the (diffed, JSON-decoded) state and messages it leaves.

import builtins
import ctypes
import errno
import gc
import hashlib
import inspect
import json
import linecache
import marshal
import mmap
import os
import re
import reprlib
import resource
import select
import signal
import struct
import sys
import time
import traceback
from array import array
from base64 import b64decode, b64encode
from collections.abc import Mapping

# Keep private references: pack code runs in this process and children may patch modules,
# but the harness' own bookkeeping should keep using the originals.
_dumps = marshal.dumps
_json_dumps = json.dumps
_json_loads = json.loads
_fork = os.fork
_os_write = os.write
_os_read = os.read
_monotonic = time.monotonic
_exit = os._exit

CMD_FD = 0
REPLY_FD = 3
CHILD_RESULT_FD = 3
PACK_ROOT = os.getcwd()

MAX_COMMAND_BYTES = 256 << 20
# The host refuses a bigger frame and kills the zygote (zygote.ts MAX_FRAME_BYTES): every reply is
# fitted under it here, whatever the case printed or reported.
MAX_FRAME_BYTES = 8 << 20
# What a case reports about itself (messages shown, tool calls) is bounded in count and in bytes
# of JSON, first by the case process and again by the zygote, which cannot trust it.
MAX_HEADER_BYTES = 4 << 20
MAX_MESSAGES_SHOWN = 200
MAX_MESSAGE_SHOWN_CHARS = 8000
MAX_MESSAGES_BYTES = 1 << 20
MAX_TOOL_CALLS_SHOWN = 500
MAX_TOOL_ARGS_CHARS = 4000
MAX_TOOL_CALLS_BYTES = 1 << 20
MAX_REPR_CHARS = 2000
MAX_TRACEBACK_CHARS = 20000
MAX_SCHEMAS_BYTES = 1 << 20
MAX_SCHEMA_DEPTH = 64
OUTPUT_GRACE_S = 0.25
MAX_FDS = 4096  # the zygote's RLIMIT_NOFILE: every fd a child could inherit is below it
# RLIMIT_NPROC counts every process and thread of the sandbox's uid in the sandbox's own user
# namespace (kernel >= 5.14), i.e. this whole sandbox: bwrap's init, the zygote, the one child it
# runs and all their threads. The host makes sure that uid is not host root, for which the kernel
# ignores the limit. 128 leaves room for the thread pools real code starts (concurrent.futures
# defaults to at most 32 workers) while keeping a sandbox to a few MiB of kernel memory and PIDs;
# with RLIMIT_AS at its default 1 GiB, a case runs out of address space for 8 MiB thread stacks
# well before that anyway, unless it shrinks them (threading.stack_size), which is what this stops.
MAX_TASKS = 128
ZYGOTE_LIMITS = (
    # the pack's own code runs here too: bound what it can take from the host
    (resource.RLIMIT_AS, 8 << 30),
    (resource.RLIMIT_NOFILE, MAX_FDS),
    (resource.RLIMIT_FSIZE, 64 << 20),
    (resource.RLIMIT_CORE, 0),
    (resource.RLIMIT_NPROC, MAX_TASKS),
)

# ---------------------------------------------------------------------------------------------
# framing


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        n = _os_write(fd, view)
        view = view[n:]


def encode_frame(obj):
    return _json_dumps(obj, ensure_ascii=True, allow_nan=False, default=str).encode("ascii")


def fit_frame(obj):
    """The frame's bytes, under MAX_FRAME_BYTES: printed output is what can still be too big here
    (non-ASCII and control characters grow up to 12-fold as JSON escapes), so it is cut first."""
    body = encode_frame(obj)
    if len(body) <= MAX_FRAME_BYTES:
        return body
    for _ in range(4):
        keys = [k for k in ("stdout", "stderr") if isinstance(obj.get(k), str) and obj[k]]
        if not keys:
            break
        sizes = {k: len(encode_frame(obj[k])) for k in keys}
        room = MAX_FRAME_BYTES - (len(body) - sum(sizes.values())) - 4096
        obj = dict(obj)
        for k in keys:
            text, share = obj[k], max(room, 0) // len(keys)
            if sizes[k] > share:
                keep = int(len(text) * share / sizes[k] * 0.9)
                obj[k] = text[:keep] + f"\n…[{len(text) - keep} more characters cut to fit the reply]"
        body = encode_frame(obj)
        if len(body) <= MAX_FRAME_BYTES:
            return body
    err = simple_error("SandboxError", f"the reply was {fmt_size(len(body))}, over the "
                       f"{fmt_size(MAX_FRAME_BYTES)} limit", "case")
    if obj.get("t") == "ready":
        return encode_frame({"t": "pack_error", "error": err})
    return encode_frame({"t": obj.get("t"), "id": obj.get("id"), "outcome": "error", "caseError": err,
                         "ok": False, "error": err})


def send_frame(fd, obj):
    body = fit_frame(obj)
    _write_all(fd, struct.pack(">I", len(body)) + body)


def _read_exact(fd, n):
    chunks = []
    while n:
        chunk = _os_read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(fd):
    head = _read_exact(fd, 4)
    if head is None:
        return None
    (n,) = struct.unpack(">I", head)
    if n > MAX_COMMAND_BYTES:
        raise ValueError("command frame too large")
    body = _read_exact(fd, n)
    if body is None:
        return None
    return _json_loads(body)


# ---------------------------------------------------------------------------------------------
# seccomp (defence in depth behind the namespaces: no exec, no new processes, no network, no
# file writes, no signals or ptrace towards the zygote)

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
RET_ALLOW = 0x7FFF0000
RET_KILL_PROCESS = 0x80000000
EPERM, EACCES, ENOSYS = 1, 13, 38


def RET_ERRNO(e):
    return 0x00050000 | e


ARCHES = {
    # machine: (AUDIT_ARCH, syscall numbers)
    "x86_64": (0xC000003E, dict(
        open=2, creat=85, socket=41, clone=56, fork=57, vfork=58, execve=59, execveat=322,
        kill=62, tkill=200, tgkill=234, rt_sigqueueinfo=129, rt_tgsigqueueinfo=297,
        truncate=76, rename=82, mkdir=83, rmdir=84, link=86, unlink=87, symlink=88, chmod=90,
        fchmod=91, chown=92, fchown=93, lchown=94, mknod=133, utime=132, utimes=235,
        futimesat=261, ptrace=101, setpgid=109, setsid=112, uselib=134, personality=135,
        setpriority=141, sched_setparam=142, sched_setscheduler=144, sched_setaffinity=203,
        pivot_root=155, chroot=161, acct=163, mount=165, umount2=166, swapon=167, swapoff=168,
        reboot=169, sethostname=170, setdomainname=171, iopl=172, ioperm=173, init_module=175,
        delete_module=176, quotactl=179, setxattr=188, lsetxattr=189, fsetxattr=190,
        removexattr=197, lremovexattr=198, fremovexattr=199, syslog=103, mbind=237,
        kexec_load=246, add_key=248, request_key=249, keyctl=250, ioprio_set=251,
        migrate_pages=256, openat=257, mkdirat=258, mknodat=259, fchownat=260, unlinkat=263,
        renameat=264, linkat=265, symlinkat=266, fchmodat=268, unshare=272, move_pages=279,
        utimensat=280, perf_event_open=298, fanotify_init=300, prlimit64=302,
        name_to_handle_at=303, open_by_handle_at=304, setns=308, process_vm_readv=310,
        process_vm_writev=311, finit_module=313, renameat2=316, kexec_file_load=320, bpf=321,
        userfaultfd=323, pidfd_send_signal=424, io_uring_setup=425, io_uring_enter=426,
        io_uring_register=427, open_tree=428, move_mount=429, fsopen=430, fsconfig=431,
        fsmount=432, fspick=433, pidfd_open=434, clone3=435, openat2=437, pidfd_getfd=438,
        process_madvise=440, mount_setattr=442, memfd_secret=447, fchmodat2=452,
        shmget=29, shmat=30, shmctl=31, shmdt=67, semget=64, semop=65, semctl=66,
        semtimedop=220, msgget=68, msgsnd=69, msgrcv=70, msgctl=71, mq_open=240,
        mq_unlink=241, mq_timedsend=242, mq_timedreceive=243, mq_notify=244,
        mq_getsetattr=245, fcntl=72, ioctl=16, sched_setattr=314,
    )),
    "aarch64": (0xC00000B7, dict(
        socket=198, clone=220, execve=221, execveat=281, kill=129, tkill=130, tgkill=131,
        rt_sigqueueinfo=138, rt_tgsigqueueinfo=240, truncate=45, fchmod=52, fchown=55,
        utimensat=88, ptrace=117, setpgid=154, setsid=157, personality=92, setpriority=140,
        sched_setparam=118, sched_setscheduler=119, sched_setaffinity=122, pivot_root=41,
        chroot=51, acct=89, mount=40, umount2=39, swapon=224, swapoff=225, reboot=142,
        sethostname=161, setdomainname=162, init_module=105, delete_module=106, quotactl=60,
        setxattr=5, lsetxattr=6, fsetxattr=7, removexattr=14, lremovexattr=15,
        fremovexattr=16, syslog=116, mbind=235, kexec_load=104, add_key=217, request_key=218,
        keyctl=219, ioprio_set=30, migrate_pages=238, openat=56, mkdirat=34, mknodat=33,
        fchownat=54, unlinkat=35, renameat=38, linkat=37, symlinkat=36, fchmodat=53,
        unshare=97, move_pages=239, perf_event_open=241, fanotify_init=262, prlimit64=261,
        name_to_handle_at=264, open_by_handle_at=265, setns=268, process_vm_readv=270,
        process_vm_writev=271, finit_module=273, renameat2=276, kexec_file_load=294, bpf=280,
        userfaultfd=282, pidfd_send_signal=424, io_uring_setup=425, io_uring_enter=426,
        io_uring_register=427, open_tree=428, move_mount=429, fsopen=430, fsconfig=431,
        fsmount=432, fspick=433, pidfd_open=434, clone3=435, openat2=437, pidfd_getfd=438,
        process_madvise=440, mount_setattr=442, memfd_secret=447, fchmodat2=452,
        shmget=194, shmat=196, shmctl=195, shmdt=197, semget=190, semop=193, semctl=191,
        semtimedop=192, msgget=186, msgsnd=189, msgrcv=188, msgctl=187, mq_open=180,
        mq_unlink=181, mq_timedsend=182, mq_timedreceive=183, mq_notify=184,
        mq_getsetattr=185, fcntl=25, ioctl=29, sched_setattr=274,
    )),
}

# Syscalls nobody in the sandbox needs, zygote included (the pack's env.py runs in the zygote).
DENY_ALWAYS = [
    "execve", "execveat", "uselib", "ptrace", "process_vm_readv", "process_vm_writev",
    "personality", "pivot_root", "chroot", "acct", "mount", "umount2", "swapon", "swapoff",
    "reboot", "sethostname", "setdomainname", "iopl", "ioperm", "init_module", "delete_module",
    "finit_module", "quotactl", "syslog", "kexec_load", "kexec_file_load", "add_key",
    "request_key", "keyctl", "unshare", "setns", "perf_event_open", "fanotify_init",
    "name_to_handle_at", "open_by_handle_at", "bpf", "userfaultfd", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "open_tree", "move_mount", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr", "pidfd_getfd", "memfd_secret", "process_madvise",
    # SysV and POSIX IPC objects outlive the process that made them (they belong to the zygote's
    # IPC namespace): one task could leave data for another, and segments are not counted in any
    # process's RLIMIT_AS
    "shmget", "shmat", "shmctl", "shmdt", "semget", "semop", "semctl", "semtimedop", "msgget",
    "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
    "mq_notify", "mq_getsetattr",
]
# Additionally denied to case and verifier children: new processes, signals to others,
# filesystem writes, scheduling changes of other processes.
DENY_CHILD = [
    "fork", "vfork", "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    "pidfd_open", "pidfd_send_signal", "creat", "truncate", "rename", "renameat", "renameat2",
    "mkdir", "mkdirat", "rmdir", "link", "linkat", "unlink", "unlinkat", "symlink",
    "symlinkat", "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown",
    "fchownat", "mknod", "mknodat", "utime", "utimes", "futimesat", "utimensat", "setxattr",
    "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "setpgid",
    "setsid", "setpriority", "sched_setparam", "sched_setscheduler", "sched_setattr",
    "sched_setaffinity", "ioprio_set", "mbind", "migrate_pages", "move_pages",
]
# fcntl()/ioctl() commands that name a process to receive SIGIO/SIGURG (or any signal, F_SETSIG):
# a way to signal the zygote that never calls kill()
FCNTL_SIGNAL_CMDS = (8, 10, 15)  # F_SETOWN, F_SETSIG, F_SETOWN_EX
IOCTL_SIGNAL_CMDS = (0x8901, 0x8902)  # FIOSETOWN, SIOCSPGRP

AF_UNIX = 1
CLONE_THREAD = 0x00010000
O_WRITE_FLAGS = 0x1 | 0x2 | 0x40 | 0x200  # O_WRONLY | O_RDWR | O_CREAT | O_TRUNC


def build_filter(child):
    """The zygote's filter, or the one a case/verifier child adds on top of it. Filters stack: a
    child keeps the zygote's (installed in main() before any pack code runs, inherited through
    fork) and the kernel applies the most restrictive answer of the two, so the child's holds only
    what children are denied beyond it. Half the instructions: installing it is most of what a
    fork costs besides the fork itself."""
    machine = os.uname().machine
    if machine not in ARCHES:
        raise RuntimeError(f"sandbox seccomp filter does not support {machine}")
    audit_arch, nr = ARCHES[machine]
    LD_ABS_W, JEQ, JSET, JGE, RET = 0x20, 0x15, 0x45, 0x35, 0x06
    prog = []

    def ins(code, jt, jf, k):
        prog.append((code, jt, jf, k))

    def load_nr():
        ins(LD_ABS_W, 0, 0, 0)

    def load_arg_lo(i):
        ins(LD_ABS_W, 0, 0, 16 + 8 * i)

    ins(LD_ABS_W, 0, 0, 4)  # arch
    ins(JEQ, 1, 0, audit_arch)
    ins(RET, 0, 0, RET_KILL_PROCESS)
    load_nr()
    if machine == "x86_64":  # x32 ABI numbers would bypass the table
        ins(JGE, 0, 1, 0x40000000)
        ins(RET, 0, 0, RET_ERRNO(EPERM))

    def deny(name, err=EPERM):
        if name in nr:
            ins(JEQ, 0, 1, nr[name])
            ins(RET, 0, 0, RET_ERRNO(err))

    for name in DENY_CHILD if child else DENY_ALWAYS:
        deny(name)
    if not child:
        _always_args(ins, load_nr, load_arg_lo, nr, deny)
    else:
        _child_args(ins, load_nr, load_arg_lo, nr)
    ins(RET, 0, 0, RET_ALLOW)
    return b"".join(struct.pack("<HBBI", *i) for i in prog), len(prog)


def _always_args(ins, load_nr, load_arg_lo, nr, deny):
    JEQ, RET = 0x15, 0x06
    # glibc falls back from clone3 to clone on ENOSYS; clone's flags can be inspected, clone3's can't
    deny("clone3", ENOSYS)
    deny("openat2", ENOSYS)

    def deny_arg(name, argi, values):
        # the low 32 bits are the whole of these int arguments
        load_nr()
        ins(JEQ, 0, len(values) + 3, nr[name])
        load_arg_lo(argi)
        for i, v in enumerate(values):
            ins(JEQ, len(values) - i, 0, v)
        ins(RET, 0, 0, RET_ALLOW)
        ins(RET, 0, 0, RET_ERRNO(EPERM))

    deny_arg("fcntl", 1, FCNTL_SIGNAL_CMDS)
    deny_arg("ioctl", 1, IOCTL_SIGNAL_CMDS)
    # socket(): only AF_UNIX (inside its own network namespace), never IP
    load_nr()
    ins(JEQ, 0, 4, nr["socket"])
    load_arg_lo(0)
    ins(JEQ, 0, 1, AF_UNIX)
    ins(RET, 0, 0, RET_ALLOW)
    ins(RET, 0, 0, RET_ERRNO(EACCES))


def _child_args(ins, load_nr, load_arg_lo, nr):
    JEQ, JSET, RET = 0x15, 0x45, 0x06
    # clone(): threads only, never a new process
    load_nr()
    ins(JEQ, 0, 4, nr["clone"])
    load_arg_lo(0)
    ins(JSET, 0, 1, CLONE_THREAD)
    ins(RET, 0, 0, RET_ALLOW)
    ins(RET, 0, 0, RET_ERRNO(EPERM))
    # prlimit64(): only on itself, so a case cannot shrink the zygote's limits
    load_nr()
    ins(JEQ, 0, 4, nr["prlimit64"])
    load_arg_lo(0)
    ins(JEQ, 0, 1, 0)
    ins(RET, 0, 0, RET_ALLOW)
    ins(RET, 0, 0, RET_ERRNO(EPERM))
    # open()/openat(): read-only
    for name, argi in (("open", 1), ("openat", 2)):
        if name in nr:
            load_nr()
            ins(JEQ, 0, 4, nr[name])
            load_arg_lo(argi)
            ins(JSET, 0, 1, O_WRITE_FLAGS)
            ins(RET, 0, 0, RET_ERRNO(EACCES))
            ins(RET, 0, 0, RET_ALLOW)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


_libc = ctypes.CDLL(None, use_errno=True)
_prctl = _libc.prctl
_prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_madvise = _libc.madvise
_madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]


def _make_installer(child):
    code, n = build_filter(child)
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(n, ctypes.addressof(buf))

    def install():
        if _prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(NO_NEW_PRIVS) failed")
        if _prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "seccomp filter install failed")

    install._keep = (buf, prog)
    return install


# ---------------------------------------------------------------------------------------------
# errors with tracebacks pointing into the user's own source

HARNESS_FILE = os.path.abspath(__file__)


def _display_file(filename):
    if filename.startswith(PACK_ROOT + "/"):
        return filename[len(PACK_ROOT) + 1:]
    return filename


def register_source(filename, source):
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def describe_exception(exc, own_file, source):
    etype = type(exc).__name__
    try:
        message = str(exc)
    except BaseException:
        message = "<unprintable exception>"
    line = None
    frames = []
    try:
        for fs in traceback.extract_tb(exc.__traceback__):
            if fs.filename == HARNESS_FILE:
                continue
            frames.append(fs)
            if fs.filename == own_file:
                line = fs.lineno
        lines = ["Traceback (most recent call last):\n"] if frames else []
        for fs in frames:
            lines.append(f'  File "{_display_file(fs.filename)}", line {fs.lineno}, in {fs.name}\n')
            if fs.line:
                lines.append(f"    {fs.line.strip()}\n")
        if isinstance(exc, SyntaxError):
            if exc.filename == own_file:
                line = exc.lineno
            lines.extend(traceback.format_exception_only(type(exc), exc))
            message = exc.msg if isinstance(exc.msg, str) else message
        else:
            lines.append(f"{etype}: {message}\n" if message else f"{etype}\n")
        tb = "".join(lines)
    except BaseException as inner:  # a hostile exception object must not break reporting
        tb = f"{etype}: {message}\n(traceback unavailable: {type(inner).__name__})\n"
    err = {"type": etype, "message": message[:MAX_REPR_CHARS], "traceback": tb[-MAX_TRACEBACK_CHARS:]}
    if line is not None:
        err["line"] = line
    return err


def simple_error(etype, message, source):
    return {"type": etype, "message": message, "traceback": f"{etype}: {message}\n", "source": source}


# ---------------------------------------------------------------------------------------------
# state transfer: tagged JSON (safe to parse in the verifier, unlike marshal/pickle)

TAG_TUPLE, TAG_DICT, TAG_SET, TAG_FROZENSET, TAG_BYTES = "\x00t", "\x00d", "\x00s", "\x00f", "\x00b"
TAGS = (TAG_TUPLE, TAG_DICT, TAG_SET, TAG_FROZENSET, TAG_BYTES)


class TransferError(Exception):
    pass


def encode_value(v, path="state"):
    t = type(v)
    if t is str or t is int or t is float or t is bool or v is None:
        return v
    if t is list:
        return [encode_value(x, path) for x in v]
    if t is dict:
        if all(type(k) is str and not k.startswith("\x00") for k in v):
            return {k: encode_value(x, path) for k, x in v.items()}
        return {TAG_DICT: [[encode_value(k, path), encode_value(x, path)] for k, x in v.items()]}
    if t is tuple:
        return {TAG_TUPLE: [encode_value(x, path) for x in v]}
    if t is set or t is frozenset:
        return {TAG_SET if t is set else TAG_FROZENSET: [encode_value(x, path) for x in v]}
    if t is bytes or t is bytearray:
        return {TAG_BYTES: b64encode(v).decode("ascii")}
    # subclasses of plain types (enums, OrderedDict…) travel as their plain base type
    for base in (bool, int, float, str):
        if isinstance(v, base):
            return base(v)
    if isinstance(v, dict):
        return encode_value(dict(v), path)
    if isinstance(v, (list, tuple)):
        return encode_value(list(v), path)
    raise TransferError(f"the state holds a value of type {t.__name__!r}, which is not plain data")


def _decode_hook(d):
    if len(d) == 1:
        k = next(iter(d))
        if k in TAGS:
            v = d[k]
            if k == TAG_TUPLE:
                return tuple(v)
            if k == TAG_DICT:
                return {(kk): vv for kk, vv in v}
            if k == TAG_SET:
                return set(v)
            if k == TAG_FROZENSET:
                return frozenset(v)
            return b64decode(v)
    return d


def decode_payload(data):
    return _json_loads(data, object_hook=_decode_hook)


# ---------------------------------------------------------------------------------------------
# fingerprints of the pristine state, and diffs against them
#
# Sending the whole state from the case to the verifier costs as much as load_state() itself;
# the verifier already holds the pristine state (it is forked from the zygote), so only the
# parts that changed are sent. Change detection compares marshal bytes (a faithful, C-speed
# encoding) of chunks of the state with bytes computed once in the zygote. Marshal's
# back-reference flags depend on refcounts, which can only make unchanged data look changed
# (sent needlessly), never the reverse.

LEAF_BYTES = 2048
CHUNK = 32
CHUNK_MAX_BYTES = 64 << 10


class Node:
    # No references into the state are kept here: an extra reference would change marshal's
    # back-reference flags and make every diff touch (copy-on-write) the referenced objects.
    # The chunk bytes live in one blob indexed by an array, so that walking the chunks touches
    # two objects rather than three per chunk, scattered over the heap.
    __slots__ = ("kind", "keys", "n", "blob", "offsets", "kids", "oldkeys", "keypos")

    def __init__(self, kind, keys, n, blob, offsets, kids):
        self.kind, self.keys, self.n = kind, keys, n
        self.blob, self.offsets, self.kids = blob, offsets, kids
        self.oldkeys = self.keypos = None


def fingerprint(node):
    """Returns bytes for a leaf, or a Node splitting a big container into chunks of children."""
    b = _dumps(node)
    t = type(node)
    if len(b) <= LEAF_BYTES or not (t is dict or t is list) or len(node) < 2:
        return b
    del b
    vals = list(node.values()) if t is dict else node
    parts = []
    offsets = array("q", [0])
    kids = []
    for i in range(0, len(vals), CHUNK):
        grp = vals[i:i + CHUNK]
        ks = [fingerprint(v) for v in grp]
        kids.append(ks)
        # a chunk holding big children is never compared whole: when it differs, that would be
        # a second full pass over those children (offset -1 marks it)
        if all(type(k) is bytes for k in ks) and sum(len(k) for k in ks) <= CHUNK_MAX_BYTES:
            cb = _dumps(grp)
            parts.append(cb)
            offsets.append(offsets[-1] + len(cb))
        else:
            offsets.append(-1 - offsets[-1])
    keys = None
    if t is dict:
        keys = list(node)  # held in a local exactly as diff_state holds it: same marshal ref flags
        keys = _dumps(keys)
    return Node(t, keys, len(vals), b"".join(parts), offsets, kids)


def _child_fp(f, i):
    return f.kids[i // CHUNK][i % CHUNK]


def diff_state(node, f, path, ops):
    if type(f) is bytes:
        try:
            same = _dumps(node) == f
        except Exception:
            same = False
        if not same:
            ops.append(["set", path, node])
        return
    t = type(node)
    if t is not f.kind:
        ops.append(["set", path, node])
        return
    if t is dict:
        keys = list(node)
        try:
            same_keys = len(keys) == f.n and _dumps(keys) == f.keys
        except Exception:
            same_keys = False
        if not same_keys:
            _diff_dict_keys(node, keys, f, path, ops)
            return
        vals = list(node.values())
        _diff_chunks(vals, keys, f, len(vals), path, ops)
    else:
        n = len(node)
        m = min(n, f.n)
        _diff_chunks(node, None, f, m, path, ops)
        if n != f.n:
            ops.append(["tail", path, m, node[m:]])


def _diff_chunks(vals, keys, f, limit, path, ops):
    offsets, blob = f.offsets, f.blob
    nchunks = len(offsets) - 1
    for ci in range(nchunks):
        start = ci * CHUNK
        if start >= limit:
            break
        end = min(start + CHUNK, f.n)
        hi = offsets[ci + 1]
        if end <= limit and hi >= 0:
            lo = offsets[ci]
            if lo < 0:
                lo = -1 - lo
            grp = vals[start:end]
            try:
                d = _dumps(grp)
                if len(d) == hi - lo and blob.startswith(d, lo):  # compares in place, no copy
                    continue
            except Exception:
                pass
            del grp
        kids = f.kids[ci]
        for i in range(start, min(end, limit)):
            diff_state(vals[i], kids[i - start], path + [keys[i] if keys is not None else i], ops)


def _diff_dict_keys(node, keys, f, path, ops):
    if f.oldkeys is None:
        f.oldkeys = marshal.loads(f.keys)  # our own bytes, made in the zygote
        f.keypos = {k: i for i, k in enumerate(f.oldkeys)}
    old, pos = f.oldkeys, f.keypos
    surviving = [k for k in old if k in node]
    m = len(surviving)
    if keys[:m] != surviving or any(k in pos for k in keys[m:]):
        ops.append(["set", path, node])  # reordered: resend the container
        return
    for k in old:
        if k not in node:
            ops.append(["del", path + [k]])
    for k in surviving:
        diff_state(node[k], _child_fp(f, pos[k]), path + [k], ops)
    for k in keys[m:]:
        ops.append(["set", path + [k], node[k]])


def compact_state(state):
    """Re-allocates the state breadth-first: containers of one level, then their contents, end up
    adjacent in memory. Forked children then copy-on-write a few pages when they walk one level
    (a diff, a tool scanning all users) instead of one page per record. Subclasses of plain types
    (OrderedDict, str enums…) become the plain type on the way, as the state is plain data.

    Keys are shared (one object per distinct key, as json.load makes them) and allocated first, in
    pages of their own, not between the values: reading a key writes its reference count. Equal
    strings are one object too, keys and values alike: the heap of bench:filter's 3 MB pack is 6 MB
    smaller, and a verifier that reads the whole state copies a fifth fewer pages (4,600 → 3,700).
    (When every case marshalled the whole state to diff it, shared values cost more than that: marshal
    looks each one up in a table. Now only what a case changed is marshalled, see MemoryIndex.)"""
    if not isinstance(state, (dict, list)):
        return copy_scalar(state)

    def container(v):
        return isinstance(v, (dict, list))

    olds = [state]
    seen = {id(state)}
    i = 0
    while i < len(olds):
        o = olds[i]
        i += 1
        for v in (o.values() if isinstance(o, dict) else o):
            if container(v) and id(v) not in seen:
                seen.add(id(v))
                olds.append(v)
    del seen
    strs = {}

    def copy_str(v):
        plain = str.__str__(v)
        c = strs.get(plain)
        if c is None:
            c = strs[plain] = "".join((plain, ""))
        return c

    def copy_key(k):
        return copy_str(k) if isinstance(k, str) else copy_scalar(k)

    def copy_value(v):
        return copy_str(v) if isinstance(v, str) else copy_scalar(v)

    for o in olds:  # the keys first, in pages of their own
        if isinstance(o, dict):
            for k in o:
                if isinstance(k, str):
                    copy_str(k)
    newof = {id(o): ({} if isinstance(o, dict) else []) for o in olds}
    for o in olds:
        n = newof[id(o)]
        if isinstance(o, dict):
            for k, v in o.items():
                n[copy_key(k)] = newof[id(v)] if container(v) else copy_value(v)
        else:
            n.extend(newof[id(v)] if container(v) else copy_value(v) for v in o)
    # where it all landed, for huge_pages: the keys, every container, and the first value of
    # each (the values were allocated in order, so that finds every region they fill)
    regions = STATE_REGIONS
    regions.clear()
    for v in strs.values():
        regions.add(id(v) // HUGE_PAGE)
    for o in olds:
        n = newof[id(o)]
        regions.add(id(n) // HUGE_PAGE)
        for v in (n.values() if type(n) is dict else n):
            regions.add(id(v) // HUGE_PAGE)
            break
    return newof[id(state)]


# 2 MiB regions holding the compacted state (compact_state fills it, huge_pages uses it)
STATE_REGIONS = set()


def copy_scalar(v):
    """A fresh object (for locality), of the exact plain type."""
    t = type(v)
    if t is str or isinstance(v, str):
        return "".join((str.__str__(v), ""))
    if t is bool or v is None:
        return v
    if t is int or isinstance(v, int):
        return int.__int__(v) + 0
    if t is float or isinstance(v, float):
        return float.__float__(v) * 1.0
    if isinstance(v, tuple) and t is not tuple:
        return tuple(v)
    return v


HUGE_PAGE = 2 << 20
MADV_HUGEPAGE = 14
MADV_COLLAPSE = 25  # Linux >= 6.1; elsewhere madvise says EINVAL and nothing changes


def huge_pages():
    """Asks the kernel to back the 2 MiB regions that hold the state (STATE_REGIONS) with huge
    pages. Every case forks this process twice, and fork and exit walk one page-table entry per
    4 KiB page of the heap: with huge pages that is one per 2 MiB, until a child writes to a region
    (the kernel then splits that one region only)."""
    for r in sorted(STATE_REGIONS):
        _madvise(r * HUGE_PAGE, HUGE_PAGE, MADV_COLLAPSE)  # a region that cannot be collapsed stays as it is


def apply_ops(state, ops):
    for op in ops:
        kind, path = op[0], op[1]
        if kind == "set" and not path:
            state = op[2]
            continue
        cur = state
        for k in path[:-1]:
            cur = cur[k]
        last = path[-1] if path else None
        if kind == "set":
            cur[last] = op[2]
        elif kind == "del":
            del cur[last]
        elif kind == "tail":
            lst = cur[last] if path else cur
            if type(lst) is not list:
                raise TransferError("tail op on a non-list")
            del lst[op[2]:]
            lst.extend(op[3])
        else:
            raise TransferError(f"unknown op {kind!r}")
    return state


# ---------------------------------------------------------------------------------------------
# what a case changed, found by comparing memory
#
# diff_state marshals the whole state after every case: ~5 ms of a light case's ~15 ms for a 3 MB
# state. But a case process is a fork of the zygote: what it changed is what differs from the
# zygote's memory. So the zygote keeps a copy of the bytes that tell (MemoryIndex), each range
# labelled with the diff unit it belongs to (a child of a chunked container, see fingerprint), and
# after the case diff_state runs on the units whose bytes differ only; memcmp finds them in ~1 ms.
#
# Why these bytes suffice, in CPython: every change to a dict gives it a new ma_version_tag (PEP
# 509; a new dict gets a fresh one too), so a dict whose header is unchanged holds the same objects,
# and the objects a dict holds cannot be freed and replaced behind it. A list holds its objects in
# its header and item array; scalars are immutable, and one freed and replaced at the same address
# by another value differs in its bytes. So the bytes compared are every container's header, list
# item arrays, tuples, and the scalars that lists and tuples hold. Left out: reference counts, the GC
# links before each container and str's cached hash, which reading changes. Only code writing
# memory behind the interpreter's back (ctypes) could change the state without changing these
# bytes, and that gains a case nothing: it could leave any state it likes anyway, and the verifier
# still runs on the state the reported changes rebuild.

PAGE = 4096
_memcmp = _libc.memcmp
_memcmp.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
_memcmp.restype = ctypes.c_int
_string_at = ctypes.string_at
_read_ptr = ctypes.c_void_p.from_address
_read_ssize = ctypes.c_ssize_t.from_address
_msync = _libc.msync
_msync.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
MS_ASYNC = 1


class _Aliased(Exception):
    """One container is reachable by two paths: a change through one shows at both."""


def _versioned_dicts():
    """Whether this interpreter is one the reasoning above holds for (checked, not assumed)."""
    if sys.implementation.name != "cpython" or ctypes.sizeof(ctypes.c_void_p) != 8 or object.__basicsize__ != 16:
        return False
    d = {"k": 1, "j": 2}
    before = _string_at(id(d) + 8, dict.__basicsize__ - 8)
    d["k"] = 3  # the same key, in place: only the version tag can show it in the header
    return _string_at(id(d) + 8, dict.__basicsize__ - 8) != before


class _Unmapped(Exception):
    """Indexed memory is no longer mapped (reading it would crash the process)."""


class MemoryIndex:
    __slots__ = ("paths", "fps", "parents", "runs", "snap", "base", "pstart", "rlo", "rhi", "ruid")

    @classmethod
    def build(cls, state, fp):
        """The index of state as the zygote holds it, or None where it cannot vouch for a diff."""
        if not _versioned_dicts() or type(state) not in (dict, list) or type(fp) is bytes:
            return None
        self = cls()
        self.paths, self.fps, self.parents = [], [], array("l")
        pieces = []  # (page, start in page, end in page, unit)
        seen = set()

        def add(lo, hi, unit):
            page = lo // PAGE
            if hi <= (page + 1) * PAGE:  # most ranges are within one page
                pieces.append((page, lo - page * PAGE, hi - page * PAGE, unit))
                return
            while lo < hi:
                page = lo // PAGE
                end = min(hi, (page + 1) * PAGE)
                pieces.append((page, lo - page * PAGE, end - page * PAGE, unit))
                lo = end

        def header(o, unit):
            if id(o) in seen:
                raise _Aliased
            seen.add(id(o))
            a = id(o)
            if type(o) is dict:
                add(a + 8, a + dict.__basicsize__, unit)
            elif type(o) is list:
                add(a + 8, a + list.__basicsize__, unit)
                items, allocated = _read_ptr(a + 24).value, _read_ssize(a + 32).value
                if items and allocated > 0:
                    add(items, items + allocated * 8, unit)
            else:  # a tuple: its items are inside it
                add(a + 8, a + tuple.__basicsize__ + len(o) * 8, unit)

        def scalar(v, unit):
            t = type(v)
            if t is str:
                a, n = id(v), sys.getsizeof(v)
                add(a + 8, a + 24, unit)  # type, length; then the cached hash, left out
                add(a + 32, a + n, unit)
            elif t is int or t is float:
                add(id(v) + 8, id(v) + sys.getsizeof(v), unit)

        def subtree(o, unit, held_by_sequence):
            if type(o) not in (dict, list, tuple):
                if held_by_sequence:
                    scalar(o, unit)
                return
            stack = [o]
            while stack:
                o = stack.pop()
                header(o, unit)
                if type(o) is dict:
                    stack.extend(v for v in o.values() if type(v) in (dict, list, tuple))
                    continue
                for v in o:
                    if type(v) in (dict, list, tuple):
                        stack.append(v)
                    else:
                        scalar(v, unit)

        def unit_of(node, f, path, parent, held_by_sequence):
            unit = len(self.paths)
            self.paths.append(path)
            self.fps.append(f)
            self.parents.append(parent)
            if type(f) is bytes:
                subtree(node, unit, held_by_sequence)
                return
            header(node, unit)
            is_dict = type(node) is dict
            keys = [copy_scalar(k) for k in node] if is_dict else None  # copies: no extra references into the state
            for i, v in enumerate(node.values() if is_dict else node):
                if is_dict and type(v) not in (dict, list, tuple):
                    continue  # the dict's version tag covers it
                unit_of(v, _child_fp(f, i), path + ((keys[i] if is_dict else i),), unit, not is_dict)

        try:
            unit_of(state, fp, (), -1, False)
        except (_Aliased, RecursionError):
            return None
        del seen
        pieces.sort()
        self.rlo, self.rhi, self.ruid, self.pstart = array("H"), array("H"), array("i"), array("i")
        pages = []
        for page, lo, hi, unit in pieces:
            if not pages or pages[-1] != page:
                pages.append(page)
                self.pstart.append(len(self.rlo))
            self.rlo.append(lo)
            self.rhi.append(hi)
            self.ruid.append(unit)
        self.pstart.append(len(self.rlo))
        del pieces
        # contiguous pages form runs, compared with one memcmp each while nothing differs
        runs, start = [], 0
        for i in range(1, len(pages) + 1):
            if i == len(pages) or pages[i] != pages[i - 1] + 1:
                runs.append((pages[start] * PAGE, start, i - start))
                start = i
        self.runs = runs
        return self

    def take_snapshot(self):
        """Copies the indexed pages as they are now: call it last, right before serving cases.
        The copy is in huge pages where the kernel has them: every case forks this process twice,
        and fork copies one page-table entry per 4 KiB page (see huge_pages)."""
        size = sum(n for _, _, n in self.runs) * PAGE
        snap = mmap.mmap(-1, size + HUGE_PAGE)
        base = ctypes.addressof(ctypes.c_char.from_buffer(snap))
        _madvise(base, size + HUGE_PAGE, MADV_HUGEPAGE)
        # 2 MiB-aligned inside the mapping, so that whole huge pages hold it
        skip = -base % HUGE_PAGE
        for addr, first, n in self.runs:
            ctypes.memmove(base + skip + first * PAGE, addr, n * PAGE)
        for region in range(base + skip, base + skip + size, HUGE_PAGE):
            _madvise(region, HUGE_PAGE, MADV_COLLAPSE)
        self.snap, self.base = memoryview(snap)[skip:skip + size], base + skip

    def changed_units(self):
        """The units whose bytes differ from the snapshot, in a forked child after the case."""
        dirty = set()
        base, snap = self.base, self.snap
        rlo, rhi, ruid, pstart = self.rlo, self.rhi, self.ruid, self.pstart
        for addr, first, n in self.runs:
            off = first * PAGE
            if _msync(addr, n * PAGE, MS_ASYNC) != 0:
                raise _Unmapped  # the case freed so much that the allocator gave pages back
            if _memcmp(addr, base + off, n * PAGE) == 0:
                continue
            for j in range(n):
                a, o = addr + j * PAGE, off + j * PAGE
                if _memcmp(a, base + o, PAGE) == 0:
                    continue
                live, old = _string_at(a, PAGE), snap[o:o + PAGE].tobytes()
                for r in range(pstart[first + j], pstart[first + j + 1]):
                    lo, hi = rlo[r], rhi[r]
                    if live[lo:hi] != old[lo:hi]:
                        dirty.add(ruid[r])
        return dirty

    def diff(self, state, ops):
        """diff_state's ops for the changed units only (each unit's own diff, in diff_state's order)."""
        dirty = self.changed_units()
        parents = self.parents
        for unit in sorted(dirty):
            p = parents[unit]
            while p >= 0 and p not in dirty:
                p = parents[p]
            if p >= 0:
                continue  # an enclosing unit changed: its diff covers this one
            cur = state
            for k in self.paths[unit]:
                cur = cur[k]  # through unchanged containers: the pristine children
            diff_state(cur, self.fps[unit], list(self.paths[unit]), ops)


MEMORY_INDEX = None  # the zygote's, set in main()


def changed_ops(state, fp):
    """What the case changed, as ops for apply_ops: from the memory index where there is one."""
    ops = []
    if MEMORY_INDEX is not None:
        try:
            MEMORY_INDEX.diff(state, ops)
            return ops
        except Exception:  # the case broke the index (it runs in this process): diff it all
            ops = []
    diff_state(state, fp, [], ops)
    return ops


# ---------------------------------------------------------------------------------------------
# pack loading (zygote)

PLAIN_SCALARS = (str, int, float, bool, type(None))


def check_plain(v, path, depth=0):
    if depth > 200:
        raise TypeError(f"load_state() data is nested too deeply at {path}")
    if isinstance(v, PLAIN_SCALARS):
        return
    if isinstance(v, dict):
        for k, x in v.items():
            if not isinstance(k, PLAIN_SCALARS):
                raise TypeError(f"load_state() returned a dict key of type {type(k).__name__} at {path}")
            check_plain(x, f"{path}[{k!r}]", depth + 1)
        return
    if isinstance(v, (list, tuple)):
        for i, x in enumerate(v):
            check_plain(x, f"{path}[{i}]", depth + 1)
        return
    raise TypeError(f"load_state() must return JSON-like data; found {type(v).__name__} at {path}")


def check_depth(v, path, limit):
    """Refuses containers nested deeper than limit (before json.dumps would hit the recursion limit)."""
    level = [v]
    for _ in range(limit + 1):
        nxt = []
        for x in level:
            if isinstance(x, Mapping):
                nxt.extend(x.values())
            elif isinstance(x, (list, tuple)):
                nxt.extend(x)
        if not nxt:
            return
        level = nxt
    raise ValueError(f"{path} is nested more than {limit} levels deep")


MAX_TOOLS = 10_000
MAX_TOOL_NAME_CHARS = 200

KEYWORDS = {"False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
            "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
            "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
            "raise", "return", "try", "while", "with", "yield"}


def load_pack(inspect_mode):
    sys.path.insert(0, PACK_ROOT)
    import importlib
    env = importlib.import_module("env")
    tools = getattr(env, "TOOLS", None)
    if tools is None:
        raise TypeError("env.py does not define TOOLS")
    if not isinstance(tools, Mapping):
        raise TypeError(f"TOOLS must be a mapping of name -> callable, not {type(tools).__name__}")
    tools = dict(tools)
    if len(tools) > MAX_TOOLS:
        raise ValueError(f"TOOLS has {len(tools)} tools; the limit is {MAX_TOOLS}")
    for name, fn in tools.items():
        if not isinstance(name, str) or not name.isidentifier() or name in KEYWORDS:
            raise TypeError(f"TOOLS key {safe_repr(name)} is not a valid Python identifier")
        if len(name) > MAX_TOOL_NAME_CHARS:
            raise ValueError(f"TOOLS key {name[:40]}… is longer than {MAX_TOOL_NAME_CHARS} characters")
        if not callable(fn):
            raise TypeError(f"TOOLS[{name!r}] is not callable ({type(fn).__name__})")
    load_state = getattr(env, "load_state", None)
    if not callable(load_state):
        raise TypeError("env.py does not define a callable load_state()")
    state = load_state()
    check_plain(state, "state")
    state = compact_state(state)
    schemas = getattr(env, "TOOL_SCHEMAS", None)
    if schemas is not None:
        if isinstance(schemas, Mapping):
            schemas = list(schemas.values())
        if not isinstance(schemas, (list, tuple)):
            raise TypeError("TOOL_SCHEMAS must be a list of function schemas")
        # they are stored with the pack and shown in the UI: plain JSON, bounded in size and depth
        check_depth(schemas, "TOOL_SCHEMAS", MAX_SCHEMA_DEPTH)
        text = _json_dumps(list(schemas))
        if len(text) > MAX_SCHEMAS_BYTES:
            raise ValueError(f"TOOL_SCHEMAS is {fmt_size(len(text))} of JSON; the limit is {fmt_size(MAX_SCHEMAS_BYTES)}")
        schemas = _json_loads(text)
    info = {"tools": sorted(tools), "toolSchemas": schemas}
    if inspect_mode:
        info["stateBytes"] = len(_json_dumps(encode_value(state), ensure_ascii=False).encode("utf-8"))
    return tools, state, info


# ---------------------------------------------------------------------------------------------
# children

_short_repr = reprlib.Repr()
_short_repr.maxlevel = 4
_short_repr.maxdict = _short_repr.maxlist = _short_repr.maxtuple = _short_repr.maxset = 16
_short_repr.maxstring = 400
_short_repr.maxother = 400
_short_repr.maxlong = 200


def safe_repr(v):
    try:
        r = _short_repr.repr(v)
    except BaseException as e:
        r = f"<unrepresentable {type(v).__name__}: {type(e).__name__}>"
    if len(r) > MAX_REPR_CHARS:
        r = r[:MAX_REPR_CHARS] + "…"
    return r


def json_excerpt(v):
    try:
        s = _json_dumps(v, default=lambda o: safe_repr(o), ensure_ascii=False)
    except BaseException:
        return safe_repr(v)
    if len(s) > MAX_TOOL_ARGS_CHARS:
        return s[:MAX_TOOL_ARGS_CHARS] + "…"
    return _json_loads(s)


def call_args(args, kwargs):
    """A tool call's arguments for the log: the keyword arguments as an object (as always); with
    positional ones, a list of them, the keyword arguments as an object at its end."""
    if not args:
        return json_excerpt(kwargs)
    return json_excerpt([*args, kwargs] if kwargs else list(args))


def call_text(name, args, kwargs):
    """The call as Python would read it, e.g. maximum_value(1, 5, 2): unambiguous where the list
    form is not (a dict passed last)."""
    parts = [safe_repr(a) for a in args] + [f"{k}={safe_repr(v)}" for k, v in kwargs.items()]
    text = f"{name}({', '.join(parts)})"
    return text if len(text) <= MAX_TOOL_ARGS_CHARS else text[:MAX_TOOL_ARGS_CHARS] + "…"


def _json_size(v):
    try:
        return len(_json_dumps(v, ensure_ascii=True, default=str))
    except BaseException:  # unencodable or too deep: it is not shown
        return None


def bound_messages(msgs, max_count, max_chars, max_bytes):
    """The messages a case showed, as reported: at most max_count, each cut to max_chars, max_bytes
    of JSON in all, then a marker saying how many more there were."""
    out, used = [], 0
    for m in msgs[:max_count]:
        if type(m) is not str:
            continue
        if len(m) > max_chars:
            m = m[:max_chars] + "…"
        cost = _json_size(m)
        if cost is None or used + cost > max_bytes:
            break
        used += cost
        out.append(m)
    if len(msgs) > len(out):
        out.append(f"…[{len(msgs) - len(out)} more messages]")
    return out


def bound_calls(calls, max_count, max_bytes):
    """The tool calls a case made, as reported: (calls kept, how many of the given ones were not)."""
    out, used = [], 0
    for c in calls[:max_count]:
        if not isinstance(c, dict):
            continue
        c = clean_call(c)
        cost = _json_size(c)
        if cost is None or used + cost > max_bytes:
            break
        used += cost
        out.append(c)
    return out, len(calls) - len(out)


def omitted_calls(n):
    return {"name": "…", "args": {"omittedCalls": n}}


# Made once in the zygote and inherited by every child (prepare_children): /dev/null for the
# children's stdin, and their sys.stdout/stderr/stdin, which name fds 1, 2 and 0 and so write to
# whatever pipes the child has there. Opening them per child cost 0.4 ms of each fork.
_CHILD_DEVNULL = None
_CHILD_STDIO = None


def prepare_children():
    global _CHILD_DEVNULL, _CHILD_STDIO
    _CHILD_DEVNULL = os.open("/dev/null", os.O_RDONLY)
    _CHILD_STDIO = (open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False),
                    open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False),
                    open(0, "r", closefd=False))


def child_setup(pipes_out, pipe_err, result_w, limits, install_filter):
    """Runs first in every forked child: own process group, only its own pipes, limits, seccomp."""
    os.setpgid(0, 0)
    if _CHILD_STDIO is None:
        prepare_children()
    os.dup2(_CHILD_DEVNULL, 0)
    os.dup2(pipes_out, 1)
    os.dup2(pipe_err, 2)
    os.dup2(result_w, CHILD_RESULT_FD)
    os.closerange(CHILD_RESULT_FD + 1, MAX_FDS)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    sys.stdout, sys.stderr, sys.stdin = _CHILD_STDIO
    mem = int(limits["memoryBytes"])
    cpu = int(limits["timeoutMs"] / 1000) + 2
    for res, val in ((resource.RLIMIT_AS, mem), (resource.RLIMIT_CPU, cpu), (resource.RLIMIT_FSIZE, 0),
                     (resource.RLIMIT_CORE, 0), (resource.RLIMIT_NOFILE, 256),
                     (resource.RLIMIT_NPROC, MAX_TASKS)):
        hard = resource.getrlimit(res)[1]
        if hard != resource.RLIM_INFINITY:
            val = min(val, hard)
        resource.setrlimit(res, (val, val))
    install_filter()


def flush_std():
    for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            s.flush()
        except BaseException:
            pass


def write_child_result(header, payload=b""):
    h = _json_dumps(header, ensure_ascii=True, allow_nan=True, default=str).encode("ascii")
    _write_all(CHILD_RESULT_FD, struct.pack(">IQ", len(h), len(payload)) + h)
    if payload:
        _write_all(CHILD_RESULT_FD, payload)


def case_child(tools, state, fp, cmd):
    role, index = cmd["role"], cmd["index"]
    filename = "<solution>" if role == "solution" else f"<failure_case_{index}>"
    source = cmd["source"]
    messages = []
    calls = []
    dropped = [0]
    # strength checks only (issue 11): which call sites changed the state, and another seed and clock
    trace = Trace(state, fp) if cmd.get("trace") else None
    perturb_process(cmd.get("perturb"))

    def respond(text=""):
        messages.append(text if type(text) is str else str(text))
        site = trace.take() if trace is not None else None
        if site is not None:
            trace.note(site, "respond", text=messages[-1])
        return None

    def make_tool(name, fn):
        # The contract: a tool in scope runs TOOLS[name](state, *args, **kwargs), positional
        # arguments as generated code writes them (reverse_string("abc"), maximum_value(1, 5, 2)).
        def tool(*args, **kwargs):
            site = trace.take() if trace is not None else None
            before = trace.signature() if site is not None else None
            rec = None
            if len(calls) < MAX_TOOL_CALLS_SHOWN:
                rec = {"name": name, "args": call_args(args, kwargs)}
                if args:
                    rec["call"] = call_text(name, args, kwargs)
                calls.append(rec)
            else:
                dropped[0] += 1
            try:
                result = fn(state, *args, **kwargs)
            except BaseException as e:
                if rec is not None:
                    rec["error"] = f"{type(e).__name__}: {safe_repr(str(e))[1:-1]}"
                raise
            finally:
                if site is not None:
                    trace.note(site, name, trace.signature() != before, args=(args, kwargs))
            if rec is not None:
                rec["result"] = safe_repr(result)
            return result
        tool.__name__ = tool.__qualname__ = name
        return tool

    g = {"__name__": "__main__", "__builtins__": builtins}
    for name, fn in tools.items():
        g[name] = make_tool(name, fn)
    g["respond"] = respond
    register_source(filename, source)
    case_error = None
    saved_builtins = dict(builtins.__dict__)
    t0 = _monotonic()
    try:
        code = None
        if trace is not None:
            g["__cat_site__"] = trace.at
            code = instrument(source, filename, set(tools) | {"respond"})
        if code is None:
            code = compile(source, filename, "exec", dont_inherit=True)
        exec(code, g)
    except BaseException as e:  # SystemExit, KeyboardInterrupt too: the case just ended early
        case_error = describe_exception(e, filename, source)
        case_error["source"] = "case"
        del e
    # The case may have patched builtins for its own purposes; reporting its state must not break
    # because of that (its own process is thrown away right after, so nothing else needs undoing).
    builtins.__dict__.clear()
    builtins.__dict__.update(saved_builtins)
    g.clear()
    flush_std()
    t1 = _monotonic()
    header = {"caseError": case_error}
    try:
        ops = changed_ops(state, fp)
        enc_ops = []
        for op in ops:
            enc = [op[0], [encode_value(k) for k in op[1]]]
            enc.extend(encode_value(x) for x in op[2:])
            enc_ops.append(enc)
        payload = _json_dumps({"ops": enc_ops, "messages": messages}, ensure_ascii=True,
                              allow_nan=True, separators=(",", ":")).encode("ascii")
    except BaseException as e:
        payload = b""
        header["transferError"] = f"{type(e).__name__}: {e}"[:MAX_REPR_CHARS]
    # for the profile only (the case could misreport them): running the case, and finding and
    # encoding what it changed
    header["t"] = [(t1 - t0) * 1000, (_monotonic() - t1) * 1000]
    header["messages"] = bound_messages(messages, MAX_MESSAGES_SHOWN, MAX_MESSAGE_SHOWN_CHARS, MAX_MESSAGES_BYTES)
    calls, omitted = bound_calls(calls, MAX_TOOL_CALLS_SHOWN, MAX_TOOL_CALLS_BYTES)
    if omitted + dropped[0]:
        calls.append(omitted_calls(omitted + dropped[0]))
    header["toolCalls"] = calls
    if trace is not None:
        header["trace"] = trace.report()
    write_child_result(header, payload)


def load_verifier(source):
    """Exec the verifier module in a fresh namespace; returns (verify, error)."""
    filename = "<verifier>"
    register_source(filename, source)
    g = {"__name__": "verifier", "__builtins__": builtins}
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
        exec(code, g)
    except BaseException as e:
        err = describe_exception(e, filename, source)
        err["source"] = "verifier"
        return None, err
    verify = g.get("verify")
    if verify is None:
        return None, simple_error("VerifierInvalid", "the verifier does not define verify()", "verifier")
    if not callable(verify):
        return None, simple_error("VerifierInvalid",
                                  f"verify is a {type(verify).__name__}, not a function", "verifier")
    return verify, None


def verify_arity(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return 2
    n = 0
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            return 3
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            n += 1
    return 3 if n >= 3 else 2


def verifier_child(state, cmd, payload):
    source = cmd["verifier"]
    t0 = _monotonic()
    changes = Changes()
    if payload is None:
        messages = []
    else:
        try:
            data = decode_payload(payload)
            messages = data["messages"]
            if type(messages) is not list or any(type(m) is not str for m in messages):
                raise TransferError("messages must be a list of strings")
            try:
                changes = state_changes(state, data["ops"])  # before the ops change the pristine state
            except BaseException:
                changes = None
            state = apply_ops(state, data["ops"])
        except BaseException as e:
            write_child_result({"stage": "transfer", "error": simple_error(
                "StateTransferError", f"could not rebuild the case's final state: {type(e).__name__}: {e}"[:MAX_REPR_CHARS],
                "case")})
            return
        del data, payload
    # what the case changed, for the case matrix (and, for strength checks, hashes to compare runs by)
    extra = {}
    if changes is not None:
        extra["diff"] = changes.report()
        if cmd.get("fingerprint"):
            extra.update(stateHash=changes.state_hash(), messagesHash=messages_hash(messages),
                         hashSeed=str(hash("cat-curator")))
    perturb_process(cmd.get("perturb"))
    reads = Reads() if cmd.get("track") and changes is not None else None
    t1 = _monotonic()
    verify, err = load_verifier(source)
    if err is not None:
        write_child_result({"stage": "load", "error": err, **extra})
        return
    args = (_wrap(state, (), reads) if reads is not None else state, messages[-1] if messages else "", messages)
    try:
        result = verify(*args[:verify_arity(verify)])
        ok = bool(result)
    except BaseException as e:
        err = describe_exception(e, "<verifier>", source)
        err["source"] = "verifier"
        flush_std()
        write_child_result({"stage": "verify", "error": err, **extra})
        return
    flush_std()
    if reads is not None:
        try:
            extra["unread"] = unread_writes(changes, reads)
        except BaseException:
            pass
    # for the profile: rebuilding the case's state, then loading and running the verifier
    write_child_result({"stage": "done", "pass": ok, "returnRepr": safe_repr(result),
                        "t": [(t1 - t0) * 1000, (_monotonic() - t1) * 1000], **extra})


def check_child(cmd):
    _, err = load_verifier(cmd["verifier"])
    write_child_result({"stage": "load", "error": err} if err else {"stage": "ok"})


# ---------------------------------------------------------------------------------------------
# zygote side of a child: fork, supervise with a deadline, collect bounded output


def fmt_size(n):
    for unit, div in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} B"


class Stream:
    __slots__ = ("limit", "buf", "total")

    def __init__(self, limit):
        self.limit, self.buf, self.total = limit, bytearray(), 0

    def feed(self, data):
        self.total += len(data)
        room = self.limit - len(self.buf)
        if room > 0:
            self.buf += data[:room]

    def text(self):
        s = self.buf.decode("utf-8", errors="replace")
        if self.total > len(self.buf):
            s += f"\n…[truncated {fmt_size(self.total - len(self.buf))}]"
        return s


def run_child(target, limits, install_filter, max_result):
    """Fork target() in a sandboxed child; returns dict(result header, payload, out, err, ...)."""
    res_r, res_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    flush_std()
    forked = _monotonic()
    try:
        pid = _fork()
    except OSError as e:
        # EAGAIN: the sandbox is at RLIMIT_NPROC, i.e. the pack's own processes and threads fill it
        for fd in (res_r, res_w, out_r, out_w, err_r, err_w):
            os.close(fd)
        why = (f"the sandbox is at its limit of {MAX_TASKS} processes and threads (the pack's env.py holds them)"
               if e.errno == errno.EAGAIN else f"fork failed: {e}")
        return {"header": None, "payload": None, "out": Stream(0), "err": Stream(0), "timedOut": False,
                "oversized": None, "malformed": False, "status": None, "spawnError": f"it could not start: {why}",
                "elapsed": 0.0, "forkMs": 0.0}
    if pid == 0:
        try:
            os.close(res_r), os.close(out_r), os.close(err_r)
            child_setup(out_w, err_w, res_w, limits, install_filter)
            target()
            flush_std()
        except BaseException:
            try:
                traceback.print_exc()
                flush_std()
            except BaseException:
                pass
        finally:
            _exit(0)
    fork_ms = (_monotonic() - forked) * 1000
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    os.close(res_w), os.close(out_w), os.close(err_w)
    started = _monotonic()
    deadline = started + limits["timeoutMs"] / 1000.0
    out, err = Stream(limits["outputBytes"]), Stream(limits["outputBytes"])
    res = bytearray()
    streams = {res_r: None, out_r: out, err_r: err}
    poller = select.poll()
    for fd in streams:
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    timed_out = oversized = False
    res_closed_at = None
    while streams:
        now = _monotonic()
        if now >= deadline:
            timed_out = True
            break
        wait = deadline - now
        if res_closed_at is not None:
            if now - res_closed_at > OUTPUT_GRACE_S:
                break
            wait = min(wait, OUTPUT_GRACE_S)
        for fd, _ in poller.poll(max(1, int(wait * 1000))):
            if fd not in streams:
                continue
            try:
                data = _os_read(fd, 1 << 16)
            except OSError:
                data = b""
            if not data:
                poller.unregister(fd)
                del streams[fd]
                if fd == res_r:
                    res_closed_at = _monotonic()
                continue
            s = streams[fd]
            if s is None:
                res += data
                # the sizes announced up front are enough to refuse a report: no need to read it
                oversized = _oversized_result(res, max_result)
                if oversized:
                    streams.clear()
                    break
            else:
                s.feed(data)
    # the child's work is over (or its time is): nothing of it may outlive this point
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass
    _, status = os.waitpid(pid, 0)
    for fd in (res_r, out_r, err_r):
        os.close(fd)
    elapsed = _monotonic() - started
    header = payload = None
    malformed = False
    if not timed_out and not oversized and len(res) >= 12:
        hlen, plen = struct.unpack(">IQ", res[:12])
        if hlen <= MAX_HEADER_BYTES and 12 + hlen + plen == len(res):
            try:
                header = _json_loads(bytes(res[12:12 + hlen]))
                if not isinstance(header, dict):
                    header = None
                    malformed = True
            except Exception:  # RecursionError too: the bytes come from hostile code
                header = None
                malformed = True
            payload = bytes(res[12 + hlen:]) if header is not None else None
        else:
            malformed = True
    elif not timed_out and not oversized and res:
        malformed = True
    return {"header": header, "payload": payload, "out": out, "err": err, "timedOut": timed_out,
            "oversized": oversized, "malformed": malformed, "status": status, "elapsed": elapsed,
            "forkMs": fork_ms}


def _oversized_result(res, max_result):
    """Why the result being received is refused, or None."""
    if len(res) >= 12:
        hlen, plen = struct.unpack_from(">IQ", res)
        if hlen > MAX_HEADER_BYTES:
            return f"its report about itself was larger than {fmt_size(MAX_HEADER_BYTES)}"
        if 12 + hlen + plen > max_result:
            return "its result was larger than the memory limit"
    return "its result was larger than the memory limit" if len(res) > max_result else None


def death_note(r):
    if r.get("spawnError"):
        return r["spawnError"]
    st = r["status"]
    if os.WIFSIGNALED(st):
        sig = os.WTERMSIG(st)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        extra = " (CPU time limit)" if sig == signal.SIGXCPU else ""
        return f"the process was killed by {name}{extra}"
    return f"the process exited with status {os.WEXITSTATUS(st)} without reporting a result"


def as_case_error(e, source):
    if not isinstance(e, dict):
        return None
    out = {"type": str(e.get("type", "Error"))[:200], "message": str(e.get("message", ""))[:MAX_REPR_CHARS],
           "traceback": str(e.get("traceback", ""))[:MAX_TRACEBACK_CHARS], "source": source}
    if isinstance(e.get("line"), int) and not isinstance(e.get("line"), bool):
        out["line"] = e["line"]
    return out


def clean_call(c):
    out = {"name": str(c.get("name", ""))[:200]}
    try:
        args = _json_dumps(c.get("args"), ensure_ascii=False)
        out["args"] = c.get("args") if len(args) <= MAX_TOOL_ARGS_CHARS + 10 else args[:MAX_TOOL_ARGS_CHARS] + "…"
    except Exception:
        out["args"] = None
    for k in ("result", "error"):
        if k in c:
            out[k] = str(c[k])[:MAX_REPR_CHARS + 1]
    if "call" in c:
        out["call"] = str(c["call"])[:MAX_TOOL_ARGS_CHARS + 1]
    return out


def join_output(case_stream, ver_stream, label):
    s = case_stream.text()
    if ver_stream is not None and ver_stream.total:
        s += f"\n[verifier {label}]\n" + ver_stream.text()
    return s


def handle_case(tools, state, fp, cmd, case_filter, limits):
    t0 = _monotonic()
    max_result = max(int(limits["memoryBytes"]), 64 << 20)
    c = run_child(lambda: case_child(tools, state, fp, cmd), limits, case_filter, max_result)
    result = {"role": cmd["role"], "index": cmd["index"], "toolCalls": [], "messages": []}
    h = c["header"]
    if c["timedOut"]:
        result.update(outcome="timeout", caseError=simple_error(
            "Timeout", f"the case did not finish within {limits['timeoutMs']} ms", "case"))
        result.update(stdout=c["out"].text(), stderr=c["err"].text(), durationMs=(_monotonic() - t0) * 1000)
        return result
    if h is None:
        why = (c["oversized"] if c["oversized"] else
               "its result channel was corrupted" if c["malformed"] else death_note(c))
        result.update(outcome="error", caseError=simple_error("CaseCrashed", f"the case did not complete: {why}", "case"))
        result.update(stdout=c["out"].text(), stderr=c["err"].text(), durationMs=(_monotonic() - t0) * 1000)
        return result
    ce = as_case_error(h.get("caseError"), "case")
    if ce:
        result["caseError"] = ce
    # what the case says about itself is informative only, and bounded here whatever it wrote (an
    # honest report, markers included, passes unchanged)
    msgs = h.get("messages")
    result["messages"] = bound_messages(msgs, MAX_MESSAGES_SHOWN + 1, MAX_MESSAGE_SHOWN_CHARS + 1,
                                        MAX_MESSAGES_BYTES + 256) if isinstance(msgs, list) else []
    calls = h.get("toolCalls")
    if isinstance(calls, list):
        calls, omitted = bound_calls(calls, MAX_TOOL_CALLS_SHOWN + 1, MAX_TOOL_CALLS_BYTES + 256)
        if omitted:
            calls.append(omitted_calls(omitted))
        result["toolCalls"] = calls
    tr = bound_trace(h.get("trace"))
    if tr is not None:
        result["trace"] = tr
    if h.get("transferError"):
        result.update(outcome="error", verifyError=simple_error(
            "StateTransferError", str(h["transferError"])[:MAX_REPR_CHARS], "case"))
        result.update(stdout=c["out"].text(), stderr=c["err"].text(), durationMs=(_monotonic() - t0) * 1000)
        return result
    payload = c["payload"] or b'{"ops":[],"messages":[]}'
    del c["payload"]
    v = run_child(lambda: verifier_child(state, cmd, payload), limits, case_filter, 1 << 20)
    del payload
    vh = v["header"]
    if vh is not None:
        strength_fields(vh, result)
    if v["timedOut"]:
        result.update(outcome="timeout", verifyError=simple_error(
            "Timeout", f"verify did not finish within {limits['timeoutMs']} ms", "verifier"))
    elif vh is None:
        why = "its result channel was corrupted" if v["malformed"] else death_note(v)
        result.update(outcome="error", verifyError=simple_error("VerifierCrashed", f"verify did not complete: {why}", "verifier"))
    elif vh.get("stage") == "done":
        result["outcome"] = "pass" if vh.get("pass") is True else "fail"
        result["returnRepr"] = str(vh.get("returnRepr", ""))[:MAX_REPR_CHARS + 1]
        result["verifierLoad"] = "ok"
    else:
        src = "case" if vh.get("stage") == "transfer" else "verifier"
        result.update(outcome="error", verifyError=as_case_error(vh.get("error"), src)
                      or simple_error("VerifierError", "verify failed", src))
        if vh.get("stage") == "verify":
            result["verifierLoad"] = "ok"
        elif vh.get("stage") == "load":
            result["verifierLoad"] = "failed"
            result["verifierError"] = result["verifyError"]
    result["stdout"] = join_output(c["out"], v["out"], "stdout")
    result["stderr"] = join_output(c["err"], v["err"], "stderr")
    result["durationMs"] = (_monotonic() - t0) * 1000
    ct, vt = _times(h.get("t")), _times(vh.get("t") if vh is not None else None)
    result["timing"] = {"fork": c["forkMs"] + v["forkMs"], "case": ct[0], "handover": ct[1] + vt[0], "verify": vt[1]}
    return result


def _times(t):
    """Two durations a child reported about itself (informative, for the profile), else zeros."""
    if type(t) is list and len(t) == 2 and all(type(x) in (int, float) and 0 <= x < 1e7 for x in t):
        return t
    return [0.0, 0.0]


def handle_check(cmd, case_filter, limits):
    r = run_child(lambda: check_child(cmd), limits, case_filter, 1 << 20)
    h = r["header"]
    if r["timedOut"]:
        return {"ok": False, "error": simple_error(
            "Timeout", f"loading the verifier did not finish within {limits['timeoutMs']} ms", "verifier")}
    if h is None:
        return {"ok": False, "error": simple_error("VerifierCrashed", f"loading the verifier failed: {death_note(r)}", "verifier")}
    if h.get("stage") == "ok":
        return {"ok": True}
    return {"ok": False, "error": as_case_error(h.get("error"), "verifier")
            or simple_error("VerifierInvalid", "the verifier did not load", "verifier")}


# ---------------------------------------------------------------------------------------------
# verifier strength (issue 11): what a case changed, what the verifier read, variants of the solution
#
# Everything here runs in children that already run task code (the case child, the verifier child)
# or in a child of its own (the probe plan, which parses the solution and never runs it). What it
# reports is evidence about the task, informative like a case's tool-call log: a hostile task can
# hide its own leniency, nothing more. The boundary is unchanged: the verifier still receives only
# the case's final state and messages, as data.

MAX_DIFF_ENTRIES = 50
_TOOL_SCHEMAS = None  # the pack's, set by main()
MAX_DIFF_BYTES = 16 << 10
MAX_DIFF_VALUE_CHARS = 200
# Changes walked per case before the rest is only counted (a case may rewrite the whole state).
MAX_DIFF_NODES = 2_000_000
# Changed paths kept to compare with what the verifier read.
MAX_CHANGED_PATHS = 20_000
MAX_UNREAD_SHOWN = 50
# Paths the verifier read, recorded before the record counts as "read everything".
MAX_READS = 500_000
MAX_PROBE_SOURCE_CHARS = 100_000
MAX_PROBE_VARIANTS = 100
# All variants' code together, well under a child's report limit (MAX_HEADER_BYTES).
MAX_PLAN_BYTES = 3 << 20
MAX_TRACE_TEXTS = 3
MAX_SIBLINGS = 64
_MISSING = object()
_NUMBER = re.compile(r"(?<![\w.#])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")


def _canon(v):
    """Canonical JSON text of a state value (tagged like the transfer, keys sorted)."""
    try:
        return _json_dumps(encode_value(v), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=True)
    except BaseException:
        return safe_repr(v)


def _short(v):
    s = _canon(v)
    return s if len(s) <= MAX_DIFF_VALUE_CHARS else s[:MAX_DIFF_VALUE_CHARS] + "…"


def _path_key(k):
    return k if type(k) in (str, int) else safe_repr(k)


class Changes:
    """The changes of a final state against the pristine one: a bounded list to show, every changed
    path (to compare with what the verifier read), and an order-independent hash of all of them."""

    def __init__(self):
        self.entries, self.bytes, self.total, self.nodes = [], 0, 0, 0
        self.paths, self.paths_complete = [], True
        self.acc, self.complete = 0, True

    def add(self, op, path, before, after):
        self.total += 1
        if len(self.paths) < MAX_CHANGED_PATHS:
            self.paths.append(tuple(path))
        else:
            self.paths_complete = False
        after_text = "" if after is _MISSING else _canon(after)
        digest = hashlib.sha256(_canon([[_path_key(k) for k in path], op, after_text]).encode("utf-8", "surrogatepass"))
        self.acc = (self.acc + int.from_bytes(digest.digest(), "big")) % (1 << 256)
        if len(self.entries) >= MAX_DIFF_ENTRIES or self.bytes >= MAX_DIFF_BYTES:
            return
        e = {"path": [_path_key(k) for k in path], "op": op}
        if before is not _MISSING:
            e["before"] = _short(before)
        if after is not _MISSING:
            e["after"] = after_text if len(after_text) <= MAX_DIFF_VALUE_CHARS else after_text[:MAX_DIFF_VALUE_CHARS] + "…"
        cost = _json_size(e) or MAX_DIFF_BYTES
        if self.bytes + cost > MAX_DIFF_BYTES:
            self.bytes = MAX_DIFF_BYTES
            return
        self.bytes += cost
        self.entries.append(e)

    def report(self):
        return {"entries": self.entries, "more": self.total - len(self.entries)}

    def state_hash(self):
        return f"{self.acc:064x}" if self.complete else None


def _same_scalar(a, b):
    if type(a) is not type(b):
        return False
    try:
        if a == b:
            return True
    except BaseException:
        pass
    return _canon(a) == _canon(b)


def _walk_changes(old, new, path, ch, depth=0):
    ch.nodes += 1
    if ch.nodes > MAX_DIFF_NODES:
        ch.complete = False
        return
    to, tn = type(old), type(new)
    if depth > 150 or not ((to is dict and tn is dict) or (to is list and tn is list)):
        if not _same_scalar(old, new):
            ch.add("changed", path, old, new)
        return
    if to is dict:
        for k in old:
            if k not in new:
                ch.add("removed", path + [k], old[k], _MISSING)
        for k, v in new.items():
            if k in old:
                _walk_changes(old[k], v, path + [k], ch, depth + 1)
            else:
                ch.add("added", path + [k], _MISSING, v)
        return
    m = min(len(old), len(new))
    for i in range(m):
        _walk_changes(old[i], new[i], path + [i], ch, depth + 1)
    for i in range(m, len(old)):
        ch.add("removed", path + [i], old[i], _MISSING)
    for i in range(m, len(new)):
        ch.add("added", path + [i], _MISSING, new[i])


def _lookup(state, path):
    cur = state
    for k in path:
        try:
            cur = cur[k]
        except BaseException:
            return _MISSING
    return cur


def state_changes(pristine, ops):
    """What the ops (a diff_state result, as the verifier decoded it) change, read against the still
    pristine state before they are applied. Their paths are disjoint, so each is compared alone."""
    ch = Changes()
    for op in ops:
        kind, path = op[0], list(op[1])
        old = _lookup(pristine, path)
        if kind == "set":
            if old is _MISSING:
                ch.add("added", path, _MISSING, op[2])
            else:
                _walk_changes(old, op[2], path, ch)
        elif kind == "del":
            if old is not _MISSING:
                ch.add("removed", path, old, _MISSING)
        elif kind == "tail" and type(old) is list:
            m, tail = op[2], op[3]
            for i in range(m, max(len(old), m + len(tail))):
                a = old[i] if i < len(old) else _MISSING
                b = tail[i - m] if i - m < len(tail) else _MISSING
                if a is _MISSING:
                    ch.add("added", path + [i], _MISSING, b)
                elif b is _MISSING:
                    ch.add("removed", path + [i], a, _MISSING)
                else:
                    _walk_changes(a, b, path + [i], ch)
    return ch


def messages_hash(messages):
    return hashlib.sha256(_canon(list(messages)).encode("utf-8", "surrogatepass")).hexdigest()


# --- what the verifier read ---------------------------------------------------------------------
#
# verify() gets the state wrapped in dict/list subclasses that record the paths it reads: a scalar
# read is a read of that path; a read of a whole container (iterating it, items()/values()/keys(),
# ==, len, repr, copies, json.dumps — whose C encoder calls items() on dict subclasses — pickling)
# covers everything under it. A write is unread when no read covers it, lies under it, or names it.


class Reads:
    def __init__(self):
        self.leaf, self.whole, self.overflow = set(), set(), False

    def add(self, path, whole):
        if self.overflow:
            return
        (self.whole if whole else self.leaf).add(path)
        if len(self.leaf) + len(self.whole) > MAX_READS:
            self.overflow = True

    def covers(self, path):
        if self.overflow:
            return True
        for i in range(len(path) + 1):
            p = path[:i]
            if p in self.whole or (i < len(path) and p in self.leaf):
                return True
        return path in self.leaf

    def below(self):
        """Every proper prefix of a read path: a write at one of them had part of it read."""
        out = set()
        for p in self.leaf | self.whole:
            for i in range(len(p)):
                out.add(p[:i])
        return out


def _wrap(v, path, reads):
    t = type(v)
    if t is dict:
        return TrackedDict._make(v, path, reads)
    if t is list:
        return TrackedList._make(v, path, reads)
    reads.add(path, False)
    return v


class TrackedDict(dict):
    __slots__ = ("_p", "_r", "_kids")

    @classmethod
    def _make(cls, raw, path, reads):
        d = cls(raw)
        d._p, d._r, d._kids = path, reads, {}
        return d

    def _all(self):
        self._r.add(self._p, True)

    def __getitem__(self, k):
        try:
            kid = self._kids.get(k)
        except TypeError:
            kid = None
        if kid is not None:
            return kid
        try:
            v = dict.__getitem__(self, k)
        except KeyError:
            self._r.add(self._p + (k,), False)
            raise
        w = _wrap(v, self._p + (k,), self._r)
        if w is not v:
            self._kids[k] = w
        return w

    def get(self, k, default=None):
        try:
            return self[k]
        except KeyError:
            return default
        except TypeError:
            self._all()
            return dict.get(self, k, default)

    def __contains__(self, k):
        try:
            self._r.add(self._p + (k,), False)
        except TypeError:
            self._all()
        return dict.__contains__(self, k)

    def __setitem__(self, k, v):
        self._kids.pop(k, None)
        dict.__setitem__(self, k, v)

    def __delitem__(self, k):
        self._kids.pop(k, None)
        dict.__delitem__(self, k)

    def pop(self, k, *default):
        self._kids.pop(k, None)
        self._r.add(self._p + (k,), True)
        return dict.pop(self, k, *default)

    def setdefault(self, k, default=None):
        if dict.__contains__(self, k):
            return self[k]
        self._r.add(self._p + (k,), False)
        return dict.setdefault(self, k, default)

    def _raw(self):
        # the verifier may have replaced children; what it reads whole is the dict as it is now
        return {k: (dict.__getitem__(self, k)) for k in dict.__iter__(self)}

    def __iter__(self):
        self._all()
        return dict.__iter__(self)

    def __reversed__(self):
        self._all()
        return dict.__reversed__(self)

    def __len__(self):
        self._all()
        return dict.__len__(self)

    def keys(self):
        self._all()
        return dict.keys(self)

    def values(self):
        self._all()
        return dict.values(self)

    def items(self):
        self._all()
        return dict.items(self)

    def __eq__(self, other):
        self._all()
        return dict.__eq__(self, other)

    def __ne__(self, other):
        self._all()
        return dict.__ne__(self, other)

    def __repr__(self):
        self._all()
        return dict.__repr__(self)

    __str__ = __repr__

    def __or__(self, other):
        self._all()
        return dict.__or__(self._raw(), other)

    def __ror__(self, other):
        self._all()
        return dict.__or__(dict(other), self._raw())

    def copy(self):
        self._all()
        return self._raw()

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        self._all()
        import copy as _copy
        return _copy.deepcopy(self._raw(), memo)

    def __reduce_ex__(self, proto):
        self._all()
        return (dict, (self._raw(),))

    def popitem(self):
        self._all()
        return dict.popitem(self)

    __hash__ = None


class TrackedList(list):
    __slots__ = ("_p", "_r", "_kids")

    @classmethod
    def _make(cls, raw, path, reads):
        lst = cls(raw)
        lst._p, lst._r, lst._kids = path, reads, {}
        return lst

    def _all(self):
        self._r.add(self._p, True)

    def __getitem__(self, i):
        if type(i) is not int:
            self._all()
            return list.__getitem__(self, i)
        n = list.__len__(self)
        j = i + n if i < 0 else i
        kid = self._kids.get(j)
        if kid is not None:
            return kid
        try:
            v = list.__getitem__(self, i)
        except IndexError:
            self._all()
            raise
        w = _wrap(v, self._p + (j,), self._r)
        if w is not v:
            self._kids[j] = w
        return w

    def __setitem__(self, i, v):
        self._kids.clear()
        list.__setitem__(self, i, v)

    def __delitem__(self, i):
        self._kids.clear()
        list.__delitem__(self, i)

    def _reading(name):
        base = getattr(list, name)

        def method(self, *args, **kwargs):
            self._all()
            if name in ("append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear", "__iadd__", "__imul__"):
                self._kids.clear()
            return base(self, *args, **kwargs)

        method.__name__ = name
        return method

    for _name in ("__iter__", "__reversed__", "__len__", "__contains__", "__eq__", "__ne__", "__lt__", "__le__",
                  "__gt__", "__ge__", "__repr__", "__add__", "__mul__", "__rmul__", "index", "count", "copy",
                  "append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear", "__iadd__", "__imul__"):
        locals()[_name] = _reading(_name)
    del _name, _reading
    __str__ = __repr__

    def __copy__(self):
        self._all()
        return list(list.__iter__(self))

    def __deepcopy__(self, memo):
        self._all()
        import copy as _copy
        return _copy.deepcopy(list(list.__iter__(self)), memo)

    def __reduce_ex__(self, proto):
        self._all()
        return (list, (list(list.__iter__(self)),))

    __hash__ = None


def unread_writes(ch, reads):
    """The changed paths no read covers (none is under a whole read, names it, or lies under it)."""
    unread = [p for p in ch.paths if not reads.covers(p)]
    if unread:
        below = reads.below()
        unread = [p for p in unread if p not in below]
    shown = [[_path_key(k) for k in p] for p in unread[:MAX_UNREAD_SHOWN]]
    return {"paths": shown, "total": len(unread), "complete": ch.paths_complete and ch.complete}


# --- the same run again, with another seed and another clock ------------------------------------


def perturb_process(p):
    """Reseeds `random` and shifts the clock (time.time and friends, datetime's now/today) in this
    child: the baseline and the variants run with seed 0 and the real clock; the rerun that looks
    for flakiness with another seed and a clock shifted by hours."""
    if not isinstance(p, dict):
        return
    import random
    seed = p.get("seed")
    if type(seed) is int:
        random.seed(seed)
    shift = p.get("shift")
    if type(shift) not in (int, float) or not shift:
        return
    import datetime as dt
    real_time, real_ns = time.time, time.time_ns
    real_local, real_gm, real_ctime, real_strftime = time.localtime, time.gmtime, time.ctime, time.strftime
    time.time = lambda: real_time() + shift
    time.time_ns = lambda: real_ns() + int(shift * 1e9)
    time.localtime = lambda secs=None: real_local(time.time() if secs is None else secs)
    time.gmtime = lambda secs=None: real_gm(time.time() if secs is None else secs)
    time.ctime = lambda secs=None: real_ctime(time.time() if secs is None else secs)
    time.strftime = lambda fmt, t=None: real_strftime(fmt, time.localtime() if t is None else t)
    delta = dt.timedelta(seconds=shift)
    base_dt, base_date = dt.datetime, dt.date

    class ShiftedDatetime(base_dt):
        @classmethod
        def now(cls, tz=None):
            return base_dt.now(tz) + delta

        @classmethod
        def utcnow(cls):
            return base_dt.utcnow() + delta

        @classmethod
        def today(cls):
            return base_dt.now() + delta

    class ShiftedDate(base_date):
        @classmethod
        def today(cls):
            return (base_dt.now() + delta).date()

    dt.datetime, dt.date = ShiftedDatetime, ShiftedDate


# --- call sites of the solution, and the variants made from them --------------------------------


def call_sites(tree, names):
    """The calls of a tool or respond() by name, in a fixed order (the case child that traces the
    solution and the child that plans its variants number them the same way)."""
    import ast
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names]


def instrument(source, filename, names):
    """The solution compiled with each call site wrapped, so the tool wrappers know which site
    called them; None when it does not parse (it then runs as it is)."""
    import ast
    try:
        tree = ast.parse(source, filename)
        for i, node in enumerate(call_sites(tree, names)):
            wrapped = ast.Call(func=ast.Name("__cat_site__", ast.Load()), args=[ast.Constant(i), node.func], keywords=[])
            node.func = ast.copy_location(wrapped, node.func)
        ast.fix_missing_locations(tree)
        return compile(tree, filename, "exec", dont_inherit=True)
    except BaseException:
        return None


class Trace:
    """Per call site of the solution: how often it ran, whether it changed the state, what it said."""

    def __init__(self, state, fp):
        self.state, self.fp, self.site, self.sites, self.last_respond = state, fp, [None], {}, None

    def at(self, i, fn):
        def call(*args, **kwargs):
            self.site[0] = i
            try:
                return fn(*args, **kwargs)
            finally:
                self.site[0] = None
        return call

    def take(self):
        """The site calling now, once (a tool that calls respond() is not that call's site)."""
        i, self.site[0] = self.site[0], None
        return i

    def signature(self):
        """What the state holds where it differs from the pristine one. diff_state may also send
        unchanged parts (a reference the case holds into the state changes marshal's bytes, and a
        read-only tool's deep copy shares the state's strings): those are compared with the
        fingerprinted pristine values and left out, so a read does not look like a write."""
        try:
            ops = changed_ops(self.state, self.fp)
            kept = [o for o in ops if not (o[0] == "set" and _pristine_equal(self.fp, o[1], o[2]))]
            return _json_dumps([[o[0], [_path_key(k) for k in o[1]]] + [encode_value(x) for x in o[2:]] for o in kept],
                               sort_keys=True, default=str)
        except BaseException:
            return None

    def note(self, i, name, changed=False, text=None, args=None):
        s = self.sites.setdefault(i, {"site": i, "name": name, "calls": 0, "changed": False})
        s["calls"] += 1
        s["changed"] = s["changed"] or changed
        if args is not None and s["calls"] == 1:
            # the values the first call got, where they are plain (a variable's value, for variants)
            s["args"] = {"pos": [_plain_arg(a) for a in args[0][:20]],
                         "kw": {k: _plain_arg(v) for k, v in list(args[1].items())[:20] if type(k) is str}}
        if text is not None:
            texts = s.setdefault("texts", [])
            if len(texts) < MAX_TRACE_TEXTS:
                texts.append(text[:MAX_MESSAGE_SHOWN_CHARS])
            self.last_respond = i

    def report(self):
        out = {"sites": [self.sites[k] for k in sorted(self.sites)][:MAX_TOOL_CALLS_SHOWN]}
        if self.last_respond is not None:
            out["lastRespond"] = self.last_respond
        return out


def _plain_arg(v):
    """A call argument as data the plan can use: a short string or a number, or a short list of them."""
    t = type(v)
    if t is str:
        return v if len(v) <= 200 else None
    if t in (int, float):
        return v
    if t in (list, tuple) and len(v) <= 20 and all(type(x) in (str, int, float) and (type(x) is not str or len(x) <= 200) for x in v):
        return list(v)
    return None


def _pristine_equal(f, path, value):
    """Whether the pristine state holds `value` at `path`, read from the zygote's fingerprints."""
    try:
        for n, k in enumerate(path):
            if type(f) is bytes:
                cur = marshal.loads(f)  # our own bytes, made in the zygote
                for kk in path[n:]:
                    cur = cur[kk]
                return type(cur) is type(value) and cur == value
            if f.kind is dict:
                if f.oldkeys is None:
                    f.oldkeys = marshal.loads(f.keys)
                    f.keypos = {kk: i for i, kk in enumerate(f.oldkeys)}
                if k not in f.keypos:
                    return False
                f = _child_fp(f, f.keypos[k])
            else:
                if type(k) is not int or not 0 <= k < f.n:
                    return False
                f = _child_fp(f, k)
        return type(f) is bytes and (lambda cur: type(cur) is type(value) and cur == value)(marshal.loads(f))
    except BaseException:
        return False


def bound_trace(t):
    """The trace as the case child reported it (informative: the solution ran there), bounded."""
    if not isinstance(t, dict) or not isinstance(t.get("sites"), list):
        return None
    sites = []
    for s in t["sites"][:MAX_TOOL_CALLS_SHOWN]:
        if isinstance(s, dict) and type(s.get("site")) is int and type(s.get("calls")) is int:
            out = {"site": s["site"], "name": str(s.get("name", ""))[:200], "calls": s["calls"], "changed": s.get("changed") is True}
            if isinstance(s.get("texts"), list):
                out["texts"] = [x[:MAX_MESSAGE_SHOWN_CHARS] for x in s["texts"][:MAX_TRACE_TEXTS] if type(x) is str]
            a = s.get("args")
            if isinstance(a, dict) and isinstance(a.get("pos"), list) and isinstance(a.get("kw"), dict):
                out["args"] = {"pos": [_plain_arg(x) for x in a["pos"][:20]],
                               "kw": {str(k)[:200]: _plain_arg(x) for k, x in list(a["kw"].items())[:20]}}
            sites.append(out)
    out = {"sites": sites}
    if type(t.get("lastRespond")) is int:
        out["lastRespond"] = t["lastRespond"]
    return out


def _trace_sites(trace):
    """The trace as the host passed it back: {site: info}, checked (it came from the solution's run)."""
    out = {}
    sites = trace.get("sites") if isinstance(trace, dict) else None
    for s in sites if isinstance(sites, list) else []:
        if isinstance(s, dict) and type(s.get("site")) is int and type(s.get("calls")) is int:
            texts = s.get("texts")
            a = s.get("args") if isinstance(s.get("args"), dict) else {}
            out[s["site"]] = {"calls": s["calls"], "changed": s.get("changed") is True,
                              "texts": [t for t in texts if type(t) is str] if isinstance(texts, list) else [],
                              "pos": a.get("pos") if isinstance(a.get("pos"), list) else [],
                              "kw": a.get("kw") if isinstance(a.get("kw"), dict) else {}}
    return out


def _schema_params(schemas):
    """tool name -> (parameter names in order, {name: property schema})."""
    out = {}
    for s in schemas if isinstance(schemas, list) else []:
        f = s.get("function", s) if isinstance(s, dict) else None
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            continue
        params = f.get("parameters")
        props = params.get("properties") if isinstance(params, dict) else None
        if isinstance(props, dict):
            out[f["name"]] = (list(props), props)
    return out


def _enum_of(prop):
    if not isinstance(prop, dict):
        return None
    e = prop.get("enum")
    if isinstance(e, list):
        return e
    items = prop.get("items")
    if isinstance(items, dict) and isinstance(items.get("enum"), list):
        return items["enum"]
    return None


class StateIndex:
    """Where literal values occur in the pristine state, and the values found beside them."""

    def __init__(self, state, values, fields):
        self.state = state
        self.occ = {}
        self.fields = {f: [] for f in fields}
        targets = set(values)
        stack = [((), state)]
        seen = 0
        while stack and seen < 3_000_000:
            path, node = stack.pop()
            seen += 1
            t = type(node)
            if t is dict:
                items = list(node.items())
            elif t is list:
                items = list(enumerate(node))
            else:
                continue
            for k, v in reversed(items):
                p = path + (k,)
                tv = type(v)
                if t is dict and type(k) in (str, int) and k in targets:
                    self.occ.setdefault(k, []).append(("key", p))
                if tv is dict or tv is list:
                    stack.append((p, v))
                    continue
                if tv in (str, int, float) and v in targets and not isinstance(v, bool):
                    self.occ.setdefault(v, []).append(("value", p))
                if t is dict and k in self.fields and tv is str and len(self.fields[k]) < 200 and v not in self.fields[k]:
                    self.fields[k].append(v)

    def siblings(self, value, context):
        """Other values of the same kind: other keys of the dict where it is a key; other records'
        values at the same place where it is a value. Those whose path names another argument of the
        same call (its order, its user) come first, then keys (another variant of the product) before
        values found in unrelated records, then the smallest sets."""
        found = []
        for kind, path in self.occ.get(value, []):
            ctx = any(c in path for c in context)
            if kind == "key":
                parent = _lookup(self.state, list(path[:-1]))
                if type(parent) is dict and 1 < len(parent) <= MAX_SIBLINGS + 1:
                    found.append((not ctx, 0, len(parent), [k for k in parent if k != value and type(k) is type(value)]))
                continue
            for i in range(len(path) - 1, -1, -1):
                holder = _lookup(self.state, list(path[:i]))
                suffix = list(path[i + 1:])
                if type(holder) is list or (type(holder) is dict and suffix):
                    keys = range(len(holder)) if type(holder) is list else list(holder)
                    if not 1 < len(keys) <= MAX_SIBLINGS + 1:
                        continue
                    vals = []
                    for j in keys:
                        if j == path[i]:
                            continue
                        v = _lookup(holder[j], suffix)
                        if type(v) is type(value) and v != value and v not in vals:
                            vals.append(v)
                    if vals:
                        found.append((not ctx, 1, len(keys), vals))
                        break
        found.sort(key=lambda f: f[:3])
        out = []
        for _, _, _, vals in found:
            for v in vals:
                if v not in out:
                    out.append(v)
        return out


def _nearby(v):
    if type(v) is int:
        return [v + 1] + ([v - 1] if v > 0 else [])
    if type(v) is float:
        text = repr(v)
        places = len(text.split(".")[1]) if "." in text and "e" not in text else 0
        step = 10 ** -min(places, 6) if places else 1.0
        return [round(v + step, places)]
    return []


def _perturbed_numbers(text, limit=3):
    """(label, new text) pairs: each number's last digit changed, and the text without it."""
    out = []
    for m in list(_NUMBER.finditer(text))[:limit]:
        num = m.group(0)
        last = num[-1]
        changed = num[:-1] + str((int(last) + 1) % 10)
        out.append((f"{num} → {changed}", text[:m.start()] + changed + text[m.end():]))
        without = (text[:m.start()].rstrip() + " " + text[m.end():].lstrip()).strip()
        out.append((f"without {num}", without))
    return out


def plan_probes(source, trace, schemas, state, names, cap, state_changed):
    """Variants of the solution that a correct verifier should reject, from its AST: the empty
    program; without the final respond (answer tasks); each state-changing call removed; truncated
    after each; each literal argument of a state-changing call replaced by another valid value (an
    enum member, another key of the same kind in the state, another value of the same field, a
    nearby number); each number of an answer perturbed or removed. Round robin over the kinds, up
    to `cap`, without duplicates or copies of the solution."""
    import ast
    import copy
    if len(source) > MAX_PROBE_SOURCE_CHARS:
        return {"variants": [], "note": "the solution is too long to make variants of"}
    tree = ast.parse(source, "<solution>")
    sites = call_sites(tree, names)
    info = _trace_sites(trace)
    last_respond = trace.get("lastRespond") if isinstance(trace, dict) else None
    params = _schema_params(schemas)
    writes = [i for i, n in enumerate(sites) if n.func.id != "respond" and info.get(i, {}).get("changed")]
    queues = {k: [] for k in ("empty", "respond", "removed", "enum", "key", "field", "number", "answer", "truncated")}

    def line_of(i):
        return getattr(sites[i], "lineno", "?")

    def variant(kind, label, edit):
        queues[kind].append((label, edit))

    def replace_call(i, new_node_fn):
        def edit(t):
            node = call_sites(t, names)[i]
            repl = new_node_fn(node)
            for parent in ast.walk(t):
                for field, value in ast.iter_fields(parent):
                    if value is node:
                        setattr(parent, field, ast.copy_location(repl, node))
                        return t
                    if isinstance(value, list):
                        for j, x in enumerate(value):
                            if x is node:
                                value[j] = ast.copy_location(repl, node)
                                return t
            return t
        return edit

    variant("empty", "the empty program", None)
    if not state_changed and type(last_respond) is int and 0 <= last_respond < len(sites):
        variant("respond", f"without the final respond (line {line_of(last_respond)})",
                replace_call(last_respond, lambda n: ast.Constant(None)))
    for i in writes:
        name = sites[i].func.id
        variant("removed", f"without the call to {name} (line {line_of(i)})", replace_call(i, lambda n: ast.Constant(None)))
        top = next((j for j, stmt in enumerate(tree.body) if any(x is sites[i] for x in ast.walk(stmt))), None)
        if top is not None and top + 1 < len(tree.body):
            def cut(t, top=top):
                t.body = t.body[:top + 1]
                return t
            variant("truncated", f"stopped after the call to {name} (line {line_of(i)})", cut)

    # literal arguments of the state-changing calls, and the state's values beside them
    # the arguments of the state-changing calls: literals, and, where the code passed a variable, the
    # value it had when the solution ran (a variant then passes another value as a literal)
    literals = []
    for i in writes:
        node = sites[i]
        order, props = params.get(node.func.id, ([], {}))
        ran = info.get(i, {})
        slots = [(f"#{j}", order[j] if j < len(order) else None, a, (ran.get("pos") or [])[j] if j < len(ran.get("pos") or []) else None)
                 for j, a in enumerate(node.args) if not isinstance(a, ast.Starred)]
        slots += [(kw.arg, kw.arg, kw.value, (ran.get("kw") or {}).get(kw.arg)) for kw in node.keywords if kw.arg]
        scalar = lambda v: type(v) in (str, int, float)
        values = []
        for slot, pname, a, rv in slots:
            if isinstance(a, (ast.List, ast.Tuple)):
                for k, e in enumerate(a.elts):
                    v = e.value if isinstance(e, ast.Constant) else (rv[k] if isinstance(rv, list) and k < len(rv) and len(rv) == len(a.elts) else None)
                    if scalar(v):
                        values.append((slot, pname, k, v, None))
            elif isinstance(a, ast.Constant):
                if scalar(a.value):
                    values.append((slot, pname, None, a.value, None))
            elif isinstance(rv, list):
                for k, v in enumerate(rv):
                    if scalar(v):
                        values.append((slot, pname, k, v, rv))
            elif scalar(rv):
                values.append((slot, pname, None, rv, None))
        context = [v for _, _, _, v, _ in values if type(v) is str]
        for slot, pname, k, v, whole in values:
            literals.append((i, slot, pname, props.get(pname) if pname else None, k, v, [c for c in context if c != v], whole))
    index = StateIndex(state, [lit[5] for lit in literals], [lit[2] for lit in literals if lit[2]])

    def substitute(i, slot, pos, new, whole=None):
        def edit(t):
            node = call_sites(t, names)[i]
            if slot.startswith("#"):
                holder, key = node.args, int(slot[1:])
            else:
                holder, key = next(kw for kw in node.keywords if kw.arg == slot), "value"
            target = holder[key] if isinstance(holder, list) else holder.value
            if whole is not None:
                # a variable holding a list: the list it held, with one element replaced
                new_list = ast.List([ast.Constant(new if j == pos else x) for j, x in enumerate(whole)], ast.Load())
                if isinstance(holder, list):
                    holder[key] = ast.copy_location(new_list, target)
                else:
                    holder.value = ast.copy_location(new_list, target)
            elif pos is not None:
                target.elts[pos] = ast.copy_location(ast.Constant(new), target.elts[pos])
            elif isinstance(holder, list):
                holder[key] = ast.copy_location(ast.Constant(new), target)
            else:
                holder.value = ast.copy_location(ast.Constant(new), target)
            return t
        return edit

    for i, slot, pname, prop, pos, value, context, whole in literals:
        name = sites[i].func.id
        where = f"{pname or 'argument ' + slot[1:]}{'' if pos is None else f'[{pos}]'} of {name} (line {line_of(i)})"
        members = _enum_of(prop)
        if members and value in members:
            for m in [x for x in members if x != value and type(x) in (str, int, float)][:2]:
                variant("enum", f"{where}: {value!r} → {m!r} (another value the schema allows)", substitute(i, slot, pos, m, whole))
            continue
        if type(value) in (int, float) and not isinstance(value, bool) and value not in index.occ:
            for m in _nearby(value)[:1]:
                variant("number", f"{where}: {value!r} → {m!r} (a nearby number)", substitute(i, slot, pos, m, whole))
            continue
        sib = index.siblings(value, context)
        if sib:
            for m in sib[:2]:
                variant("key", f"{where}: {value!r} → {m!r} (another of the same kind in the state)", substitute(i, slot, pos, m, whole))
            continue
        others = [v for v in index.fields.get(pname, []) if v != value] if pname else []
        if others and type(value) is str:
            variant("field", f"{where}: {value!r} → {others[0]!r} (another {pname} in the state)", substitute(i, slot, pos, others[0], whole))

    if not state_changed:
        for i, n in enumerate(sites):
            s = info.get(i)
            if n.func.id != "respond" or not s or s["calls"] != 1 or not s["texts"]:
                continue
            for label, text in _perturbed_numbers(s["texts"][0]):
                variant("answer", f"respond on line {line_of(i)}: {label}",
                        replace_call(i, lambda n, text=text: ast.Call(func=ast.Name("respond", ast.Load()),
                                                                       args=[ast.Constant(text)], keywords=[])))

    reference = ast.unparse(tree)
    out, seen, used = [], {reference}, 0
    kinds = [k for k in queues if queues[k]]
    while len(out) < cap and any(queues[k] for k in kinds):
        for kind in kinds:
            if len(out) >= cap or not queues[kind]:
                continue
            label, edit = queues[kind].pop(0)
            try:
                code = "pass" if edit is None else ast.unparse(ast.fix_missing_locations(edit(copy.deepcopy(tree))))
            except BaseException:
                continue
            if code in seen:
                continue
            seen.add(code)
            body = f"# probe: {label}\n{code}\n"
            if len(body) <= MAX_PROBE_SOURCE_CHARS + 2000 and used + len(body) <= MAX_PLAN_BYTES:
                used += len(body)
                out.append({"kind": kind, "label": label[:500], "source": body})
    return {"variants": out}


def plan_child(tools, state, cmd):
    cap = cmd.get("cap")
    cap = max(0, min(cap if type(cap) is int else 24, MAX_PROBE_VARIANTS))
    try:
        plan = plan_probes(str(cmd.get("solution", "")), cmd.get("trace"), _TOOL_SCHEMAS, state,
                           set(tools) | {"respond"}, cap, cmd.get("stateChanged") is not False)
        write_child_result({"stage": "done", **plan})
    except SyntaxError as e:
        write_child_result({"stage": "done", "variants": [], "note": f"the solution does not parse: {e.msg}"})
    except BaseException as e:  # RecursionError on a deeply nested solution, among others
        write_child_result({"stage": "done", "variants": [], "note": f"no variants: {type(e).__name__}: {safe_repr(str(e))[1:-1]}"})


def handle_plan(tools, state, cmd, case_filter, limits):
    r = run_child(lambda: plan_child(tools, state, cmd), limits, case_filter, 16 << 20)
    h = r["header"]
    if r["timedOut"]:
        return {"variants": [], "note": f"making variants did not finish within {limits['timeoutMs']} ms"}
    if h is None:
        return {"variants": [], "note": f"making variants failed: {death_note(r)}"}
    variants = []
    for v in h.get("variants") if isinstance(h.get("variants"), list) else []:
        if isinstance(v, dict) and all(type(v.get(k)) is str for k in ("kind", "label", "source")):
            variants.append({"kind": v["kind"][:40], "label": v["label"][:500], "source": v["source"][:MAX_PROBE_SOURCE_CHARS + 2000]})
    out = {"variants": variants[:MAX_PROBE_VARIANTS]}
    if type(h.get("note")) is str:
        out["note"] = h["note"][:MAX_REPR_CHARS]
    return out


def bound_diff(d):
    """A state diff as a child reported it, bounded again here (the child ran task code)."""
    if not isinstance(d, dict) or not isinstance(d.get("entries"), list):
        return None
    entries, used = [], 0
    for e in d["entries"][:MAX_DIFF_ENTRIES]:
        if not isinstance(e, dict) or e.get("op") not in ("changed", "added", "removed") or not isinstance(e.get("path"), list):
            continue
        out = {"path": [k if type(k) in (str, int) else str(k) for k in e["path"][:64]], "op": e["op"]}
        for k in ("before", "after"):
            if type(e.get(k)) is str:
                out[k] = e[k][:MAX_DIFF_VALUE_CHARS + 1]
        cost = _json_size(out) or MAX_DIFF_BYTES
        if used + cost > MAX_DIFF_BYTES + 1024:
            break
        used += cost
        entries.append(out)
    more = d.get("more")
    more = more if type(more) is int and more >= 0 else 0
    return {"entries": entries, "more": more + max(0, len(d["entries"]) - len(entries))}


def strength_fields(vh, result):
    """Copies what the verifier child found out about the state (bounded again) into the reply."""
    diff = bound_diff(vh.get("diff"))
    if diff is not None:
        result["stateDiff"] = diff
    for k in ("stateHash", "messagesHash", "hashSeed"):
        v = vh.get(k)
        if type(v) is str and len(v) <= 128:
            result[k] = v
    u = vh.get("unread")
    if isinstance(u, dict) and isinstance(u.get("paths"), list):
        result["unread"] = {
            "paths": [[k if type(k) in (str, int) else str(k) for k in p[:64]] for p in u["paths"][:MAX_UNREAD_SHOWN] if isinstance(p, list)],
            "total": u["total"] if type(u.get("total")) is int else 0,
            "complete": u.get("complete") is True,
        }


# ---------------------------------------------------------------------------------------------


def settle(state, fp, serving):
    """Readies the loaded pack for forking children; when serving cases, with the memory index
    and huge pages too (scripts/sandbox_floor.py settles a pack the same way)."""
    global MEMORY_INDEX
    prepare_children()
    gc.collect()
    gc.freeze()  # children should not copy-on-write the pack's heap just by collecting garbage
    if serving:
        # before huge_pages: building it frees memory the allocator may hand back, which would
        # split a huge page next to it
        MEMORY_INDEX = MemoryIndex.build(state, fp)
        gc.freeze()
        huge_pages()
        if MEMORY_INDEX is not None:
            MEMORY_INDEX.take_snapshot()  # last: the zygote's own allocations since then differ


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "zygote"
    os.environ.clear()
    sys.dont_write_bytecode = True
    for res, val in ZYGOTE_LIMITS:
        soft, hard = resource.getrlimit(res)
        val = val if hard == resource.RLIM_INFINITY else min(val, hard)
        resource.setrlimit(res, (val, val))
    os.closerange(REPLY_FD + 1, 1 << 20)
    _make_installer(child=False)()
    case_filter = _make_installer(child=True)
    try:
        tools, state, info = load_pack(mode == "inspect")
        global _TOOL_SCHEMAS
        _TOOL_SCHEMAS = info.get("toolSchemas")
        fp = fingerprint(state)
    except BaseException as e:
        err = describe_exception(e, None, None)
        flush_std()
        send_frame(REPLY_FD, {"t": "pack_error", "error": err})
        _exit(0)
    flush_std()
    settle(state, fp, serving=mode == "zygote")
    send_frame(REPLY_FD, {"t": "ready", **info})
    if mode == "inspect":
        _exit(0)
    while True:
        cmd = read_frame(CMD_FD)
        if cmd is None:
            _exit(0)
        op = cmd.get("op")
        limits = cmd["limits"]
        if op == "case":
            reply = handle_case(tools, state, fp, cmd, case_filter, limits)
        elif op == "check_verifier":
            reply = handle_check(cmd, case_filter, limits)
        elif op == "probe_plan":
            reply = handle_plan(tools, state, cmd, case_filter, limits)
        else:
            reply = {"error": f"unknown op {op!r}"}
        reply["id"] = cmd.get("id")
        reply["t"] = "result"
        send_frame(REPLY_FD, reply)


if __name__ == "__main__":
    main()
