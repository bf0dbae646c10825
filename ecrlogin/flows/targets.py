"""What to log in to: identities × regions × accounts, plus the registries named on the command
line, turned into `Target`s. No I/O: identities and region lookups are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from ecrlogin import registry
from ecrlogin.aws.keys import TokenKey
from ecrlogin.flows.model import Request
from ecrlogin.identity.identity import Identity
from ecrlogin.registry import Registry

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """One registry to log in to, and the identity that opens it.

    `named` is the registry itself when it is known up front (an argument, -a, --public); None
    means the caller's own registry in `region`, whose account the first token tells.
    """

    identity: Identity
    region: str
    named: Registry | None = None
    why: str | None = None  # which rule chose the identity (shown with -v)
    source: str | None = None  # the file that named the registry (project file, --from)

    @property
    def token_key(self) -> TokenKey:
        named = self.named
        fips, public = (named.fips, named.public) if named else (False, False)
        return TokenKey(self.identity.profile, self.region, fips=fips, public=public)

    def registry(self, own_account: str | None) -> Registry | None:
        """The registry, once the caller's own account is known (None while it is not)."""
        if self.named is not None:
            return self.named
        return registry.build(own_account, self.region) if own_account else None


def plan(
    request: Request,
    identities: Sequence[Identity],
    regions_of: Callable[[Identity], Sequence[str]],
) -> list[Target]:
    """Every target of the request, each once, in a stable order.

    `regions_of(identity)` gives the regions in which its own registry is wanted (the `-r`
    regions, the profile's default region, or all enabled regions).
    """
    targets: list[Target] = []
    for identity in identities:
        own_regions = list(regions_of(identity))
        targets += [Target(identity, region) for region in own_regions]
        targets += [
            Target(identity, r.region, r, source=request.sources.get(r.host))
            for r in request.registries
        ]
        named = [r.region for r in request.registries if not r.public]
        involved = _unique([*own_regions, *named])
        targets += [
            Target(identity, region, registry.build(account, region))
            for account in request.accounts
            for region in involved
        ]
        if request.public:
            targets.append(Target(identity, registry.PUBLIC_REGION, registry.public()))
    return _unique(targets)


def routed(target: Target, identity: Identity, why: str) -> Target:
    return replace(target, identity=identity, why=why)


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))
