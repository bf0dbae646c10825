"""ecrlogin.aws.sso: which session a profile uses, the device authorization's polling, the cache
entry botocore reads."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import botocore.exceptions as bx
import pytest
from awsfakes import FakeOidc

from ecrlogin.aws import sso
from ecrlogin.errors import EcrLoginError

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
CORP = sso.SsoSession("corp", "https://corp.example/start", "eu-west-1", sso.DEFAULT_SCOPES)
CONFIG = {
    "profiles": {
        "dev": {"sso_session": "corp"},
        "old": {"sso_start_url": "https://old.example/start", "sso_region": "us-east-1"},
        "keys": {"region": "eu-west-1"},
        "scoped": {"sso_session": "narrow"},
        "ghost": {"sso_session": "nowhere"},
    },
    "sso_sessions": {
        "corp": {"sso_start_url": "https://corp.example/start", "sso_region": "eu-west-1"},
        "narrow": {
            "sso_start_url": "https://n.example/start",
            "sso_region": "us-west-2",
            "sso_registration_scopes": "a:b, c:d",
        },
    },
}


@pytest.mark.parametrize(
    ("profile", "name", "expected"),
    [
        ("dev", None, CORP),
        ("keys", "corp", CORP),
        ("old", None, sso.SsoSession(None, "https://old.example/start", "us-east-1")),
        (
            "scoped",
            None,
            sso.SsoSession("narrow", "https://n.example/start", "us-west-2", ("a:b", "c:d")),
        ),
    ],
)
def test_the_session_of_a_profile(profile: str, name: str | None, expected: sso.SsoSession) -> None:
    assert sso.find_session(CONFIG, profile, session_name=name) == expected


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        ("keys", "does not use IAM Identity Center"),
        ("ghost", "[sso-session nowhere]"),
        ("x", "unknown"),
    ],
)
def test_a_profile_without_a_session_is_refused(profile: str, words: str) -> None:
    with pytest.raises(EcrLoginError, match=words.replace("[", r"\[")):
        sso.find_session(CONFIG, profile)


def test_the_cache_name_is_botocores() -> None:
    assert CORP.cache_name == hashlib.sha1(b"corp").hexdigest() + ".json"
    legacy = sso.SsoSession(None, "https://old.example/start", "us-east-1")
    assert legacy.cache_name == hashlib.sha1(b"https://old.example/start").hexdigest() + ".json"


TOKEN = {"accessToken": "access-secret", "expiresIn": 3600, "refreshToken": "refresh-secret"}


def signed_in(
    client: FakeOidc, sleeps: list[float], session: sso.SsoSession = CORP
) -> sso.SignedIn:
    shown: list[sso.Authorization] = []
    found = sso.sign_in(session, client, show=shown.append, now=lambda: NOW, sleep=sleeps.append)
    assert [a.user_code for a in shown] == ["AB-CD"]
    return found


def test_polls_at_the_interval_and_five_seconds_more_after_each_slow_down() -> None:
    sleeps: list[float] = []
    client = FakeOidc(
        "AuthorizationPendingException", "SlowDownException", "SlowDownException", TOKEN
    )
    found = signed_in(client, sleeps)
    assert sleeps == [2, 2, 7, 12]
    assert client.registered == {
        "clientName": "ecrlogin-corp",
        "clientType": "public",
        "scopes": ["sso:account:access"],
    }
    assert found.cache_entry() == {
        "startUrl": "https://corp.example/start",
        "region": "eu-west-1",
        "accessToken": "access-secret",
        "expiresAt": "2030-01-01T13:00:00Z",
        "clientId": "cid",
        "clientSecret": "csecret",
        "registrationExpiresAt": "2030-03-17T17:46:40Z",
        "refreshToken": "refresh-secret",
    }
    assert not [s for s in ("access-secret", "refresh-secret", "csecret") if s in repr(found)]


def test_a_legacy_profile_caches_the_token_alone_and_the_default_interval_is_five() -> None:
    sleeps: list[float] = []
    legacy = sso.SsoSession(None, "https://old.example/start", "us-east-1")
    found = signed_in(FakeOidc(TOKEN, interval=None), sleeps, legacy)
    assert sleeps == [5]
    assert sorted(found.cache_entry()) == ["accessToken", "expiresAt", "region", "startUrl"]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("ExpiredTokenException", "expired before it was approved"),
        ("AccessDeniedException", "was denied"),
        ("InvalidClientException", "InvalidClientException"),
    ],
)
def test_a_refusal_is_one_line(code: str, words: str) -> None:
    with pytest.raises(sso.SignInError, match=words) as caught:
        signed_in(FakeOidc("AuthorizationPendingException", code), [])
    assert "\n" not in caught.value.one_line()
    assert caught.value.exit_code == 1


def test_an_unreachable_service_is_one_line() -> None:
    client = FakeOidc()

    def unreachable(**params: Any) -> dict[str, Any]:
        raise bx.EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")

    client.register_client = unreachable  # type: ignore[method-assign]
    with pytest.raises(sso.SignInError, match=r"unreachable \(EndpointConnectionError\)"):
        sso.sign_in(CORP, client, show=lambda a: None)
