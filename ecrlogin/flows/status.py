"""`ecrlogin status`: every ECR registry where ecrlogin stores, who, and until when."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ecrlogin import registry, state
from ecrlogin.flows.filters import empty_filter
from ecrlogin.flows.model import Settings
from ecrlogin.identity.identity import of_record
from ecrlogin.sinks.base import Held
from ecrlogin.sinks.choose import every_place

if TYPE_CHECKING:
    from ecrlogin.flows.verify import Ask


@dataclass(frozen=True)
class StatusRow:
    registry: str
    profile: str | None
    identity: str | None
    expires_at: datetime | None
    expired: bool | None
    stored_in: str
    profile_changed: bool | None = None  # the profile's definition changed since the fetch
    accepted: bool | None = None  # --verify: the registry's answer (None: not asked, no answer)


@dataclass(frozen=True)
class StatusReport:
    rows: tuple[StatusRow, ...]
    failing: tuple[str, ...] = ()  # with --check: the registries that fail it
    checked: bool = False  # --check: nothing listed fails it too (nothing to vouch for)
    empty_filter: str | None = None  # -p/-r selected nothing: what was asked, and why
    verified: bool = False  # --verify: each row's `accepted` is the registry's answer

    @property
    def fails_check(self) -> bool:
        return bool(self.failing) or (self.checked and not self.rows)


@dataclass(frozen=True)
class StatusQuery:
    profiles: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    check: bool = False
    min_ttl: timedelta = timedelta(0)
    verify: bool = False


def status(
    settings: Settings,
    query: StatusQuery = StatusQuery(),
    *,
    clock: Callable[[], datetime],
    environ: Mapping[str, str] = os.environ,
    ask: Ask | None = None,
) -> StatusReport:
    for region in query.regions:
        registry.check_typed_region(region)  # `-r nowhere`: exit 2, naming it
    now = clock()
    known = state.load(settings.state_dir)
    rows = []
    for sink in every_place(settings.docker_config, settings.state_dir, environ):
        for held in sink.held().values():
            rows.append(_row(held, known.for_host(held.host), sink.place, now, environ))
    wanted = sorted((row for row in rows if _wanted(row, query)), key=lambda r: r.registry)
    if query.verify:
        wanted = _verified(wanted, settings, environ, ask)
    failing = tuple(r.registry for r in wanted if query.check and _fails(r, now, query.min_ttl))
    empty = None
    if not wanted and (query.profiles or query.regions):
        empty = empty_filter(query.profiles, query.regions, environ)
    return StatusReport(tuple(wanted), failing, query.check, empty, query.verify)


def _row(
    held: Held,
    records: Sequence[state.Record],
    place: str,
    now: datetime,
    environ: Mapping[str, str],
) -> StatusRow:
    mine = [r for r in records if r.place == place and r.entry_print == held.fingerprint]
    record = max(mine, key=lambda r: r.expires_at or now, default=None)
    if record is None:
        return StatusRow(held.host, None, None, None, None, held.stored_in)
    expires = record.expires_at
    changed = identity_changed(record, environ)
    return StatusRow(
        held.host,
        record.profile,
        record.identity,
        expires,
        None if expires is None else expires <= now,
        held.stored_in,
        changed,
    )


def _verified(
    rows: Sequence[StatusRow], settings: Settings, environ: Mapping[str, str], ask: Ask | None
) -> list[StatusRow]:
    """Each row with the registry's answer to what its client would send (all at once)."""
    from dataclasses import replace

    from ecrlogin.flows import verify

    def view(row: StatusRow) -> str:
        return {"auth.json": "podman", "helm": "helm"}.get(row.stored_in, "docker")

    asking = ask or verify.ask
    answers = asking([(r.registry, view(r)) for r in rows], settings.docker_config, environ)
    return [replace(r, accepted=answers[(r.registry, view(r))].accepted) for r in rows]


def _wanted(row: StatusRow, query: StatusQuery) -> bool:
    if query.profiles and row.profile not in query.profiles:
        return False
    return not query.regions or registry.parse(row.registry).region in query.regions


def _fails(row: StatusRow, now: datetime, min_ttl: timedelta) -> bool:
    """Expired, unknown to ecrlogin (no expiry: nothing to rely on), or too close to expiry."""
    if row.accepted is False:
        return True  # the registry itself refuses it
    if row.stored_in == "credHelpers:ecr-login":
        return False  # that helper fetches its own tokens
    return row.expires_at is None or row.expires_at - now < min_ttl or bool(row.expired)


def identity_changed(record: state.Record, environ: Mapping[str, str]) -> bool | None:
    """Whether the identity in effect now for the record's source is another than the one that
    fetched its token; None where that cannot be known (no print kept, or an opaque source)."""
    now_in_effect = of_record(record.source, environ)
    if record.identity_print is None or now_in_effect.opaque:
        return None
    return now_in_effect.fingerprint != record.identity_print
