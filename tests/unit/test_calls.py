"""ecrlogin.aws.calls: a session per profile, a token per (profile, region), failures as Futures."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from awsfakes import ACCOUNT, EXPIRES, NOW, ClientError, StubbedSessions, password_for
from fakeaws import certificate, serving

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
    # both profiles reach the same 2 x 4 hosts: one token per host is stored (issue 24)
    assert len(outcome.results) == 2 * (1 + len(ACCOUNTS))
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
    # both are in the same account: each host keeps the first profile's token (issue 24)
    assert {r.identity for r in outcome.results} == {f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/a"}
    assert len(outcome.notes) == 3


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

        def client_settings(self) -> None:
            return None

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


# Clients shared by profiles (ecrlogin.aws.shared), with botocore's own sessions and config files.


def aws_files(folder: Path, config: str, keys: Sequence[str] = ("a", "b")) -> None:
    (folder / "aws").mkdir(exist_ok=True)
    (folder / "aws" / "config").write_text(config)
    credentials = "".join(
        f"[{p}]\naws_access_key_id = AKID{p.upper()}\naws_secret_access_key = s-{p}\n" for p in keys
    )
    (folder / "aws" / "credentials").write_text(credentials)


def test_profiles_share_clients_each_call_signed_with_its_own_credentials(sandbox: Path) -> None:
    script = sandbox / "keys.py"
    script.write_text(
        'print(\'{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "x"}\')'
    )
    profiles = {"a": "AKIDA", "b": "AKIDB", "proc": "AKIDPROC"}
    with serving() as (endpoint, seen):
        config = "".join(f"[profile {p}]\nendpoint_url = {endpoint}\n" for p in profiles)
        aws_files(sandbox, f"{config}credential_process = {sys.executable} {script}\n")
        calls = AwsCalls()
        try:
            tokens = {p: calls.token(TokenKey(p, "eu-west-1")) for p in profiles}
            identities = {p: calls.identity(p, "eu-west-1") for p in profiles}
            assert {p: f.result(10).password for p, f in tokens.items()} == {
                p: f"pw-{key}" for p, key in profiles.items()
            }
            assert {p: f.result(10).arn.rsplit("/")[-1] for p, f in identities.items()} == profiles
            shared = {
                calls._client(p, s, "eu-west-1").meta for p in profiles for s in ("ecr", "sts")
            }
        finally:
            calls.close()
    assert len(shared) == 2  # one ECR and one STS client for the three profiles
    assert sorted(seen.keys("ecr")) == sorted(seen.keys("sts")) == sorted(profiles.values())


def test_a_profile_without_credentials_fails_alone_naming_itself(sandbox: Path) -> None:
    with serving() as (endpoint, seen):
        aws_files(
            sandbox,
            f"[profile a]\nendpoint_url = {endpoint}\n[profile none]\nendpoint_url = {endpoint}\n",
            keys=["a"],
        )
        calls = AwsCalls()
        try:
            good, bad = (calls.token(TokenKey(p, "eu-west-1")) for p in ("a", "none"))
            assert good.result(10).password == "pw-AKIDA"
            assert "no AWS credentials found for profile 'none'" in str(bad.exception(10))
        finally:
            calls.close()
    assert seen.keys("ecr") == ["AKIDA"]


def test_a_profile_trusting_its_own_ca_bundle_keeps_it_to_itself(sandbox: Path) -> None:
    with serving(tls=certificate(sandbox)) as (endpoint, seen):
        aws_files(
            sandbox,
            f"[profile a]\nendpoint_url = {endpoint}\nca_bundle = {sandbox / 'cert.pem'}\n"
            f"[profile b]\nendpoint_url = {endpoint}\n",
        )
        calls = AwsCalls()
        try:
            trusting, plain = (calls.token(TokenKey(p, "eu-west-1")) for p in ("a", "b"))
            assert trusting.result(10).password == "pw-AKIDA"
            assert "SSL" in str(plain.exception(10))
        finally:
            calls.close()
    assert seen.keys("ecr") == ["AKIDA"]


def test_proxies_of_the_environment_carry_every_profile(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving() as (proxy, seen):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("NO_PROXY", "")
        aws_files(
            sandbox,
            "[default]\nendpoint_url = http://127.0.0.1:9\n[profile b]\nendpoint_url = http://127.0.0.1:9\n",
            keys=["default", "b"],
        )
        calls = AwsCalls()
        try:
            tokens = [calls.token(TokenKey(p, "eu-west-1")) for p in (None, "b")]
            assert [t.result(10).password for t in tokens] == ["pw-AKIDDEFAULT", "pw-AKIDB"]
        finally:
            calls.close()
    assert seen.keys("ecr") == ["AKIDB", "AKIDDEFAULT"]  # port 9 has no server: the proxy answered


CERT = "/etc/ssl/certs/ca-certificates.crt"
FACTORY = sdk.default_session_factory()  # sessions read the files of each test; one data loader
SETTINGS: list[tuple[str, dict[str, str], bool]] = [  # b's lines, environment, shared with a?
    ("", {}, True),
    ("role_arn = arn:aws:iam::123456789012:role/r\nsource_profile = a\n", {}, True),
    (
        "sso_start_url = https://example.invalid\nsso_region = eu-west-1\n"
        "sso_account_id = 123456789012\nsso_role_name = r\n",
        {},
        True,
    ),
    (
        "",
        {
            "AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:9",
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:8",
        },
        True,
    ),
    (
        "",
        {
            "AWS_USE_FIPS_ENDPOINT": "true",
            "AWS_CA_BUNDLE": CERT,
            "HTTPS_PROXY": "http://127.0.0.1:9",
        },
        True,
    ),
    ("endpoint_url = http://127.0.0.1:9\n", {}, False),
    ("services = local\n[services local]\necr =\n  endpoint_url = http://127.0.0.1:9\n", {}, False),
    ("ignore_configured_endpoint_urls = true\n", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, False),
    ("max_attempts = 7\n", {}, False),
    ("retry_mode = adaptive\n", {}, False),
    ("use_fips_endpoint = true\n", {}, False),
    ("use_dualstack_endpoint = true\n", {}, False),
    ("ca_bundle = /etc/ssl/certs/ca-certificates.crt\n", {}, False),
    ("proxy_ca_bundle = /etc/ssl/certs/ca-certificates.crt\n", {}, False),
    ("defaults_mode = standard\n", {}, False),
    ("sts_regional_endpoints = legacy\n", {}, False),
    ("region = us-east-1\n", {}, False),
]


@pytest.mark.parametrize(("lines", "environment", "together"), SETTINGS)
@pytest.mark.parametrize("service", ["ecr", "sts", "ec2"])
def test_profiles_share_a_client_only_where_it_is_the_one_each_would_make(
    sandbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    service: str,
    lines: str,
    environment: dict[str, str],
    together: bool,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    aws_files(sandbox, f"[profile a]\n[profile b]\n{lines}")
    calls, own = AwsCalls(session_factory=FACTORY), FACTORY
    try:
        got = {p: calls._client(p, service, "eu-west-1") for p in ("a", "b")}
        for p, client in got.items():
            alone = own(p).client(service, region_name="eu-west-1", config=sdk.client_config())
            assert view(client) == view(alone)
    finally:
        calls.close()
    assert (got["a"].meta is got["b"].meta) is together


def view(client: Any) -> tuple[Any, ...]:
    """What a client does with its settings: where it connects, its retries, proxies, FIPS and
    dual-stack endpoints, timeouts (its CA bundle: the TLS test above)."""
    meta, config = client.meta, client.meta.config
    return (
        meta.endpoint_url,
        meta.region_name,
        config.retries,
        config.proxies,
        config.proxies_config,
        config.use_fips_endpoint,
        config.use_dualstack_endpoint,
        config.connect_timeout,
    )


def test_forget_asks_again_with_a_new_session() -> None:
    sessions = StubbedSessions()
    calls = AwsCalls(session_factory=sessions)
    key = TokenKey("p", "eu-west-1")
    try:
        first = calls.token(key)
        assert calls.token(key) is first  # once per key
        calls.forget()  # after an SSO sign-in
        again = calls.token(key)
        assert again.result(timeout=10).password == password_for("p", "eu-west-1")
    finally:
        calls.close()
    assert again is not first
    assert sessions.sessions == {"p": 2}
