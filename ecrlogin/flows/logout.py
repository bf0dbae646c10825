"""`ecrlogin logout`: take ECR registries away again, and nothing else."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from ecrlogin import registry, state
from ecrlogin.errors import UsageError
from ecrlogin.flows.model import Settings
from ecrlogin.identity.profiles import display_profile

log = logging.getLogger("ecrlogin")


@dataclass(frozen=True)
class Removal:
    registry: str
    removed: bool
    stored_in: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class LogoutRequest:
    references: tuple[str, ...] = ()
    everything: bool = False
    profiles: tuple[str, ...] = ()  # only hosts that these profiles stored
    regions: tuple[str, ...] = ()  # only hosts in these regions


def logout(
    settings: Settings, request: LogoutRequest, *, environ: Mapping[str, str] = os.environ
) -> list[Removal]:
    """Remove ECR hosts from every place ecrlogin stores to; other entries are never touched."""
    from ecrlogin.sinks.choose import every_place

    filtered = bool(request.profiles or request.regions)
    if not (request.references or request.everything or filtered):
        raise UsageError("name the registries to log out of, or pass --all, -p or -r")
    named = [registry.parse(ref).host for ref in request.references]
    for region in request.regions:
        registry.check_typed_region(region)  # `-r nowhere`: exit 2, naming it
    known = state.load(settings.state_dir)
    removals: dict[str, Removal] = {}
    for sink in every_place(settings.docker_config, settings.state_dir, environ):
        held = list(sink.held()) if request.everything or filtered else []
        candidates = dict.fromkeys([*named, *held])
        hosts = [h for h in candidates if _wanted(h, request, known, sink.place, environ)]
        if not hosts:
            continue
        for host, outcome in sink.erase(hosts).items():
            removal = Removal(
                host,
                removed=outcome.error is None and outcome.stored_in is not None,
                stored_in=outcome.stored_in,
                error=outcome.error.one_line() if outcome.error else None,
            )
            if host not in removals or removal.removed:
                removals[host] = removal
    if filtered and not removals:
        from ecrlogin.flows.filters import empty_filter

        log.warning(
            "nothing logged out: %s", empty_filter(request.profiles, request.regions, environ)
        )
    gone = {h for h, r in removals.items() if r.error is None}
    if gone:
        state.forget(settings.state_dir, gone)
    return list(removals.values())


def _wanted(
    host: str, request: LogoutRequest, known: state.State, place: str, environ: Mapping[str, str]
) -> bool:
    """In the -r regions, and stored in this place by one of the -p profiles (the record of
    the token this place holds: one per host and place)."""
    if request.regions and registry.parse(host).region not in request.regions:
        return False
    if request.profiles:
        wanted = {display_profile(p, environ) for p in request.profiles}
        here = [r for r in known.for_host(host) if r.place in (place, None)]
        return any(r.profile in wanted for r in here)
    return True
