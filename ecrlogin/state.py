"""ecrlogin's own records: who stored what where, and until when. Never a secret.

One JSON file under the user state directory (`ECRLOGIN_STATE_DIR` overrides), written like
Docker's config: locked, whole, atomic. `status` and `--min-ttl` read it; the cached no-op needs
nothing else.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ecrlogin.errors import ConfigFileError
from ecrlogin.files import locked, read_json_object, write_json_atomic

STATE_NAME = "state.json"
log = logging.getLogger("ecrlogin")
VERSION = 2


def state_dir(environ: Mapping[str, str] = os.environ) -> Path:
    if environ.get("ECRLOGIN_STATE_DIR"):
        return Path(environ["ECRLOGIN_STATE_DIR"]).expanduser()
    from platformdirs import user_state_dir

    return Path(user_state_dir("ecrlogin", appauthor=False))


@dataclass(frozen=True)
class Record:
    """What ecrlogin stored for one registry host, from one identity source."""

    host: str
    source: str
    profile: str | None
    account: str | None
    region: str
    identity: str | None
    expires_at: datetime | None
    stored_in: str
    fingerprint: str | None  # of the entry as stored (never the secret)
    identity_print: str | None = None  # of the profile's definition when it was fetched
    place: str | None = None  # the config (or auth file) it was stored in

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["expires_at"] = self.expires_at.isoformat() if self.expires_at else None
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        fields = dict(data)
        expires = fields.get("expires_at")
        fields["expires_at"] = datetime.fromisoformat(expires) if expires else None
        return cls(**fields)


@dataclass(frozen=True)
class State:
    records: tuple[Record, ...] = ()
    accounts: Mapping[str, str] | None = None  # identity source -> its own account
    # identity key -> {"regions": [...], "at": ISO}: all-regions' DescribeRegions answer
    regions: Mapping[str, Any] | None = None

    def find(self, source: str, host: str, place: str | None = None) -> Record | None:
        return next(
            (r for r in self.records if (r.source, r.host, r.place) == (source, host, place)), None
        )

    def for_host(self, host: str) -> list[Record]:
        return [r for r in self.records if r.host == host]

    def account_of(self, source: str) -> str | None:
        return (self.accounts or {}).get(source)


def load(directory: Path) -> State:
    try:
        data = read_json_object(directory / STATE_NAME)
    except ConfigFileError as error:  # a cache: unreadable means empty, and it is rewritten
        log.warning("ignoring ecrlogin state: %s", error.message)
        return State()
    if data.get("version") != VERSION:
        return State()  # an unknown layout is a cache miss, never an error
    try:
        records = tuple(Record.from_json(item) for item in data.get("records", []))
    except (TypeError, ValueError):
        return State()
    accounts = data.get("accounts", {})
    if not isinstance(accounts, dict):
        return State()
    regions = data.get("regions", {})
    return State(records, dict(accounts), dict(regions) if isinstance(regions, dict) else {})


def _save(directory: Path, state: State) -> None:
    write_json_atomic(
        directory / STATE_NAME,
        {
            "version": VERSION,
            "accounts": dict(state.accounts or {}),
            "records": [record.to_json() for record in state.records],
            **({"regions": dict(state.regions)} if state.regions else {}),
        },
    )


@contextlib.contextmanager
def _editing(directory: Path) -> Iterator[State]:
    with locked(directory):
        yield load(directory)


def remember(directory: Path, records: list[Record], accounts: Mapping[str, str]) -> None:
    """Add or replace records (same source and host) and own-account facts."""
    with _editing(directory) as state:
        replaced = {(r.source, r.host, r.place) for r in records}
        kept = [r for r in state.records if (r.source, r.host, r.place) not in replaced]
        merged = {**(state.accounts or {}), **accounts}
        _save(directory, State((*kept, *records), merged, state.regions))


def remember_regions(directory: Path, lists: Mapping[str, Any]) -> None:
    """Add or replace remembered region lists (identity key -> `freshness.region_list_entry`)."""
    with _editing(directory) as state:
        _save(directory, State(state.records, state.accounts, {**(state.regions or {}), **lists}))


def forget(directory: Path, hosts: set[str]) -> None:
    if not (directory / STATE_NAME).exists():
        return
    with _editing(directory) as state:
        kept = tuple(r for r in state.records if r.host not in hosts)
        if len(kept) != len(state.records):
            _save(directory, State(kept, state.accounts, state.regions))
