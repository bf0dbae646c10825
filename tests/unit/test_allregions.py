"""ecrlogin.flows.allregions: which regions all-regions covers, per profile."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from awsfakes import ClientError, NoCalls, StubbedSessions

from ecrlogin.aws import sdk
from ecrlogin.aws.calls import AwsCalls
from ecrlogin.errors import AwsError, EcrLoginError, UsageError
from ecrlogin.flows import allregions
from ecrlogin.flows.allregions import discover
from ecrlogin.flows.targets import TokenKey

ENABLED = ["eu-west-1", "eu-west-2", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1"]


def regions_answer(profile: str | None, region: str, service: str) -> dict[str, Any]:
    return {"Regions": [{"RegionName": r, "OptInStatus": "opt-in-not-required"} for r in ENABLED]}


def run(
    sessions: StubbedSessions, profiles: Sequence[str | None] = ("prod",), **options: Any
) -> Any:
    calls = AwsCalls(session_factory=sessions)
    try:
        return discover(profiles, calls, environ={}, **options)
    finally:
        calls.close()


@pytest.mark.parametrize(("include", "exclude"), [(("mars-*",), ()), (("EU-*",), ()), ((), ("*",))])
def test_globs_that_leave_no_region_are_a_usage_error_naming_the_regions(
    include: tuple[str, ...], exclude: tuple[str, ...]
) -> None:
    with pytest.raises(UsageError, match="leave no region") as refused:
        run(StubbedSessions(ec2=regions_answer), include=include, exclude=exclude)
    assert "eu-west-1" in (refused.value.hint or "")


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        ((), (), sorted(ENABLED)),
        (("eu-*",), (), ["eu-central-1", "eu-west-1", "eu-west-2"]),
        (("eu-*", "us-*"), ("*-2",), ["eu-central-1", "eu-west-1", "us-east-1"]),
        ((), ("eu-*", "ap-*"), ["us-east-1", "us-west-2"]),
    ],
)
def test_describe_regions_filtered_by_globs(
    include: tuple[str, ...], exclude: tuple[str, ...], expected: list[str]
) -> None:
    sessions = StubbedSessions(ec2=regions_answer)
    found = run(sessions, include=include, exclude=exclude)
    assert found.regions_of("prod") == expected
    assert found.notes == ()
    assert sessions.count("ec2") == 1
    assert sessions.clients[0][:3] == ("prod", "ec2", "eu-west-1")  # the profile's home region


def test_access_denied_falls_back_to_the_partition_with_a_note() -> None:
    sessions = StubbedSessions(ec2=lambda p, r, s: ClientError("UnauthorizedOperation", 403))
    found = run(sessions, include=("us-*",))
    expected = [r for r in sdk.partition_regions("aws") if r.startswith("us-")]
    assert found.regions_of("prod") == expected
    assert "us-east-1" in expected
    (note,) = found.notes
    assert "ec2:DescribeRegions is denied" in note
    assert "aws partition" in note
    assert "prod" in note


def test_dry_run_uses_the_partition_list_without_a_call() -> None:
    calls: Any = NoCalls()
    found = discover(["prod"], calls, dry_run=True, environ={"AWS_DEFAULT_REGION": "cn-north-1"})
    assert found.regions_of("prod") == ["cn-north-1", "cn-northwest-1"]  # not aws-cn-global
    (note,) = found.notes
    assert note.startswith("--dry-run: using the aws-cn partition's regions")


def test_dry_run_without_any_region_assumes_the_aws_partition() -> None:
    calls: Any = NoCalls()
    found = discover([None], calls, dry_run=True, environ={})
    assert "eu-west-1" in found.regions_of(None)
    assert "aws-global" not in found.regions_of(None)
    assert "the default profile" in found.notes[0]


def test_other_errors_fail_that_profile_alone() -> None:
    def ec2(profile: str | None, region: str, service: str) -> Any:
        if profile == "broken":
            return ClientError("ThrottlingException")
        return regions_answer(profile, region, service)

    found = run(StubbedSessions(ec2=ec2), ["prod", "broken"])
    assert found.regions_of("prod") == sorted(ENABLED)
    with pytest.raises(AwsError, match="throttled"):
        found.regions_of("broken")
    assert found.notes == ()


def test_unknown_profile_fails_alone() -> None:
    def factory(profile: str | None) -> Any:
        if profile == "ghost":
            raise AwsError("unknown AWS profile 'ghost' (known: prod)")
        return StubbedSessions(ec2=regions_answer)(profile)

    calls = AwsCalls(session_factory=factory)
    try:
        found = discover(["prod", "ghost"], calls, environ={})
    finally:
        calls.close()
    assert found.regions_of("prod") == sorted(ENABLED)
    with pytest.raises(EcrLoginError, match="unknown AWS profile 'ghost'"):
        found.regions_of("ghost")


def test_bad_region_in_the_settings_fails_that_profile_alone() -> None:
    calls: Any = NoCalls()
    found = discover(["x"], calls, dry_run=True, environ={"AWS_DEFAULT_REGION": "moon-1"})
    with pytest.raises(EcrLoginError, match="'moon-1', which is not an AWS region") as caught:
        found.regions_of("x")
    assert caught.value.exit_code == 1  # a settings problem, not a bad command line


def test_likely_regions_come_first_and_filters_apply() -> None:
    pairs = allregions._likely_first(
        {"p": "aws"}, lambda profile: {"sa-east-1"}, include=(), exclude=("ap-*",)
    )
    assert pairs[0] == ("p", "sa-east-1")
    assert ("p", "eu-west-1") in pairs
    assert not any(region.startswith("ap-") for _, region in pairs)


def test_tokens_of_likely_regions_are_asked_for_during_discovery() -> None:
    sessions = StubbedSessions(ec2=regions_answer)
    calls = AwsCalls(session_factory=sessions)
    try:
        discover(["prod"], calls, environ={}, likely=lambda profile: {"eu-west-1", "ap-south-1"})
        asked = [calls.token(TokenKey("prod", r)) for r in ("eu-west-1", "ap-south-1")]
        assert all(future.result(timeout=10) for future in asked)
        # The same futures login() will use: asked once, during DescribeRegions.
        assert sessions.count("ecr") == 2
        assert sessions.count("ec2") == 1
    finally:
        calls.close()


def all_regions_twice(sandbox: Any, **second: Any) -> StubbedSessions:
    """Two all-regions runs of profile prod (the second with `second` settings); the second
    run's sessions are returned."""
    from awsfakes import NOW

    from ecrlogin.flows.model import Request, Settings

    env = {"AWS_CONFIG_FILE": str(sandbox / "aws" / "config")}
    (sandbox / "aws").mkdir(exist_ok=True)
    (sandbox / "aws" / "config").write_text(
        "[profile prod]\nregion = eu-west-1\naws_access_key_id = AKIDPROD\n"
    )
    runs = []
    for changes in ({}, second):
        sessions = StubbedSessions(ec2=regions_answer)
        calls = AwsCalls(session_factory=sessions)
        settings = Settings(sandbox / "docker", sandbox / "state", **changes)
        try:
            allregions.all_regions(
                Request(profiles=("prod",)), settings, calls=calls, environ=env, clock=lambda: NOW
            )
        finally:
            calls.close()
        runs.append(sessions)
    return runs[1]


def test_the_region_list_is_remembered_per_identity(sandbox: Any) -> None:
    again = all_regions_twice(sandbox)
    assert again.count("ec2") == 0  # remembered for 24 h: no DescribeRegions
    assert again.count("ecr") == 0  # and every token still valid: no call at all


def test_force_asks_for_the_regions_again(sandbox: Any) -> None:
    assert all_regions_twice(sandbox, force=True).count("ec2") == 1


def test_force_asks_no_caller_identity_once_it_is_remembered(sandbox: Any) -> None:
    again = all_regions_twice(sandbox, force=True)
    assert (again.count("sts"), again.count("ec2"), again.count("ecr")) == (0, 1, len(ENABLED))


def test_all_regions_offers_a_sign_in_and_discovers_again(sandbox: Any) -> None:
    from ecrlogin.aws.errors import SsoSessionError
    from ecrlogin.aws.sso import SsoSession
    from ecrlogin.flows import signin
    from ecrlogin.flows.model import Request, Settings

    signed: list[str | None] = []

    def regions(profile: str | None, region: str, service: str) -> Any:
        if profile not in signed:
            raise SsoSessionError(profile)
        return regions_answer(profile, region, service)

    session = SsoSession("corp", "https://corp.example/start", "eu-west-1")
    prompt = signin.Prompt(lambda q: True, lambda p: session, signed.append)
    calls = AwsCalls(session_factory=StubbedSessions(ec2=regions))
    env = {"AWS_CONFIG_FILE": str(sandbox / "none"), "AWS_REGION": "eu-west-1"}
    try:
        outcome = allregions.all_regions(
            Request(profiles=("prod",)),
            Settings(sandbox / "docker", sandbox / "state"),
            calls=calls,
            environ=env,
            prompt=prompt,
        )
    finally:
        calls.close()
    assert signed == ["prod"]
    assert sorted(r.region for r in outcome.results if r.status == "ok") == sorted(ENABLED)
