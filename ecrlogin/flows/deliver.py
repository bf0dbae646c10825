"""After the tokens: the sink stores them (the daemon may check them first), and ecrlogin's own
state remembers who stored what, where, until when."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ecrlogin import state
from ecrlogin.errors import ConfigFileError
from ecrlogin.flows.model import Result
from ecrlogin.flows.targets import Target
from ecrlogin.flows.tokens import Fetched
from ecrlogin.sinks.base import Credential, Sink, Stored

log = logging.getLogger("ecrlogin")
ECR_LOGIN_NOTE = (
    "docker-credential-ecr-login serves this host and gets its own tokens; nothing stored"
)


@dataclass(frozen=True)
class Delivered:
    results: dict[Target, Result]
    records: tuple[state.Record, ...]
    accounts: dict[str, str]  # identity key -> its own account
    callers: dict[str, str] = field(default_factory=dict)  # identity key -> the caller's ARN


def deliver(fetched: Sequence[Fetched], sink: Sink) -> Delivered:
    credentials = {
        f.registry.host: Credential(f.registry, f.password, f.expires_at, f.target.identity.profile)
        for f in fetched
    }
    stored = sink.store(list(credentials.values())) if credentials else {}
    results, records, accounts, callers = {}, [], {}, {}
    for item in fetched:
        outcome = stored[item.registry.host]
        identity = item.target.identity
        key = identity.key
        if item.account and item.target.named is None and identity.cacheable:
            accounts[key] = item.account
        if item.identity and identity.cacheable:
            callers[key] = item.identity
        results[item.target] = _result(item, outcome)
        if outcome.error is None and not outcome.needs_nothing:
            log.info("%s: stored in %s", item.registry.host, outcome.stored_in)
            if identity.cacheable:  # an opaque source not bound to its key: nothing to rely on
                records.append(_record(item, outcome, sink.place))
    return Delivered(results, tuple(records), accounts, callers)


def _result(item: Fetched, outcome: Stored) -> Result:
    if outcome.error is not None:
        return item.result("failed", stored_in=outcome.stored_in, failure=outcome.error)
    return item.result(
        "ok",
        expires_at=None if outcome.needs_nothing else item.expires_at,
        stored_in=outcome.stored_in,
        note=ECR_LOGIN_NOTE if outcome.needs_nothing else None,
    )


def _record(item: Fetched, outcome: Stored, place: str) -> state.Record:
    identity = item.target.identity
    return state.Record(
        item.registry.host,
        identity.source,
        identity.shown,
        item.registry.account,
        item.target.region,
        item.identity,
        item.expires_at,
        outcome.stored_in or "",
        outcome.fingerprint,
        identity.fingerprint,
        place,
    )


def save_state(state_dir: Path, delivered: Delivered) -> None:
    """Remember what was stored. A state directory that cannot be written (read-only, full,
    refused as another user's) is a warning, printed even with -q: the tokens are stored and
    work, only the next run cannot skip them. Never a failed login."""
    if not (delivered.records or delivered.accounts):
        return
    try:
        state.remember(state_dir, list(delivered.records), delivered.accounts, delivered.callers)
    except ConfigFileError as error:
        log.warning("%s: the tokens are stored, but the next run cannot skip them", error.message)
