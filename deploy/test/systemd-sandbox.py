#!/usr/bin/python3
r"""Run a command under the seccomp filters that deploy/systemd/forum.service asks systemd for,
built the way systemd 252 (Debian 12) builds them, on a machine without systemd as init.

    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
        --no-new-privs -- /usr/bin/python3 deploy/test/systemd-sandbox.py -- forum serve ...
    /usr/bin/python3 deploy/test/systemd-sandbox.py --probe    # shows that the filters bite

Emulated, each as its own filter as systemd stacks them:
- SystemCallFilter=@system-service with SystemCallErrorNumber=EPERM (the group expanded from
  `systemd-analyze syscall-filter`, loaded last because it does not allow seccomp() itself);
- RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX (socket() of another family: EAFNOSUPPORT);
- MemoryDenyWriteExecute=yes (mmap writable+executable, mprotect/pkey_mprotect to executable,
  shmat with SHM_EXEC: EPERM);
- RestrictNamespaces=yes (unshare, setns, clone with a CLONE_NEW* flag: EPERM; clone3: ENOSYS,
  so that glibc falls back to clone, whose flags a filter can see);
- LimitNOFILE=65536 (as far as the hard limit allows).
The rest of the unit's hardening is not seccomp: setpriv above stands in for User=,
NoNewPrivileges= and CapabilityBoundingSet=; ProtectSystem=, PrivateTmp= and the other mount
options are not emulated.

Needs Debian's python3-seccomp (libseccomp's bindings) and systemd-analyze (package systemd).
"""
from __future__ import annotations

import ctypes
import errno
import mmap
import os
import resource
import socket
import subprocess
import sys
import threading

import seccomp

PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
CLONE_NEW_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
                   0x40000000, 0x80)  # NS, CGROUP, UTS, IPC, USER, PID, NET, TIME


def syscall_groups() -> dict[str, list[str]]:
    out = subprocess.check_output(["systemd-analyze", "syscall-filter"], text=True,
                                  stderr=subprocess.DEVNULL)
    groups: dict[str, list[str]] = {}
    current = None
    for line in out.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), [])
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.append(line.strip())
    return groups


def expand(name: str, groups: dict[str, list[str]], seen: set[str] | None = None) -> set[str]:
    seen = set() if seen is None else seen
    if name in seen:
        return set()
    seen.add(name)
    names: set[str] = set()
    for item in groups[name]:
        names |= expand(item, groups, seen) if item.startswith("@") else {item}
    return names


def filters() -> tuple[list[seccomp.SyscallFilter], int]:
    allow = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
    allowed = 0
    for name in sorted(expand("@system-service", syscall_groups())):
        try:
            allow.add_rule(seccomp.ALLOW, name)
            allowed += 1
        except (ValueError, RuntimeError):  # a system call of another architecture
            pass
    families = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for family in range(64):
        if family not in (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6):
            families.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, family))
    wx = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    both = PROT_WRITE | PROT_EXEC
    wx.add_rule(seccomp.ERRNO(errno.EPERM), "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, both, both))
    for call in ("mprotect", "pkey_mprotect"):
        wx.add_rule(seccomp.ERRNO(errno.EPERM), call, seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
    wx.add_rule(seccomp.ERRNO(errno.EPERM), "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, SHM_EXEC))
    namespaces = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    namespaces.add_rule(seccomp.ERRNO(errno.EPERM), "unshare")
    namespaces.add_rule(seccomp.ERRNO(errno.EPERM), "setns")
    namespaces.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    for flag in CLONE_NEW_FLAGS:
        namespaces.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    # systemd installs the allow list last: it does not allow seccomp() itself
    return [families, wx, namespaces, allow], allowed


def probe() -> int:
    """Each attempt but the last two must be refused inside the sandbox."""
    libc = ctypes.CDLL(None, use_errno=True)

    def call(fn, *args):
        if fn(*args) != 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))

    def traceme():  # ptrace is in @debug, not in @system-service
        pid = os.fork()
        if pid == 0:
            os._exit(0 if libc.ptrace(0, 0, None, None) == 0 else ctypes.get_errno())
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if code:
            raise OSError(code, os.strerror(code))

    def thread():
        t = threading.Thread(target=lambda: None)
        t.start()
        t.join()

    attempts = [
        ("mmap writable and executable", lambda: mmap.mmap(-1, 4096, prot=mmap.PROT_WRITE | mmap.PROT_EXEC), True),
        ("socket(AF_NETLINK)", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0).close(), True),
        ("unshare(CLONE_NEWUSER)", lambda: call(libc.unshare, 0x10000000), True),
        ("ptrace(PTRACE_TRACEME)", traceme, True),
        ("a thread (clone3 refused, clone used)", thread, False),
        ("socket(AF_INET)", lambda: socket.socket().close(), False),
    ]
    wrong = 0
    for label, attempt, should_fail in attempts:
        try:
            attempt()
            outcome = "allowed"
        except OSError as err:
            outcome = f"refused ({errno.errorcode.get(err.errno, err.errno)})"
        good = outcome.startswith("refused") == should_fail
        wrong += not good
        print(f"{'ok ' if good else 'BAD'} {label}: {outcome}")
    return 1 if wrong else 0


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] not in ("--", "--probe"):
        sys.exit(__doc__)
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(65536, hard), hard))
    loaded, allowed = filters()
    for each in loaded:
        each.load()
    print(f"systemd-sandbox: {allowed} system calls of @system-service allowed; address families, "
          f"W^X and namespaces restricted; uid {os.getuid()}", file=sys.stderr, flush=True)
    if args[0] == "--probe":
        sys.exit(probe())
    os.execvp(args[1], args[1:])


if __name__ == "__main__":
    main()
