"""The service models ecrlogin cuts down (`ecrlogin.aws.loader`), kept between runs in the state
directory's `models/` folder: read and written with the state file's own care (trusted paths,
owner-only files, atomic replace). A model that cannot be kept costs the next run ~0.1 s of
CPU, never an error."""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path
from typing import Any

from ecrlogin.errors import ConfigFileError
from ecrlogin.files import locked, read_json_object, write_json_atomic
from ecrlogin.safepaths import check_trusted

FOLDER = "models"
LOCK_WAIT_SECONDS = 1.0  # another run is writing the same model: it is its to keep
# Another botocore's cut model of the same service, not written for this long, is removed: it
# most likely came from an upgraded-away botocore. (A younger one may be another environment's
# sharing this state directory: removing it at once would make each undo the other's; past
# this age, the other environment writes it again once.)
UNUSED_DAYS = 30
log = logging.getLogger("ecrlogin")


class ModelFiles:
    def __init__(self, state_dir: Path) -> None:
        self.directory = state_dir / FOLDER

    def get(self, name: str) -> Any | None:
        path = self.directory / name
        try:
            check_trusted(path)
            return read_json_object(path) or None
        except ConfigFileError as error:
            log.debug("service model %s not read: %s", path, error.message)
            return None

    def put(self, name: str, model: dict[str, Any], *, now: float | None = None) -> None:
        path = self.directory / name
        try:
            with locked(self.directory, timeout=LOCK_WAIT_SECONDS):  # as every write of ecrlogin's
                write_json_atomic(path, model)
        except ConfigFileError as error:
            log.debug("service model %s not kept: %s", path, error.message)
            return
        log.debug("service model kept in %s", path)
        service = name.rsplit("-", 1)[0]
        unused_since = (time.time() if now is None else now) - UNUSED_DAYS * 86400
        for older in self.directory.glob("*.json"):
            if older.name != name and older.name.rsplit("-", 1)[0] == service:
                with contextlib.suppress(OSError):
                    if older.stat().st_mtime < unused_since:
                        older.unlink()
