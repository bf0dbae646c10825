"""What to log in to: profiles × regions × accounts, plus the registries named on the command
line, turned into `Target`s. No I/O: region lookups are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ecrlogin import registry
from ecrlogin.registry import Registry

T = TypeVar("T")


@dataclass(frozen=True)
class TokenKey:
    """One `GetAuthorizationToken` call: its token opens every registry of that region."""

    profile: str | None
    region: str
    fips: bool = False
    public: bool = False


@dataclass(frozen=True)
class Target:
    """One registry host to log in to; `account` None means the caller's own account."""

    profile: str | None
    region: str
    account: str | None = None
    fips: bool = False
    dualstack: bool = False
    public: bool = False

    @property
    def token_key(self) -> TokenKey:
        return TokenKey(self.profile, self.region, self.fips, self.public)

    def registry(self, own_account: str | None) -> Registry | None:
        """The registry, once the caller's own account is known (None while it is not)."""
        if self.public:
            return registry.public()
        account = self.account or own_account
        if account is None:
            return None
        return registry.build(account, self.region, fips=self.fips, dualstack=self.dualstack)


@dataclass(frozen=True)
class Request:
    profiles: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    public: bool = False
    registries: tuple[Registry, ...] = ()

    @property
    def profiles_or_default(self) -> tuple[str | None, ...]:
        return self.profiles or (None,)


def plan(request: Request, regions_of: Callable[[str | None], Sequence[str]]) -> list[Target]:
    """Every target of the request, each once, in a stable order.

    `regions_of(profile)` gives the regions in which the profile's own registry is wanted
    (the `-r` regions, the profile's default region, or all enabled regions).
    """
    targets: list[Target] = []
    for profile in request.profiles_or_default:
        own_regions = list(regions_of(profile))
        named = [r for r in request.registries if not r.public]
        targets += [Target(profile, region) for region in own_regions]
        targets += [_from_registry(profile, r) for r in request.registries]
        involved = _unique([*own_regions, *(r.region for r in named)])
        targets += [Target(profile, region, a) for a in request.accounts for region in involved]
        if request.public:
            targets.append(Target(profile, registry.PUBLIC_REGION, public=True))
    return _unique(targets)


def _from_registry(profile: str | None, reg: Registry) -> Target:
    return Target(
        profile,
        reg.region,
        reg.account,
        fips=reg.fips,
        dualstack=reg.dualstack,
        public=reg.public,
    )


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))
