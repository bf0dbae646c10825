"""Safe JSON files: an exclusive lock across read-modify-write, and atomic replacement.

The lock is `flock` on the file's directory itself rather than on a `.lock` file beside it:
nothing is left behind, nothing needs cleaning up after a crash (the kernel drops the lock with
the process), and it costs no import. Writers that don't lock (the docker CLI) still only ever see
whole files, because every write is a temp file in the same directory, fsync'd, then `os.replace`d.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ecrlogin.errors import ConfigFileError

LOCK_TIMEOUT_SECONDS = 30.0
NEW_FILE_MODE = 0o600
NEW_DIR_MODE = 0o700


def real_path(path: Path) -> Path:
    """Follow symlinks (a dangling one too) so that the link itself stays a link."""
    return Path(os.path.realpath(path))


def read_json_object(path: Path) -> dict[str, Any]:
    """The JSON object in `path`; a missing or empty file is `{}`; anything else is refused."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise ConfigFileError(f"{path} is a directory, not a file") from None
    except OSError as error:
        raise ConfigFileError(f"cannot read {path}: {error.strerror}") from None
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigFileError(
            f"{path} is not valid JSON ({error}); left untouched", "fix or remove the file"
        ) from None
    if not isinstance(data, dict):
        raise ConfigFileError(
            f"{path} holds a JSON {type(data).__name__}, not an object; left untouched",
            "fix or remove the file",
        )
    return data


def ensure_dir(directory: Path) -> None:
    try:
        directory.mkdir(mode=NEW_DIR_MODE, parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigFileError(f"cannot create {directory}: {error.strerror}") from None


@contextlib.contextmanager
def locked(directory: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on `directory` (created 0700 if missing)."""
    ensure_dir(directory)
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ConfigFileError(
                        f"{directory} stayed locked by another process for {timeout:.0f}s",
                        "is another ecrlogin hanging?",
                    ) from None
                time.sleep(0.005)
        yield
    finally:
        os.close(fd)  # closing drops the lock


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Replace `path` whole: temp file beside it, fsync, rename; an existing mode is kept.

    The caller holds `locked(path's directory)`.
    """
    target = real_path(path)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    else:
        if not os.access(target, os.W_OK):  # rename would replace it anyway: respect the mode
            raise ConfigFileError(
                f"{target} is read-only; left untouched", f"chmod u+w {target} to let it change"
            )
    payload = (json.dumps(data, indent="\t") + "\n").encode()
    _remove_stale_temps(target)
    try:
        import tempfile  # only writers need it; the cached no-op only reads

        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise ConfigFileError(f"cannot write in {target.parent}: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(error, OSError):
            raise ConfigFileError(f"cannot write {target}: {error.strerror}") from None
        raise
    _fsync_dir(target.parent)


def _remove_stale_temps(target: Path) -> None:
    """Remove temp files of writers killed between mkstemp and rename (they may hold tokens).

    Callers hold the directory lock, so no other ecrlogin is writing one right now; the name
    pattern is ecrlogin's own (the docker CLI's temp files are named differently).
    """
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
