"""targets: profiles × regions × accounts (+ named registries) → Targets, each once, in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from ecrlogin import registry
from ecrlogin.flows.targets import Request, Target, TokenKey, plan

OWN = "123456789012"
A1 = "111111111111"
A2 = "222222222222"


class regions:
    """A `regions_of` that answers from a table and remembers whom it was asked about."""

    def __init__(self, table: Mapping[str | None, Sequence[str]]) -> None:
        self.table = table
        self.calls: list[str | None] = []

    def __call__(self, profile: str | None) -> Sequence[str]:
        self.calls.append(profile)
        return self.table[profile]


def test_default_profile_gets_its_own_registry_in_its_region() -> None:
    regions_of = regions({None: ["eu-west-1"]})
    assert plan(Request(), regions_of) == [Target(None, "eu-west-1")]
    assert regions_of.calls == [None]


def test_several_profiles_each_in_their_own_regions_in_the_order_given() -> None:
    regions_of = regions({"b": ["us-east-1", "eu-west-1"], "a": ["eu-west-1"]})
    assert plan(Request(profiles=("b", "a")), regions_of) == [
        Target("b", "us-east-1"),
        Target("b", "eu-west-1"),
        Target("a", "eu-west-1"),
    ]


def test_regions_times_accounts_gives_every_account_in_every_region() -> None:
    request = Request(regions=("eu-west-1", "us-east-1"), accounts=(A1, A2))
    assert plan(request, regions({None: ["eu-west-1", "us-east-1"]})) == [
        Target(None, "eu-west-1"),
        Target(None, "us-east-1"),
        Target(None, "eu-west-1", A1),
        Target(None, "us-east-1", A1),
        Target(None, "eu-west-1", A2),
        Target(None, "us-east-1", A2),
    ]


def test_named_registries_plus_accounts_cover_every_region_involved() -> None:
    named = (
        registry.parse(f"{OWN}.dkr.ecr.eu-west-1.amazonaws.com/app:1"),
        registry.parse(f"{OWN}.dkr.ecr-fips.us-gov-west-1.amazonaws.com"),
        registry.parse("public.ecr.aws/docker/library/alpine"),
    )
    request = Request(profiles=("prod",), accounts=(A1,), registries=named)
    assert plan(request, regions({"prod": []})) == [
        Target("prod", "eu-west-1", OWN),
        Target("prod", "us-gov-west-1", OWN, fips=True),
        Target("prod", "us-east-1", public=True),
        Target("prod", "eu-west-1", A1),
        Target("prod", "us-gov-west-1", A1),
    ]


def test_public_adds_ecr_public_in_us_east_1_once_per_profile() -> None:
    request = Request(profiles=("a", "b"), public=True)
    targets = plan(request, regions({"a": ["eu-west-1"], "b": ["eu-west-1"]}))
    assert [t for t in targets if t.public] == [
        Target("a", "us-east-1", public=True),
        Target("b", "us-east-1", public=True),
    ]


def test_the_same_target_reached_twice_is_planned_once() -> None:
    host = f"{A1}.dkr.ecr.eu-west-1.amazonaws.com"
    request = Request(
        accounts=(A1, A1),
        public=True,
        registries=(registry.parse(host), registry.parse(host + "/x"), registry.public()),
    )
    targets = plan(request, regions({None: ["eu-west-1", "eu-west-1"]}))
    assert targets == [
        Target(None, "eu-west-1"),
        Target(None, "eu-west-1", A1),
        Target(None, "us-east-1", public=True),
    ]


def test_plan_order_is_stable_across_runs() -> None:
    request = Request(profiles=("z", "a", "m"), accounts=(A2, A1), public=True)
    table = {p: ["us-west-2", "ap-south-1", "eu-west-1"] for p in ("z", "a", "m")}
    first = plan(request, regions(table))
    assert all(plan(request, regions(table)) == first for _ in range(5))
    assert [t.profile for t in first[:3]] == ["z", "z", "z"]
    assert [t.region for t in first[:3]] == ["us-west-2", "ap-south-1", "eu-west-1"]


def test_registry_of_an_own_account_target_waits_for_the_account() -> None:
    target = Target("prod", "eu-west-1")
    assert target.registry(None) is None
    assert target.registry(OWN) == registry.build(OWN, "eu-west-1")


@pytest.mark.parametrize(
    ("target", "host"),
    [
        (Target(None, "eu-west-1", A1), f"{A1}.dkr.ecr.eu-west-1.amazonaws.com"),
        (Target(None, "us-east-1", A1, fips=True), f"{A1}.dkr.ecr-fips.us-east-1.amazonaws.com"),
        (Target(None, "us-west-2", A1, dualstack=True), f"{A1}.dkr-ecr.us-west-2.on.aws"),
        (Target(None, "cn-north-1", A1), f"{A1}.dkr.ecr.cn-north-1.amazonaws.com.cn"),
        (Target(None, "us-east-1", public=True), "public.ecr.aws"),
    ],
)
def test_registry_of_a_target_with_its_account_ignores_the_own_account(
    target: Target, host: str
) -> None:
    assert target.registry(None) is not None
    for own in (None, OWN):
        built = target.registry(own)
        assert built is not None
        assert built.host == host


def test_token_key_is_one_per_profile_region_and_fips() -> None:
    named = (
        registry.parse(f"{A2}.dkr.ecr.eu-west-1.amazonaws.com"),
        registry.parse(f"{A2}.dkr-ecr.eu-west-1.on.aws"),
        registry.parse(f"{A2}.dkr.ecr-fips.us-east-1.amazonaws.com"),
    )
    request = Request(profiles=("a", "b"), accounts=(A1,), public=True, registries=named)
    targets = plan(request, regions({"a": ["eu-west-1", "us-east-1"], "b": ["eu-west-1"]}))
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
    assert {t.account for t in eu_a} == {None, A1, A2}  # one token opens all three
