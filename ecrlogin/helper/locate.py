"""Where the helper keeps things, and which cache entry answers a registry: the state
directory, the profile chosen by routing, and the identity's fingerprint. No I/O beyond reading
the AWS config files and ecrlogin's own small records."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ecrlogin.helper import cache, quick, records
from ecrlogin.identity import identity, routing
from ecrlogin.registry import Registry


def state_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """`ecrlogin.state.state_dir()`, without importing platformdirs where the rule is known
    (Linux: `$XDG_STATE_HOME` if not blank, else `~/.local/state`; see `quick.state_dir`)."""
    known = quick.state_dir(environ)
    if known is not None:
        return Path(known)
    from ecrlogin import state

    return state.state_dir(environ)


@dataclass(frozen=True)
class Place:
    """The cache entry of one registry for the identity that opens it."""

    registry: Registry
    profile: str | None  # None: the SDK's default chain
    rule: routing.Rule | None  # why that profile (None: the caller named it)
    directory: Path


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
) -> Place:
    who = identity.resolve(profile, environ)
    service = "ecr-public" if registry.public else "ecr"
    key = cache.key(service, registry.region, who.fingerprint)
    return Place(registry, who.profile, rule, cache.entry_dir(directory, key))


def _default_account(directory: Path, environ: Mapping[str, str]) -> str | None:
    """The default identity's own account, if an ecrlogin run has learnt it (routing rule 5):
    remembered per identity definition, as `login` remembers it (`flows.deliver.account_key`)."""
    from ecrlogin import state
    from ecrlogin.flows.deliver import account_key

    default = identity.resolve(None, environ)
    return state.load(directory).account_of(account_key(default.source, default.fingerprint))
