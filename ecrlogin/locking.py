"""One exclusive lock per directory, on Linux, macOS and Windows, that no other user can hold.

The lock is a file, `.ecrlogin.lock`, that only its owner can open (0600, opened without
following a link): a lock on the directory itself could be taken by anyone who can read it, and
make every run wait for the timeout. The kernel drops the lock when its holder dies (`flock`;
`msvcrt.locking` on Windows). The file lives only while the lock is held: the holder removes it
before letting go, and a process that then finds it locked a removed file tries again. A holder
killed by SIGKILL leaves the file behind; the next run takes it over and removes it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from ecrlogin.errors import ConfigFileError
from ecrlogin.platforms import is_windows
from ecrlogin.safepaths import check_trusted, ensure_private_dir, give_to_owner_of

LOCK_NAME = ".ecrlogin.lock"
LOCK_TIMEOUT_SECONDS = 30.0
LOCK_FILE_MODE = 0o600
_POLL_SECONDS = 0.005


class LockBackend(Protocol):
    name: str

    def try_lock(self, fd: int) -> bool:
        """Take the lock without waiting; False when another process holds it."""

    def unlock(self, fd: int) -> None: ...


class FlockBackend:
    """Linux, macOS and the BSDs: `flock`, one lock per open file, dropped when it closes."""

    name = "flock"

    def try_lock(self, fd: int) -> bool:
        if sys.platform == "win32":  # never chosen there; tells mypy --platform win32 as much
            raise OSError(errno.ENOSYS, "flock is not available on Windows")
        import fcntl  # a built-in module: no cost

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(self, fd: int) -> None:
        pass  # closing the descriptor drops the lock


class MsvcrtBackend:
    """Windows: a byte-range lock on the lock file's first byte."""

    name = "msvcrt"

    def try_lock(self, fd: int) -> bool:
        if sys.platform != "win32":
            raise OSError(errno.ENOSYS, "msvcrt is only available on Windows")
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:  # EACCES or EDEADLOCK: another process holds that byte
            return False
        return True

    def unlock(self, fd: int) -> None:
        if sys.platform != "win32":
            return
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def lock_backend(platform: str = sys.platform) -> LockBackend:
    return MsvcrtBackend() if is_windows(platform) else FlockBackend()


@contextlib.contextmanager
def locked(
    directory: Path,
    timeout: float = LOCK_TIMEOUT_SECONDS,
    *,
    platform: str = sys.platform,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold the exclusive lock of `directory` (created 0700 if missing)."""
    ensure_private_dir(directory, platform=platform)
    check_trusted(directory, platform=platform)
    backend = lock_backend(platform)
    path = directory / LOCK_NAME
    deadline = clock() + timeout
    while True:
        fd = _open_lock_file(path, directory, platform)
        try:
            if backend.try_lock(fd) and _still_at(path, fd):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if clock() > deadline:
            raise ConfigFileError(
                f"{directory} stayed locked by another process for {timeout:.0f}s",
                "is another ecrlogin hanging?",
            )
        sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        _release(path, fd, backend, platform)


def _open_lock_file(path: Path, directory: Path, platform: str) -> int:
    flags = os.O_RDWR | os.O_CREAT
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, LOCK_FILE_MODE)
    except OSError as error:
        if error.errno == errno.ELOOP:
            problem = "is a symbolic link; refusing to lock through it"
            raise ConfigFileError(f"{path} {problem}") from None
        raise ConfigFileError(f"cannot lock {directory}: {error.strerror}") from None
    try:
        _check_lock_file(path, directory, fd, platform)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_lock_file(path: Path, directory: Path, fd: int, platform: str) -> None:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise ConfigFileError(f"{path} is not a regular file; refusing to lock with it")
    if is_windows(platform) or sys.platform == "win32":
        return
    if info.st_uid not in (os.geteuid(), os.stat(directory).st_uid):
        raise ConfigFileError(
            f"{path} belongs to another user, who could hold the lock forever",
            f"remove {path}",
        )
    if info.st_uid == os.geteuid():
        if stat.S_IMODE(info.st_mode) != LOCK_FILE_MODE:
            os.fchmod(fd, LOCK_FILE_MODE)
        give_to_owner_of(directory, fd=fd, platform=platform)


def _still_at(path: Path, fd: int) -> bool:
    """Whether the locked file is still the one at `path` (its last holder removes it)."""
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _release(path: Path, fd: int, backend: LockBackend, platform: str) -> None:
    if not is_windows(platform):
        # removed while still held, so that nobody can lock this file after us and believe it
        # is the current one (`_still_at` sends them to a new one)
        with contextlib.suppress(OSError):
            os.unlink(path)
    try:
        backend.unlock(fd)
    finally:
        os.close(fd)
    if is_windows(platform):
        # Windows cannot remove an open file: this fails while another process has it open
        # (and waits for it), which is what keeps the rule above true there
        with contextlib.suppress(OSError):
            os.unlink(path)
