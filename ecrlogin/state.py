"""ecrlogin's own records: who stored what where, and until when. Never a secret.

One JSON file under the user state directory (`ECRLOGIN_STATE_DIR` overrides), written like
Docker's config: locked, whole, atomic. `status` and `--min-ttl` read it; the cached no-op needs
nothing else.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrlogin import platforms
from ecrlogin.errors import ConfigFileError
from ecrlogin.files import locked, read_json_object, write_json_atomic
from ecrlogin.safepaths import check_trusted

if TYPE_CHECKING:
    from ecrlogin.identity.identity import Identity

STATE_NAME = "state.json"
log = logging.getLogger("ecrlogin")
VERSION = 2


def state_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """`ECRLOGIN_STATE_DIR`, else the platform's user state directory: `platforms.state_dir`,
    the one rule the helper and the fast path follow too."""
    return Path(platforms.state_dir(environ, platform))


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
    entry_print: str | None  # of the entry as stored (never the secret)
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
    callers: Mapping[str, str] | None = None  # identity key -> the ARN STS named for it

    def find(self, source: str, host: str, place: str | None = None) -> Record | None:
        return next(
            (r for r in self.records if (r.source, r.host, r.place) == (source, host, place)), None
        )

    def for_host(self, host: str) -> list[Record]:
        return [r for r in self.records if r.host == host]

    def account_of(self, identity: Identity) -> str | None:
        """The identity's own account, as learnt for its identity key (None: not known, or an
        opaque source not bound to the credentials it gives now)."""
        return (self.accounts or {}).get(identity.key) if identity.cacheable else None

    def caller_of(self, identity: Identity) -> str | None:
        """The ARN STS named for the identity key (None as for `account_of`)."""
        return (self.callers or {}).get(identity.key) if identity.cacheable else None


def load(directory: Path) -> State:
    """The records in `directory`; anything unreadable or odd is a cache miss, never an error."""
    path = directory / STATE_NAME
    try:
        check_trusted(path)
        data = read_json_object(path)
    except ConfigFileError as error:  # a cache: unreadable means empty
        log.warning("ignoring ecrlogin state: %s", error.message)
        return State()
    if data.get("version") != VERSION:
        return State()  # an unknown layout is a cache miss, never an error
    try:
        records = tuple(Record.from_json(item) for item in data.get("records", []))
    except (TypeError, ValueError, AttributeError):
        log.warning("ignoring ecrlogin state: %s holds a record ecrlogin cannot read", path)
        return State()
    checked: dict[str, bool] = {}
    problem = next(filter(None, (_record_problem(r, checked) for r in records)), None)
    if problem:
        log.warning("ignoring ecrlogin state: %s holds a record with %s", path, problem)
        return State()
    accounts = data.get("accounts", {})
    if not _strings(accounts):
        return State()
    regions, callers = data.get("regions", {}), data.get("callers", {})
    return State(
        records,
        dict(accounts),
        dict(regions) if isinstance(regions, dict) else {},
        dict(callers) if _strings(callers) else {},  # a cache: odd means forgotten
    )


def _strings(mapping: object) -> bool:
    return isinstance(mapping, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    )


def _record_problem(record: Record, checked_regions: dict[str, bool] | None = None) -> str | None:
    """What makes a record unusable: a field of the wrong type, a naive time, a bad region.
    `checked_regions` remembers the regions already checked (a state holds many records of the
    same few regions)."""
    for name, allowed in _record_fields().items():
        value = getattr(record, name)
        if not isinstance(value, allowed):
            return f"{name!r} of type {type(value).__name__}"
        if isinstance(value, datetime) and value.utcoffset() is None:
            return f"{name!r} without a time zone"
    known = {} if checked_regions is None else checked_regions
    if record.region not in known:
        known[record.region] = _is_region(record.region)
    return None if known[record.region] else f"region {record.region!r}"


def _is_region(region: str) -> bool:
    from ecrlogin.errors import EcrLoginError
    from ecrlogin.registry import check_region

    try:
        check_region(region)
    except EcrLoginError:
        return False
    return True


@functools.cache
def _record_fields() -> dict[str, tuple[type, ...]]:
    """Record's field types as isinstance() takes them (`str | None` -> (str, NoneType)),
    worked out once: get_type_hints costs ~0.3 ms a call, and a state has hundreds of records."""
    import types
    import typing

    def allowed(hint: Any) -> tuple[type, ...]:
        if typing.get_origin(hint) in (typing.Union, types.UnionType):
            return tuple(t for option in typing.get_args(hint) for t in allowed(option))
        origin = typing.get_origin(hint)
        return (origin if origin is not None else hint,)

    return {name: allowed(hint) for name, hint in typing.get_type_hints(Record).items()}


def _save(directory: Path, state: State) -> None:
    path = directory / STATE_NAME
    check_trusted(path)
    write_json_atomic(
        path,
        {
            "version": VERSION,
            "accounts": dict(state.accounts or {}),
            "records": [record.to_json() for record in state.records],
            **({"regions": dict(state.regions)} if state.regions else {}),
            **({"callers": dict(state.callers)} if state.callers else {}),
        },
    )


@contextlib.contextmanager
def _editing(
    directory: Path, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Iterator[State]:
    """Lock, load; a file that is not ecrlogin's own is first moved aside, never replaced."""
    with locked(directory):
        path = directory / STATE_NAME
        check_trusted(path)
        if not _is_ours(path):
            _move_aside(path, now())
        yield load(directory)


def _is_ours(path: Path) -> bool:
    """Whether the file is missing, empty, or a JSON object with ecrlogin's "version" key."""
    try:
        data = read_json_object(path)
    except ConfigFileError:
        return False
    return not data or "version" in data


def _move_aside(path: Path, now: datetime) -> None:
    aside = path.with_name(f"{path.name}.corrupt-{now:%Y%m%dT%H%M%S}Z")
    try:
        os.rename(path, aside)
    except OSError as error:
        raise ConfigFileError(
            f"{path} is not an ecrlogin state file and cannot be moved aside: {error.strerror}",
            f"move or remove {path}",
        ) from None
    log.warning("%s was not an ecrlogin state file; moved it to %s", path, aside.name)


def remember(
    directory: Path,
    records: list[Record],
    accounts: Mapping[str, str],
    callers: Mapping[str, str] | None = None,
) -> None:
    """Add or replace records, own-account facts and caller ARNs. A record replaces every
    record of its host in its place, whoever stored them: the place holds one token per host,
    and the state names the profile whose token it is."""
    with _editing(directory) as state:
        replaced = {(r.host, r.place) for r in records}
        kept = [r for r in state.records if (r.host, r.place) not in replaced]
        merged = {**(state.accounts or {}), **accounts}
        arns = {**(state.callers or {}), **(callers or {})}
        _save(directory, State((*kept, *records), merged, state.regions, arns))


def remember_regions(directory: Path, lists: Mapping[str, Any]) -> None:
    """Add or replace remembered region lists (identity key -> `freshness.region_list_entry`)."""
    with _editing(directory) as state:
        lists = {**(state.regions or {}), **lists}
        _save(directory, State(state.records, state.accounts, lists, state.callers))


def forget(directory: Path, hosts: set[str]) -> None:
    if not (directory / STATE_NAME).exists():
        return
    with _editing(directory) as state:
        kept = tuple(r for r in state.records if r.host not in hosts)
        if len(kept) != len(state.records):
            _save(directory, State(kept, state.accounts, state.regions, state.callers))
