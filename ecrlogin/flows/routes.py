"""Who opens what: profiles resolved once into identities, and the registries named in a run
routed to a profile by DESIGN v2's rules when no -p was given."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ecrlogin import state
from ecrlogin.flows.model import Request, Result
from ecrlogin.flows.targets import Target, routed
from ecrlogin.identity import profiles, routing
from ecrlogin.identity.identity import Identity, resolve

log = logging.getLogger("ecrlogin")


def identities(
    request: Request, environ: Mapping[str, str], *, check_files: bool = False
) -> tuple[list[Identity], list[Result]]:
    """Each profile of the run as an Identity.

    With `check_files` (--dry-run, which makes no session), a profile missing from the AWS
    files fails on its own row; otherwise botocore's own session does that check.
    """
    found, failures = [], []
    known = profiles.known_profiles(environ) if check_files else []
    for profile in request.profiles_or_default:
        identity = resolve(profile, environ)
        name = identity.shown
        if check_files and name not in (None, "default", *known):
            from ecrlogin.aws.sdk import unknown_profile  # the message botocore's check gives

            failure = unknown_profile(name or "", known)
            failures.append(Result("", name, "failed", failure=failure))
            continue
        found.append(identity)
    return found, failures


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
        log.info("%s: profile %s (%s)", target.named.host, identity.shown or "-", chosen.rule)
        out.append(routed(target, identity, chosen.rule))
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
