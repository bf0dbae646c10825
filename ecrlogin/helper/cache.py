"""The helper's token cache: one directory per identity and region in ecrlogin's state directory.

    <state dir>/helper-cache/<service>-<region>-<identity fingerprint>/token.json    (0600)
                                                                      /failure.json

A token opens every registry of its region for that identity, so hosts share an entry; a changed
identity (a role edited, a key rotated) is another fingerprint, hence a miss. The entry's
directory is also its lock (`ecrlogin.files.locked`): one fetch per identity and region however
many `get`s ask at once. `failure.json` remembers a failed fetch for a short while, so that a
build of 40 pulls does not wait 40 times for an unreachable endpoint. Files are only ever
replaced whole (`write_json_atomic`); a file that is not a whole entry is dropped, never served.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ecrlogin.errors import ConfigFileError
from ecrlogin.files import locked, write_json_atomic
from ecrlogin.safepaths import check_trusted, ensure_private_dir

CACHE_DIR_NAME = "helper-cache"
TOKEN_NAME = "token.json"
FAILURE_NAME = "failure.json"
VERSION = 1
MIN_VALIDITY = timedelta(minutes=15)  # a token closer to expiry than this is fetched again
FAILURE_MEMORY = timedelta(seconds=45)
FILE_MODE = 0o600


class CorruptEntry(Exception):
    """A cache file that is not a whole entry of ours (never served)."""


@dataclass(frozen=True)
class Entry:
    """A cached token; the password never shows in a repr."""

    password: str = field(repr=False)
    expires_at: datetime
    account: str | None
    hosts: tuple[str, ...] = ()  # hosts known to use it (for `list`)

    def usable(self, now: datetime) -> bool:
        return self.expires_at - now >= MIN_VALIDITY


@dataclass(frozen=True)
class Failure:
    message: str  # one line, already free of secrets
    until: datetime


def root(state_dir: Path) -> Path:
    return state_dir / CACHE_DIR_NAME


def key(service: str, region: str, fingerprint: str) -> str:
    return f"{service}-{region}-{fingerprint}"


def entry_dir(state_dir: Path, cache_key: str) -> Path:
    return root(state_dir) / cache_key


def read_entry(directory: Path) -> Entry | None:
    """The entry in `directory`; None if there is none; `CorruptEntry` if it is not whole."""
    data = _read(directory / TOKEN_NAME)
    if data is None:
        return None
    try:
        password, expires, account = data["password"], data["expires_at"], data["account"]
        hosts = tuple(data.get("hosts", ()))
        expires_at = datetime.fromisoformat(expires)
        if (
            data.get("version") != VERSION
            or not isinstance(password, str)
            or not password
            or expires_at.tzinfo is None
            or not (account is None or isinstance(account, str))
            or not all(isinstance(h, str) for h in hosts)
        ):
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise CorruptEntry(str(directory / TOKEN_NAME)) from None
    return Entry(password, expires_at, account, hosts)


def read_failure(directory: Path, now: datetime) -> Failure | None:
    """A failure remembered and not yet forgotten; anything unreadable is no failure."""
    try:
        data = _read(directory / FAILURE_NAME)
        if data is None:
            return None
        failure = Failure(str(data["message"]), datetime.fromisoformat(data["until"]))
    except (CorruptEntry, KeyError, TypeError, ValueError):
        return None
    return failure if failure.until > now else None


def _read(path: Path) -> dict[str, Any] | None:
    """The JSON object in `path`, with the full CLI's checks on the path (`check_trusted`):
    a file another user could have planted is corrupt, never served."""
    try:
        check_trusted(path)
    except ConfigFileError as error:
        raise CorruptEntry(error.message) from None
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise CorruptEntry(f"{path}: {error.strerror}") from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise CorruptEntry(str(path)) from None
    if not isinstance(data, dict):
        raise CorruptEntry(str(path))
    return data


@contextlib.contextmanager
def holding(directory: Path, timeout: float = 30.0) -> Iterator[None]:
    """The entry's lock: whoever holds it is the one fetching for that identity and region."""
    ensure_private_dir(directory.parent)  # each missing parent 0700, whatever the umask
    with locked(directory, timeout):
        yield


def write_entry(directory: Path, entry: Entry) -> None:
    """Replace the entry whole and forget any failure (the caller holds the lock)."""
    _write(
        directory / TOKEN_NAME,
        {
            "version": VERSION,
            "password": entry.password,
            "expires_at": entry.expires_at.astimezone(UTC).isoformat(),
            "expires_epoch": entry.expires_at.timestamp(),  # for quick.hit, without datetime
            "account": entry.account,
            "hosts": list(entry.hosts),
        },
    )
    drop(directory, FAILURE_NAME)


def write_failure(directory: Path, message: str, now: datetime) -> None:
    until = (now + FAILURE_MEMORY).astimezone(UTC).isoformat()
    _write(directory / FAILURE_NAME, {"version": VERSION, "message": message, "until": until})


def _write(path: Path, data: dict[str, Any]) -> None:
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_mode & 0o777 != FILE_MODE:
            os.chmod(path, FILE_MODE)  # write_json_atomic keeps a mode: keep it ours
    write_json_atomic(path, data)


def drop(directory: Path, name: str = TOKEN_NAME) -> bool:
    try:
        (directory / name).unlink()
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


def entries(state_dir: Path) -> Iterator[tuple[Path, Entry]]:
    """Every readable entry (corrupt ones are skipped: they are dropped when next used)."""
    base = root(state_dir)
    try:
        found = sorted(base.iterdir())
    except OSError:  # missing, or a state directory this user cannot read: no entries
        return
    for directory in found:
        with contextlib.suppress(CorruptEntry):
            entry = read_entry(directory)
            if entry is not None:
                yield directory, entry


def sweep(state_dir: Path, now: datetime) -> None:
    """Drop expired tokens of every entry nobody is using right now."""
    for directory, entry in list(entries(state_dir)):
        if entry.expires_at > now:
            continue
        with contextlib.suppress(Exception), locked(directory, timeout=0):
            current = read_entry(directory)
            if current is not None and current.expires_at <= now:
                drop(directory)
