"""ecrlogin.aws.calls: a session per profile, a token per (profile, region), failures as Futures."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from awsfakes import ACCOUNT, EXPIRES, NOW, ClientError, StubbedSessions, password_for

from ecrlogin.aws import sdk
from ecrlogin.aws.calls import AwsCalls
from ecrlogin.errors import AwsError
from ecrlogin.flows import login
from ecrlogin.flows.targets import Request, TokenKey

ACCOUNTS = ("111111111111", "222222222222", "333333333333")


def run(sandbox: Path, sessions: StubbedSessions, request: Request) -> login.Outcome:
    settings = login.Settings(sandbox / "docker", sandbox / "state")
    calls = AwsCalls(session_factory=sessions)
    try:
        return login.login(request, settings, calls=calls, clock=lambda: NOW, environ={})
    finally:
        calls.close()


def test_one_token_call_per_profile_and_region_with_many_accounts(sandbox: Path) -> None:
    sessions = StubbedSessions()
    request = Request(profiles=("a", "b"), regions=("eu-west-1", "us-east-1"), accounts=ACCOUNTS)
    outcome = run(sandbox, sessions, request)
    assert len(outcome.results) == 2 * 2 * (1 + len(ACCOUNTS))
    assert {r.status for r in outcome.results} == {"ok"}
    assert sessions.count("ecr") == 4
    assert set(sessions.calls.values()) == {1}
    hosts = {r.registry.host for r in outcome.results if r.registry}
    assert f"{ACCOUNTS[0]}.dkr.ecr.us-east-1.amazonaws.com" in hosts


def test_identity_once_and_session_once_per_profile(sandbox: Path) -> None:
    sessions = StubbedSessions()
    request = Request(profiles=("a", "b"), regions=("eu-west-1", "us-east-1", "ap-south-1"))
    outcome = run(sandbox, sessions, request)
    assert not outcome.failed
    assert sessions.count("sts") == 2
    assert sessions.sessions == {"a": 1, "b": 1}
    assert {r.identity for r in outcome.results} == {
        f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/a",
        f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/b",
    }


def test_token_future_and_client_settings() -> None:
    sessions = StubbedSessions()
    calls = AwsCalls(session_factory=sessions)
    try:
        token = calls.token(TokenKey("p", "eu-west-1", fips=True)).result(timeout=10)
        public = calls.token(TokenKey("p", "us-east-1", public=True)).result(timeout=10)
    finally:
        calls.close()
    assert (token.password, token.expires_at) == (password_for("p", "eu-west-1"), EXPIRES)
    assert public.password == password_for("p", "public")
    (_, service, region, config), (_, public_service, _, _) = sessions.clients
    assert (service, region, config.use_fips_endpoint) == ("ecr", "eu-west-1", True)
    assert public_service == "ecr-public"
    assert config.connect_timeout == sdk.CONNECT_TIMEOUT_SECONDS


def test_clients_are_reused_per_profile_service_region() -> None:
    sessions = StubbedSessions()
    calls = AwsCalls(session_factory=sessions)
    try:
        calls.identity("p", "eu-west-1").result(timeout=10)
        assert calls.session_region("p") == "eu-west-1"
        calls.regions("p", "eu-west-1", "aws").result(timeout=10)
    finally:
        calls.close()
    assert [c[:3] for c in sessions.clients] == [
        ("p", "sts", "eu-west-1"),
        ("p", "ec2", "eu-west-1"),
    ]
    assert sessions.sessions == {"p": 1}


def failing_factory(profile: str | None) -> object:
    raise AwsError(f"unknown AWS profile {profile!r} (known: none)")


@pytest.mark.parametrize(
    "submit",
    [
        lambda c: c.token(TokenKey("ghost", "eu-west-1")),
        lambda c: c.identity("ghost", "eu-west-1"),
        lambda c: c.regions("ghost", "eu-west-1", "aws"),
    ],
)
def test_failing_session_or_client_comes_back_as_failed_future(
    submit: Callable[[AwsCalls], Future[Any]],
) -> None:
    calls = AwsCalls(session_factory=failing_factory)
    try:
        future = submit(calls)
    finally:
        calls.close()
    assert future.done()
    assert isinstance(future.exception(), AwsError)
    assert "unknown AWS profile 'ghost'" in str(future.exception())


def test_botocore_error_in_client_creation_is_translated() -> None:
    import botocore.exceptions as bx

    class Session:
        region_name = None

        def client(self, *args: object, **kwargs: object) -> object:
            raise bx.NoCredentialsError()

    calls = AwsCalls(session_factory=lambda profile: Session())
    try:
        future = calls.token(TokenKey(None, "eu-west-1"))
    finally:
        calls.close()
    assert isinstance(future.exception(), AwsError)
    assert "no AWS credentials" in str(future.exception())


def test_failing_call_comes_back_as_failed_future() -> None:
    sessions = StubbedSessions(ecr=lambda p, r, s: ClientError("ThrottlingException"))
    calls = AwsCalls(session_factory=sessions)
    try:
        error = calls.token(TokenKey("p", "eu-west-1")).exception(timeout=10)
    finally:
        calls.close()
    assert isinstance(error, AwsError)
    assert "throttled" in error.message


def test_prepared_clients_are_made_only_while_a_call_is_in_flight() -> None:
    sessions = StubbedSessions()
    calls = AwsCalls(session_factory=sessions)

    def made() -> list[tuple[str | None, str]]:
        return [(profile, region) for profile, service, region, _ in sessions.clients]

    try:
        in_flight: Future[Any] = Future()
        answered: Future[Any] = Future()
        answered.set_result(None)
        calls.prepare_ecr_clients([("a", "eu-west-1"), ("b", "us-east-1")], until=[in_flight])
        assert made() == [("a", "eu-west-1"), ("b", "us-east-1")]
        calls.prepare_ecr_clients([("a", "ap-south-1")], until=[answered])
        assert len(made()) == 2  # nothing in flight: nothing made in advance
        calls.token(TokenKey("a", "eu-west-1")).result(timeout=10)
        assert len(made()) == 2  # the prepared client served the call
        assert sessions.count("ecr") == 1
    finally:
        calls.close()
