"""Where the helper keeps things, and which cache entry answers a registry: the state
directory, the profile chosen by routing, and the identity's key. No I/O beyond reading the AWS
config files and ecrlogin's own small records, except for an opaque source (a
`credential_process`, container credentials, the instance role): its credentials are resolved
to learn which identity is in effect now (`helper.fetch.credential_key`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ecrlogin import platforms
from ecrlogin.helper import cache, records
from ecrlogin.identity import identity, routing
from ecrlogin.registry import Registry

KeyOf = Callable[[str | None], str | None]  # profile -> the access key id in effect, or None


def state_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """ecrlogin's state directory: `platforms.state_dir`, as the full CLI's."""
    return Path(platforms.state_dir(environ))


@dataclass(frozen=True)
class Place:
    """The cache entry of one registry for the identity that opens it."""

    registry: Registry
    profile: str | None  # None: the SDK's default chain
    rule: routing.Rule | None  # why that profile (None: the caller named it)
    directory: Path
    cacheable: bool = True  # False: an opaque source that gave no credentials: no cache at all
    memo: bool = True  # whether `quick` may remember it (never for an opaque source)


def place(registry: Registry, directory: Path, environ: Mapping[str, str] = os.environ) -> Place:
    """The profile routing picks for `registry`, and that identity's entry for its region."""
    hints = routing.Hints(recorded=records.profiles(directory))
    route = routing.choose(registry, hints, environ)
    if route.rule is routing.Rule.ONLY_PROFILE:  # rule 5 needs ecrlogin's state: read it now
        known = _default_account(directory, environ)
        hints = routing.Hints(recorded=hints.recorded, default_account=known)
        route = routing.choose(registry, hints, environ)
    return entry_for(registry, route.profile, directory, environ, route.rule)


def entry_for(
    registry: Registry,
    profile: str | None,
    directory: Path,
    environ: Mapping[str, str] = os.environ,
    rule: routing.Rule | None = None,
    *,
    credential_key: KeyOf | None = None,
) -> Place:
    """The entry of the identity in effect: an opaque source's bound to the key id of the
    credentials it gives now (`credential_key(profile)`, by default through botocore)."""
    who = identity.resolve(profile, environ)
    if who.opaque:
        key_id = (credential_key or _credential_key)(who.profile)
        who = who.bound_to(key_id) if key_id else who
    service = "ecr-public" if registry.public else "ecr"
    key = cache.key(service, registry.region, who.fingerprint)
    entry = cache.entry_dir(directory, key)
    return Place(registry, who.profile, rule, entry, who.cacheable, memo=not who.opaque)


def _credential_key(profile: str | None) -> str | None:
    from ecrlogin.helper.fetch import credential_key

    return credential_key(profile)


def _default_account(directory: Path, environ: Mapping[str, str]) -> str | None:
    """The default identity's own account, if an ecrlogin run has learnt it (routing rule 5),
    by the identity key login remembers it under."""
    from ecrlogin import state

    return state.load(directory).account_of(identity.resolve(None, environ))
