"""The service models ecrlogin cuts down (`ecrlogin.aws.loader`), kept between runs in the state
directory's `models/` folder: read and written with the state file's own care (trusted paths,
owner-only files, atomic replace), and read only from a regular file the effective user owns
(root too: a file of another user is never read) that no one else may write. What is read is
then checked by the loader (`loader.model_problem`) before it is used. A model that cannot be
kept or read costs the next run ~0.1 s of CPU, never an error: one --debug line says so."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from pathlib import Path
from typing import Any

from ecrlogin.errors import ConfigFileError
from ecrlogin.files import locked, write_json_atomic
from ecrlogin.safepaths import check_trusted

FOLDER = "models"
LOCK_WAIT_SECONDS = 1.0  # another run is writing the same model: it is its to keep
MAX_BYTES = 4 * 1024 * 1024  # a cut model is ~10-60 KB
# Another botocore's cut model of the same service, not written for this long, is removed: it
# most likely came from an upgraded-away botocore. (A younger one may be another environment's
# sharing this state directory: removing it at once would make each undo the other's; past
# this age, the other environment writes it again once.)
UNUSED_DAYS = 30
log = logging.getLogger("ecrlogin")


class ModelFiles:
    def __init__(self, state_dir: Path) -> None:
        self.directory = state_dir / FOLDER
        self._skipped = False  # a folder that cannot be used is said once per run

    def get(self, name: str) -> Any | None:
        path = self.directory / name
        try:
            check_trusted(path)
            return _read_own(path)
        except FileNotFoundError:
            return None
        except (ConfigFileError, OSError, ValueError) as error:
            self._skip(f"service model {path} not read: {_reason(error)}")
            return None

    def put(self, name: str, model: dict[str, Any], *, now: float | None = None) -> None:
        path = self.directory / name
        try:
            with locked(self.directory, timeout=LOCK_WAIT_SECONDS):  # as every write of ecrlogin's
                _remove_foreign(path)
                write_json_atomic(path, model)
        except (ConfigFileError, OSError) as error:
            self._skip(f"service model {path} not kept: {_reason(error)}")
            return
        log.debug("service model kept in %s", path)
        self._sweep(name, now)

    def _sweep(self, name: str, now: float | None) -> None:
        service = name.rsplit("-", 1)[0]
        unused_since = (time.time() if now is None else now) - UNUSED_DAYS * 86400
        with contextlib.suppress(OSError):
            for older in self.directory.glob("*.json"):
                if older.name != name and older.name.rsplit("-", 1)[0] == service:
                    with contextlib.suppress(OSError):
                        if older.stat().st_mtime < unused_since:
                            older.unlink()

    def _skip(self, message: str) -> None:
        if not self._skipped:
            self._skipped = True
            log.debug("%s; the models cache is skipped this run", message)


def _reason(error: Exception) -> str:
    if isinstance(error, ConfigFileError):
        return error.message
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return "not JSON"


def _read_own(path: Path) -> Any:
    """The JSON in `path`: a regular file of the effective user's that nobody else may write
    (a symlink is not followed); anything else is an OSError."""
    import json

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        _check_own(os.fstat(fd))
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise OSError(0, f"larger than {MAX_BYTES} bytes")
    return json.loads(raw)


def _check_own(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise OSError(0, "not a regular file")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise OSError(0, f"owned by uid {info.st_uid}, not by this user (uid {os.geteuid()})")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise OSError(0, "writable by other users")


def _remove_foreign(path: Path) -> None:
    """A model file that is not the user's own is removed before a new one is written (as
    root, a replacement would otherwise keep the old file's owner)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    try:
        _check_own(info)
    except OSError:
        path.unlink()
