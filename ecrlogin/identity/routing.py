"""Which profile opens which registry: six rules, the first that applies wins (docs/projects.md).

1. `-p` on the command line; 2. the project file's `[profiles]` (host, then account); 3. the
profile `--to helper -p NAME` recorded for the host; 4. AWS_PROFILE (left to the SDK, which
reads it itself, after environment keys); 5. the one profile whose `role_arn` or
`sso_account_id` names the registry's account (unless the default identity is known to be in
that account); 6. the default credential chain.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from ecrlogin.identity import profiles
from ecrlogin.names import role_account
from ecrlogin.registry import Registry


@dataclass(frozen=True)
class Hints:
    """What the run knows besides the registry itself."""

    explicit: str | None = None  # -p
    by_host: Mapping[str, str] = field(default_factory=dict)  # project file [profiles]
    by_account: Mapping[str, str] = field(default_factory=dict)
    recorded: Mapping[str, str] = field(default_factory=dict)  # --to helper -p, per host
    default_account: str | None = None  # the default identity's account, if known


class Rule(enum.Enum):
    """Which rule chose the profile; its value is the text -v shows (never matched on)."""

    EXPLICIT = "-p on the command line"
    PROJECT_HOST = "the project file's [profiles] (host)"
    PROJECT_ACCOUNT = "the project file's [profiles] (account)"
    RECORDED = "recorded by --to helper -p"
    AWS_PROFILE = "AWS_PROFILE"
    ONLY_PROFILE = "the only profile whose role or SSO account is the registry's"
    DEFAULT_CHAIN = "the default credential chain"


@dataclass(frozen=True)
class Route:
    profile: str | None  # None: the SDK's default chain
    rule: Rule  # why (its text shown with -v)
    note: str | None = None  # e.g. several profiles name the account


def choose(
    registry: Registry, hints: Hints = Hints(), environ: Mapping[str, str] = os.environ
) -> Route:
    if hints.explicit:
        return Route(hints.explicit, Rule.EXPLICIT)
    if registry.host in hints.by_host:
        return Route(hints.by_host[registry.host], Rule.PROJECT_HOST)
    if registry.account and registry.account in hints.by_account:
        return Route(hints.by_account[registry.account], Rule.PROJECT_ACCOUNT)
    if registry.host in hints.recorded:
        return Route(hints.recorded[registry.host], Rule.RECORDED)
    if environ.get("AWS_PROFILE"):  # the SDK's own default picks it up (after env keys)
        return Route(None, Rule.AWS_PROFILE)
    naming = profiles_naming(registry.account, environ) if registry.account else []
    if len(naming) == 1 and hints.default_account != registry.account:
        return Route(naming[0], Rule.ONLY_PROFILE)
    note = None
    if len(naming) > 1:
        note = f"profiles {', '.join(naming)} name account {registry.account}; pick one with -p"
    return Route(None, Rule.DEFAULT_CHAIN, note)


def profiles_naming(account: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    """Profiles whose `role_arn` or `sso_account_id` is in `account`."""
    files = profiles.aws_files(environ)
    found = []
    for name in files.profile_names():
        role = role_account(files.value(name, "role_arn") or "")
        if role == account or files.value(name, "sso_account_id") == account:
            found.append(name)
    return found
