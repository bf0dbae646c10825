"""Safe JSON files: strict bounded reads, an exclusive lock across read-modify-write (see
`ecrlogin.locking`), and atomic replacement that never leaves a token readable by others.

Writers that don't lock (the docker CLI) still only ever see whole files, because every write is
a temp file in the same directory, fsync'd, then `os.replace`d. That changes the file's inode,
which is why the lock is a file of its own.
"""

from __future__ import annotations

import contextlib
import glob
import json
import logging
import os
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecrlogin.errors import ConfigFileError
from ecrlogin.locking import LOCK_TIMEOUT_SECONDS, locked
from ecrlogin.platforms import is_windows
from ecrlogin.safepaths import check_trusted, ensure_private_dir, give_to_owner_of, keep_owner

__all__ = [
    "LOCK_TIMEOUT_SECONDS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "NEW_DIR_MODE",
    "NEW_FILE_MODE",
    "ensure_dir",
    "locked",
    "read_json_object",
    "real_path",
    "replace",
    "write_json_atomic",
]

NEW_FILE_MODE = 0o600
NEW_DIR_MODE = 0o700
MAX_BYTES = 16 * 1024 * 1024  # a real config.json is kilobytes; 40,000 registries are 10 MB
MAX_DEPTH = 64  # docker's own files nest 4 deep; deeper input would exhaust the stack later
REPLACE_RETRY_SECONDS = 2.0
log = logging.getLogger("ecrlogin")


def real_path(path: Path) -> Path:
    """Follow symlinks (a dangling one too) so that the link itself stays a link."""
    return Path(os.path.realpath(path))


def ensure_dir(directory: Path) -> None:
    ensure_private_dir(directory)


def read_json_object(path: Path, *, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The JSON object in `path`; a missing or empty file is `{}`; anything else is refused.

    Only a regular file is read (a FIFO would block forever, a device never end), and at most
    `max_bytes` of it.
    """
    raw = _read_regular_file(path, max_bytes)
    if raw is None or not raw.strip():
        return {}
    data = _parse(raw, path)
    if not isinstance(data, dict):
        raise ConfigFileError(
            f"{path} holds a JSON {type(data).__name__}, not an object", "fix or remove the file"
        )
    return data


def _read_regular_file(path: Path, max_bytes: int) -> bytes | None:
    # O_NONBLOCK: opening a FIFO with no writer must not wait; it is refused just below
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigFileError(f"{path} is a directory, not a file") from None
    except OSError as error:
        raise ConfigFileError(f"cannot read {path}: {error.strerror}") from None
    info = os.fstat(fd)
    kind = info.st_mode
    if not stat.S_ISREG(kind):
        os.close(fd)
        if stat.S_ISDIR(kind):
            raise ConfigFileError(f"{path} is a directory, not a file")
        raise ConfigFileError(
            f"{path} is not a regular file (a {_kind(kind)})", "replace it with a file"
        )
    with os.fdopen(fd, "rb") as handle:
        try:
            # sized by fstat (a 16 MiB buffer for every small read costs more than the read),
            # then to the end, in case the file grew meanwhile, and never past the cap
            raw = handle.read(min(info.st_size, max_bytes) + 1)
            if info.st_size < len(raw) <= max_bytes:
                raw += handle.read(max_bytes + 1 - len(raw))
        except OSError as error:
            raise ConfigFileError(f"cannot read {path}: {error.strerror}") from None
    if len(raw) > max_bytes:
        raise ConfigFileError(
            f"{path} is larger than {max_bytes // (1024 * 1024)} MiB; not read",
            "fix or remove the file",
        )
    return raw


def _kind(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "FIFO", stat.S_ISCHR: "device", stat.S_ISBLK: "device"}
    kinds |= {stat.S_ISSOCK: "socket"}
    return next((name for test, name in kinds.items() if test(mode)), "special file")


def _parse(raw: bytes, path: Path) -> Any:
    def refuse(problem: str) -> ConfigFileError:
        return ConfigFileError(f"{path} is not valid JSON ({problem})", "fix or remove the file")

    try:
        data = json.loads(raw, parse_constant=_no_constants)
    except RecursionError:
        raise refuse("nested too deeply") from None
    except UnicodeDecodeError as error:
        raise refuse(str(error)) from None
    except ValueError as error:  # JSONDecodeError, NaN/Infinity, integers of 4,300+ digits
        raise refuse(str(error).split(";")[0]) from None
    if _depth(data) > MAX_DEPTH:
        raise refuse(f"nested more than {MAX_DEPTH} levels deep")
    return data


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")  # Python accepts it; docker cannot read it


def _depth(data: Any) -> int:
    """How deep lists and objects nest (iteratively: deep input must not exhaust the stack)."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        pending.extend((c, level + 1) for c in children if isinstance(c, (dict, list)))
    return deepest


def write_json_atomic(path: Path, data: dict[str, Any], *, platform: str = sys.platform) -> None:
    """Replace `path` whole: temp file beside it, fsync, rename.

    An existing mode and owner are kept, except that the file never stays readable or writable by
    other users (it may hold tokens): such a mode becomes owner-only, with a warning. The caller
    holds `locked(path's directory)`.
    """
    check_trusted(path, platform=platform)  # again, right before writing: links can appear
    target = real_path(path)
    existing = _existing(target)
    mode = stat.S_IMODE(existing.st_mode) if existing else NEW_FILE_MODE
    if mode & 0o077:
        log.warning(
            "%s was readable or writable by other users (mode %o); ecrlogin made it %o so that "
            "its tokens stay private",
            target,
            mode,
            mode & 0o700,
        )
        mode &= 0o700
    payload = (json.dumps(data, indent="\t", allow_nan=False) + "\n").encode()
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
            _set_mode_and_owner(handle.fileno(), temp_name, mode, existing, target, platform)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        replace(temp_name, target, platform=platform)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(error, OSError):
            raise ConfigFileError(f"cannot write {target}: {error.strerror}") from None
        raise
    if not is_windows(platform):
        _fsync_dir(target.parent)


def _existing(target: Path) -> os.stat_result | None:
    try:
        existing = target.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigFileError(f"cannot write {target}: {error.strerror}") from None
    if stat.S_ISDIR(existing.st_mode):
        raise ConfigFileError(f"cannot write {target}: it is a directory")
    if not stat.S_ISREG(existing.st_mode):
        raise ConfigFileError(f"{target} is not a regular file; left untouched")
    if not os.access(target, os.W_OK):  # rename would replace it anyway: respect the mode
        raise ConfigFileError(f"{target} is read-only; left untouched", read_only_hint(target))
    return existing


def read_only_hint(target: Path, statvfs: Callable[[Path], Any] | None = None) -> str:
    """A read-only mount is no mode to change (EROFS is not EACCES)."""
    statvfs = statvfs or getattr(os, "statvfs", None)  # POSIX only
    if statvfs is not None and statvfs(target.parent).f_flag & getattr(os, "ST_RDONLY", 1):
        return (
            f"{target.parent} is on a read-only file system; "
            "point --docker-config or DOCKER_CONFIG at a writable directory"
        )
    return f"chmod u+w {target} to let it change"


def _set_mode_and_owner(
    fd: int,
    temp_name: str,
    mode: int,
    existing: os.stat_result | None,
    target: Path,
    platform: str,
) -> None:
    if is_windows(platform) or sys.platform == "win32":
        return  # no POSIX modes: the file is as private as its folder's ACL (docs/security.md)
    os.fchmod(fd, mode)
    if existing is not None:
        keep_owner(existing, fd=fd)  # `sudo ecrlogin` must not take the user's file
    else:
        give_to_owner_of(target.parent, fd=fd, platform=platform)


def replace(
    source: str | Path,
    target: Path,
    *,
    platform: str = sys.platform,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    patience: float = REPLACE_RETRY_SECONDS,
    rename: Callable[[str | Path, Path], None] = os.replace,
) -> None:
    """`os.replace`, retried briefly on Windows while another process has the target open.

    Windows refuses to replace a file that another process holds open (PermissionError, e.g. a
    docker CLI reading config.json, or an antivirus scanner); Go's and Docker's own Windows code
    retry the same way. Everywhere else the first failure is final.
    """
    deadline = clock() + patience
    delay = 0.01
    while True:
        try:
            rename(source, target)
            return
        except PermissionError:
            if not is_windows(platform) or clock() + delay > deadline:
                raise
        sleep(delay)
        delay = min(delay * 2, 0.2)


def _remove_stale_temps(target: Path) -> None:
    """Remove temp files of writers killed between mkstemp and rename (they may hold tokens).

    Callers hold the directory lock, so no other ecrlogin is writing one right now; the name
    pattern is ecrlogin's own (the docker CLI's temp files are named differently).
    """
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
