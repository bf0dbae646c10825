"""`ecrlogin password`: one registry password alone, for pipes (a drop-in for
`aws ecr get-login-password`)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from ecrlogin import registry
from ecrlogin.aws.keys import TokenKey
from ecrlogin.errors import UsageError
from ecrlogin.flows.lazycalls import LazyCalls
from ecrlogin.flows.login import own_regions
from ecrlogin.flows.model import Request


def password(
    profile: str | None,
    regions: tuple[str, ...] = (),
    *,
    reference: str | None = None,
    public: bool = False,
    calls: object = None,
    environ: Mapping[str, str] = os.environ,
) -> str:
    """The password of the registry named by `reference`, of ECR Public, or of the caller's own
    registry in the one region given (else the profile's region)."""
    if len(regions) > 1:
        raise UsageError("password prints one password: give at most one -r REGION")
    checked = tuple(registry.check_typed_region(r) for r in regions)
    with LazyCalls(calls) as aws:
        key = _key(profile, checked, reference, public, aws, environ)
        secret: str = aws().token(key).result().password
    return secret


def _key(
    profile: str | None,
    regions: tuple[str, ...],
    reference: str | None,
    public: bool,
    aws: LazyCalls,
    environ: Mapping[str, str],
) -> TokenKey:
    if public:
        return TokenKey(profile, registry.PUBLIC_REGION, public=True)
    if reference is not None:
        named = registry.parse(reference)
        if regions and regions[0] != named.region:
            raise UsageError(f"{named.host} is in {named.region}, not in {regions[0]}")
        return TokenKey(profile, named.region, fips=named.fips, public=named.public)
    (found,) = own_regions(Request(regions=regions), aws, environ)(profile)
    return TokenKey(profile, found)
