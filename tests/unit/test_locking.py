"""locking: an exclusive lock per directory that only its owner can take, on every platform."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrlogin import locking
from ecrlogin.errors import ConfigFileError
from ecrlogin.locking import locked


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


HOLDER = """
import sys
from pathlib import Path
from ecrlogin.locking import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()  # hold the lock until our stdin is closed
    Path(sys.argv[2]).write_text("released")
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock on tmp_path/dir until its stdin is closed."""
    directory, marker = tmp_path / "dir", tmp_path / "marker"
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(directory), str(marker)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "held\n"
    try:
        yield process
    finally:
        if process.stdin and not process.stdin.closed:
            process.stdin.close()
        process.wait(timeout=10)


def test_locked_times_out_while_another_process_holds_the_lock(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    started = time.monotonic()
    with (
        pytest.raises(ConfigFileError, match="stayed locked by another process"),
        locked(tmp_path / "dir", timeout=0.3),
    ):
        pytest.fail("entered a lock that another process holds")
    assert time.monotonic() - started >= 0.3
    assert holder.poll() is None  # the holder was never disturbed


def test_locked_waits_for_the_other_process_to_let_go(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    assert holder.stdin is not None
    threading.Timer(0.3, holder.stdin.close).start()
    with locked(tmp_path / "dir", timeout=20):
        assert (tmp_path / "marker").read_text() == "released"


def test_locked_creates_its_directory_0700_and_is_reentrant_after_release(
    tmp_path: Path, umask_zero: None
) -> None:
    directory = tmp_path / "a" / "lockdir"
    with locked(directory, timeout=1):
        lock_file = directory / locking.LOCK_NAME
        assert mode(lock_file) == 0o600  # only its owner can open it, so only they can hold it
    assert (mode(tmp_path / "a"), mode(directory)) == (0o700, 0o700)
    with locked(directory, timeout=0.1):
        pass
    assert sorted(p.name for p in directory.iterdir()) == []  # nothing left behind


def test_a_lock_file_left_by_a_killed_holder_is_taken_over_and_removed(tmp_path: Path) -> None:
    (tmp_path / locking.LOCK_NAME).write_text("")
    (tmp_path / locking.LOCK_NAME).chmod(0o644)
    with locked(tmp_path, timeout=0.1):
        assert mode(tmp_path / locking.LOCK_NAME) == 0o600
    assert not (tmp_path / locking.LOCK_NAME).exists()


def test_a_symlink_in_place_of_the_lock_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / locking.LOCK_NAME).symlink_to(target)
    with pytest.raises(ConfigFileError, match="is a symbolic link"), locked(tmp_path):
        pytest.fail("locked through a symlink")
    assert not target.exists()


@pytest.mark.parametrize(
    ("platform", "backend"),
    [("linux", "flock"), ("darwin", "flock"), ("freebsd14", "flock"), ("win32", "msvcrt")],
)
def test_the_lock_backend_follows_the_platform(platform: str, backend: str) -> None:
    assert locking.lock_backend(platform).name == backend


def test_the_flock_backend_is_exclusive_between_open_files(tmp_path: Path) -> None:
    backend = locking.lock_backend("linux")
    path = tmp_path / "lock"
    first = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    second = os.open(path, os.O_RDWR)
    try:
        assert backend.try_lock(first)
        assert not backend.try_lock(second)
        os.close(first)
        assert backend.try_lock(second)
    finally:
        os.close(second)
