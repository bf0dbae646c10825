"""targets: identities × regions × accounts (+ named registries) → Targets, each once, in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from ecrlogin import registry
from ecrlogin.aws.keys import TokenKey
from ecrlogin.flows.model import Request
from ecrlogin.flows.targets import Target, plan
from ecrlogin.identity.identity import Identity

OWN = "123456789012"
A1 = "111111111111"
A2 = "222222222222"


def who(profile: str | None) -> Identity:
    return Identity(profile, f"profile:{profile or 'default'}", profile, "fingerprint")


def build(account: str, region: str, **flags: bool) -> registry.Registry:
    return registry.build(account, region, **flags)


class regions:
    """A `regions_of` that answers from a table and remembers whom it was asked about."""

    def __init__(self, table: Mapping[str | None, Sequence[str]]) -> None:
        self.table = table
        self.calls: list[str | None] = []

    def __call__(self, identity: Identity) -> Sequence[str]:
        self.calls.append(identity.profile)
        return self.table[identity.profile]


def planned(request: Request, table: Mapping[str | None, Sequence[str]]) -> list[Target]:
    return plan(request, [who(p) for p in request.profiles_or_default], regions(table))


def test_default_profile_gets_its_own_registry_in_its_region() -> None:
    regions_of = regions({None: ["eu-west-1"]})
    assert plan(Request(), [who(None)], regions_of) == [Target(who(None), "eu-west-1")]
    assert regions_of.calls == [None]


def test_several_profiles_each_in_their_own_regions_in_the_order_given() -> None:
    table = {"b": ["us-east-1", "eu-west-1"], "a": ["eu-west-1"]}
    assert planned(Request(profiles=("b", "a")), table) == [
        Target(who("b"), "us-east-1"),
        Target(who("b"), "eu-west-1"),
        Target(who("a"), "eu-west-1"),
    ]


def test_regions_times_accounts_gives_every_account_in_every_region() -> None:
    request = Request(regions=("eu-west-1", "us-east-1"), accounts=(A1, A2))
    me = who(None)
    assert planned(request, {None: ["eu-west-1", "us-east-1"]}) == [
        Target(me, "eu-west-1"),
        Target(me, "us-east-1"),
        *[Target(me, r, build(a, r)) for a in (A1, A2) for r in ("eu-west-1", "us-east-1")],
    ]


def test_named_registries_plus_accounts_cover_every_region_involved() -> None:
    named = (
        registry.parse(f"{OWN}.dkr.ecr.eu-west-1.amazonaws.com/app:1"),
        registry.parse(f"{OWN}.dkr.ecr-fips.us-gov-west-1.amazonaws.com"),
        registry.parse("public.ecr.aws/docker/library/alpine"),
    )
    request = Request(profiles=("prod",), accounts=(A1,), registries=named)
    prod = who("prod")
    assert planned(request, {"prod": []}) == [
        Target(prod, "eu-west-1", named[0]),
        Target(prod, "us-gov-west-1", named[1]),
        Target(prod, "us-east-1", named[2]),
        Target(prod, "eu-west-1", build(A1, "eu-west-1")),
        Target(prod, "us-gov-west-1", build(A1, "us-gov-west-1")),
    ]


def test_public_adds_ecr_public_in_us_east_1_once_per_profile() -> None:
    request = Request(profiles=("a", "b"), public=True)
    targets = planned(request, {"a": ["eu-west-1"], "b": ["eu-west-1"]})
    assert [t for t in targets if t.named and t.named.public] == [
        Target(who("a"), "us-east-1", registry.public()),
        Target(who("b"), "us-east-1", registry.public()),
    ]


def test_the_same_target_reached_twice_is_planned_once() -> None:
    host = f"{A1}.dkr.ecr.eu-west-1.amazonaws.com"
    request = Request(
        accounts=(A1, A1),
        public=True,
        registries=(registry.parse(host), registry.parse(host + "/x"), registry.public()),
    )
    me = who(None)
    assert planned(request, {None: ["eu-west-1", "eu-west-1"]}) == [
        Target(me, "eu-west-1"),
        Target(me, "eu-west-1", registry.parse(host)),
        Target(me, "us-east-1", registry.public()),
    ]


def test_plan_order_is_stable_across_runs() -> None:
    request = Request(profiles=("z", "a", "m"), accounts=(A2, A1), public=True)
    table = {p: ["us-west-2", "ap-south-1", "eu-west-1"] for p in ("z", "a", "m")}
    first = planned(request, table)
    assert all(planned(request, table) == first for _ in range(5))
    assert [t.identity.profile for t in first[:3]] == ["z", "z", "z"]
    assert [t.region for t in first[:3]] == ["us-west-2", "ap-south-1", "eu-west-1"]


def test_registry_of_an_own_account_target_waits_for_the_account() -> None:
    target = Target(who("prod"), "eu-west-1")
    assert target.registry(None) is None
    assert target.registry(OWN) == registry.build(OWN, "eu-west-1")


@pytest.mark.parametrize(
    "host",
    [
        f"{A1}.dkr.ecr.eu-west-1.amazonaws.com",
        f"{A1}.dkr.ecr-fips.us-east-1.amazonaws.com",
        f"{A1}.dkr-ecr.us-west-2.on.aws",
        f"{A1}.dkr.ecr.cn-north-1.amazonaws.com.cn",
        "public.ecr.aws",
    ],
)
def test_a_named_registry_is_kept_whatever_the_own_account(host: str) -> None:
    named = registry.parse(host)
    target = Target(who(None), named.region, named)
    assert target.registry(None) is named
    assert target.registry(OWN) is named


def test_token_key_is_one_per_profile_region_and_fips() -> None:
    named = (
        registry.parse(f"{A2}.dkr.ecr.eu-west-1.amazonaws.com"),
        registry.parse(f"{A2}.dkr-ecr.eu-west-1.on.aws"),
        registry.parse(f"{A2}.dkr.ecr-fips.us-east-1.amazonaws.com"),
    )
    request = Request(profiles=("a", "b"), accounts=(A1,), public=True, registries=named)
    targets = planned(request, {"a": ["eu-west-1", "us-east-1"], "b": ["eu-west-1"]})
    keys = list(dict.fromkeys(t.token_key for t in targets))
    assert keys == [
        TokenKey("a", "eu-west-1"),
        TokenKey("a", "us-east-1"),
        TokenKey("a", "us-east-1", fips=True),
        TokenKey("a", "us-east-1", public=True),
        TokenKey("b", "eu-west-1"),
        TokenKey("b", "us-east-1", fips=True),
        TokenKey("b", "us-east-1"),
        TokenKey("b", "us-east-1", public=True),
    ]
    eu_a = [t for t in targets if t.token_key == TokenKey("a", "eu-west-1")]
    assert {t.registry(OWN).account for t in eu_a if t.registry(OWN)} == {OWN, A1, A2}
