"""helper.fetch: one GetAuthorizationToken for the registry's region, errors made actionable."""

from __future__ import annotations

import pytest
from awsfakes import ClientError, StubbedSessions, password_for

from ecrlogin.errors import AwsError
from ecrlogin.helper.fetch import fetch
from ecrlogin.registry import parse

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def test_fetches_the_registrys_region_as_the_profile() -> None:
    sessions = StubbedSessions()
    token = fetch(parse(HOST), "prod", session_factory=sessions)
    assert token.password == password_for("prod", "eu-west-1")
    assert token.account == "123456789012"
    assert sessions.calls == {("prod", "ecr", "eu-west-1"): 1}


def test_fips_host_uses_the_fips_endpoint() -> None:
    sessions = StubbedSessions()
    fetch(
        parse("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com"), None, session_factory=sessions
    )
    (_, service, region, config) = sessions.clients[0]
    assert (service, region, config.use_fips_endpoint) == ("ecr", "us-east-1", True)


def test_public_registry_asks_ecr_public_in_us_east_1() -> None:
    sessions = StubbedSessions()
    token = fetch(parse("public.ecr.aws"), None, session_factory=sessions)
    assert token.password == password_for(None, "public")
    assert sessions.calls == {(None, "ecr-public", "us-east-1"): 1}


def test_denied_names_the_permission() -> None:
    sessions = StubbedSessions(ecr=lambda p, r, s: ClientError("AccessDeniedException"))
    with pytest.raises(AwsError, match=r"ecr:GetAuthorizationToken"):
        fetch(parse(HOST), "prod", session_factory=sessions)


def test_unknown_profile_is_an_actionable_error() -> None:
    with pytest.raises(AwsError) as caught:
        fetch(parse(HOST), "nope")
    assert "unknown AWS profile 'nope'" in caught.value.one_line()
    assert "aws configure --profile nope" in caught.value.one_line()


def test_fewer_attempts_than_a_login_run() -> None:
    sessions = StubbedSessions()
    fetch(parse(HOST), None, session_factory=sessions)
    config = sessions.clients[0][3]
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}
    assert (config.connect_timeout, config.read_timeout) == (2, 3)


def test_credential_key_is_the_key_id_the_chain_gives_now() -> None:
    from ecrlogin.helper.fetch import credential_key

    sessions = StubbedSessions()
    sessions.key_id = "AKIDNOW"
    assert credential_key("prod", session_factory=sessions) == "AKIDNOW"
    assert credential_key("prod", session_factory=lambda profile: 1 / 0) is None
