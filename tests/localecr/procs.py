"""Starting, waiting for and stopping the environment's processes, always by PID."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class StartupError(RuntimeError):
    """A part of the environment did not come up; the message names it and its log."""


@dataclass
class Service:
    """A long-running process we started, with its log file."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    # Extra PIDs to stop after the main one (e.g. a pidfile-recorded child).
    extra_pids: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the process that started us dies, so that a
    test run killed with SIGKILL (no teardown) does not leave daemons behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def spawn(
    name: str,
    argv: Sequence[str],
    log: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Service:
    # A new session: Ctrl-C in the terminal reaches only us, and we stop the children in
    # order (dockerd must stop its containerd itself before it goes).
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    return Service(name, proc, log)


def wait_until(
    service: Service | None,
    ready: Callable[[], bool],
    what: str,
    timeout: float = 20.0,
    interval: float = 0.05,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if service is not None and not service.alive():
            raise StartupError(
                f"{service.name} exited with code {service.proc.returncode} before {what};"
                f" log {service.log}:\n{service.log_tail()}"
            )
        time.sleep(interval)
    tail = f"; log {service.log}:\n{service.log_tail()}" if service else ""
    raise StartupError(f"timed out after {timeout:.0f}s waiting for {what}{tail}")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def stop_pid(pid: int, timeout: float = 10.0, sig: int = signal.SIGTERM) -> None:
    """SIGTERM (or `sig`), wait, then SIGKILL: for processes that are not our children."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def stop(service: Service, timeout: float = 15.0, sig: int = signal.SIGTERM) -> None:
    if service.alive():
        try:
            service.proc.send_signal(sig)
            service.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            service.proc.kill()
            service.proc.wait(5)
    for pid in service.extra_pids:
        stop_pid(pid)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def listens(pid: int, port: int) -> bool:
    """Whether process `pid` itself holds a listening TCP socket on `port` (IPv4 or IPv6).

    A connect() test is not enough: when another process took the port between our pick and
    our service's bind, the answer would come from that other process.
    """
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{inode}]")
    if not inodes:
        return False
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(fd) in inodes:
                return True
        except OSError:
            continue
    return False


def run(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    input: bytes | None = None,
    timeout: float = 60.0,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """A short-lived helper command; on failure, the error shows its output."""
    proc = subprocess.run(
        list(argv), env=env, input=input, capture_output=True, timeout=timeout, check=False
    )
    if check and proc.returncode != 0:
        raise StartupError(
            f"{' '.join(argv[:4])} ... failed with code {proc.returncode}:\n"
            f"{proc.stdout.decode(errors='replace')}{proc.stderr.decode(errors='replace')}"
        )
    return proc
