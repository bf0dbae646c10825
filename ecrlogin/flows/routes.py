"""Who opens what: profiles resolved once into identities, and the registries named in a run
routed to a profile by `identity.routing`'s rules when no -p was given."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ecrlogin import state
from ecrlogin.awsfiles import named_profile
from ecrlogin.flows.model import Request, Result
from ecrlogin.flows.targets import Target, routed
from ecrlogin.identity import profiles, routing
from ecrlogin.identity.identity import Identity, resolve

log = logging.getLogger("ecrlogin")


def identities(
    request: Request, environ: Mapping[str, str], *, check_files: bool = False
) -> tuple[list[Identity], list[Result]]:
    """Each profile of the run as an Identity; a profile the AWS files do not define fails
    on its own row (`unknown_profile`)."""
    found, failures = [], []
    known = profiles.known_profiles(environ)
    for profile in request.profiles_or_default:
        identity = resolve(profile, environ)
        missing = unknown_profile(profile, identity, environ, known, check_files=check_files)
        if missing is not None:
            from ecrlogin.aws.sdk import unknown_profile as failure  # botocore's own message

            failures.append(Result("", missing, "failed", failure=failure(missing, known)))
            continue
        found.append(identity)
    return found, failures


def unknown_profile(
    profile: str | None,
    identity: Identity,
    environ: Mapping[str, str],
    known: Sequence[str],
    *,
    check_files: bool,
) -> str | None:
    """The profile name the AWS files do not define, else None. The one the environment names
    (AWS_DEFAULT_PROFILE, AWS_PROFILE) must exist whatever the cache holds, as botocore and the
    aws CLI require; with `check_files` (--dry-run, which makes no session), -p's too."""
    named = named_profile(environ)
    if profile is None and named not in ("default", *known):
        return named
    if check_files and identity.shown not in (None, "default", *known):
        return identity.shown
    return None


def route(
    targets: Sequence[Target],
    request: Request,
    known: state.State,
    environ: Mapping[str, str],
    hints: routing.Hints | None = None,
) -> tuple[list[Target], list[str]]:
    """Without -p, each registry named in the run gets the profile the rules choose for it."""
    if request.profiles:
        return list(targets), []
    named = {r.host for r in request.registries if not r.public}
    default = resolve(None, environ)
    base = hints or routing.Hints()
    default_account = known.account_of(default)
    rules = routing.Hints(
        base.explicit, base.by_host, base.by_account, base.recorded, default_account
    )
    out, notes = [], []
    for target in targets:
        if target.named is None or target.named.host not in named:
            out.append(target)
            continue
        chosen = routing.choose(target.named, rules, environ)
        identity = resolve(chosen.profile, environ) if chosen.profile else target.identity
        why = chosen.rule.value
        log.info("%s: profile %s (%s)", target.named.host, identity.shown or "-", why)
        out.append(routed(target, identity, why))
        if chosen.note:
            notes.append(f"{target.named.host}: {chosen.note}")
    return list(dict.fromkeys(out)), list(dict.fromkeys(notes))


def bound(targets: Sequence[Target], calls: Callable[[], Any]) -> list[Target]:
    """Each target of an opaque identity bound to the credentials its source gives now (a
    digest of their access key id: `AwsCalls.credential_key`), so that a record is used only
    while the same credentials are in effect. A source that gives none leaves the identity
    unbound: nothing cached stands for it (its fetch reports the error)."""
    opaque = {t.identity for t in targets if t.identity.opaque and t.identity.bound is None}
    if not opaque:
        return list(targets)
    binding: dict[Identity, Identity] = {}
    for identity in opaque:
        key_id = calls().credential_key(identity.profile)
        binding[identity] = identity.bound_to(key_id) if key_id else identity
        log.debug(
            "%s: credentials from a source that names no identity: %s",
            identity.shown or "default chain",
            "bound to the key they give now" if key_id else "none now, nothing cached is used",
        )
    return [replace(t, identity=binding.get(t.identity, t.identity)) for t in targets]


def with_records(hints: routing.Hints | None, state_dir: Path) -> routing.Hints:
    """The rules' inputs plus the profiles `--to helper -p NAME` recorded per host (rule 3)."""
    from dataclasses import replace

    from ecrlogin.helper import records

    return replace(hints or routing.Hints(), recorded=records.profiles(state_dir))
