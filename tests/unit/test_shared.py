"""ecrlogin.aws.shared: one client, many profiles, each call signed with its own credentials.

The first tests guard what the module takes from botocore's private parts (the request signer
of a client and its `_credentials`): if a botocore release changes them, they fail here.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fakeaws import serving

from ecrlogin.aws import sdk, shared

KEYS = [f"AKIDPROFILE{i:04d}" for i in range(8)]


def shared_client(endpoint: str, service: str = "ecr") -> Any:
    import botocore.session

    session = botocore.session.Session()
    session.set_credentials("AKIDCREATOR", "creator-secret")
    client = session.create_client(
        service, "eu-west-1", endpoint_url=endpoint, config=sdk.client_config()
    )
    return shared.share(client)


def keys(access_key: str, token: str | None = None) -> Any:
    from botocore.credentials import Credentials

    return Credentials(access_key, f"secret-of-{access_key}", token)


def test_botocore_signer_still_reads_the_credentials_shared_replaces() -> None:
    with serving() as (endpoint, seen):
        client = shared_client(endpoint)
        assert isinstance(client._get_credentials(), shared.CallCredentials)  # botocore's own
        with pytest.raises(shared.OutsideCallError):
            client.get_authorization_token()
        answer = shared.ProfileClient(client, keys(KEYS[0])).get_authorization_token()
    assert answer["authorizationData"][0]["proxyEndpoint"].startswith("https://123456789012.")
    assert seen.keys("ecr") == [KEYS[0]]  # the creator's own key signed nothing


@pytest.mark.parametrize("service", sorted(shared.SHARED_SERVICES))
def test_shared_services_sign_with_sigv4_and_build_no_endpoint_from_the_account(
    service: str,
) -> None:
    import botocore.session

    loader = botocore.session.Session().get_component("data_loader")
    metadata = loader.load_service_model(service, "service-2")["metadata"]
    signed_with_keys = {"aws.auth#sigv4", "aws.auth#sigv4a"}  # no bearer token (per client)
    assert set(metadata.get("auth", ["aws.auth#sigv4"])) <= signed_with_keys
    assert metadata["signatureVersion"] == "v4"
    ruleset = loader.load_service_model(service, "endpoint-rule-set-1")
    builtins = {p.get("builtIn") for p in ruleset["parameters"].values()}
    assert not {"AWS::Auth::AccountId", "AWS::Auth::AccountIdEndpointMode"} & builtins


def test_concurrent_calls_of_many_profiles_sign_with_their_own_keys_retries_included() -> None:
    with serving(fail_first=5) as (endpoint, seen):
        client = shared_client(endpoint)
        bound = [shared.ProfileClient(client, keys(key)) for key in KEYS * 3]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda c: sdk.fetch_token(c, profile="p", region=""), bound))
    assert [a.password for a in answers] == [f"pw-{key}" for key in KEYS * 3]
    assert len(seen.requests) == len(bound) + 5  # five attempts failed, then were retried
    retried = [key for key, _ in seen.requests[:5]]
    assert all(seen.keys("ecr").count(key) == 3 + retried.count(key) for key in KEYS)


def test_refreshing_credentials_refresh_in_the_call_of_their_own_profile() -> None:
    from botocore.credentials import RefreshableCredentials

    refreshed: list[str] = []

    def refresh() -> dict[str, str]:
        refreshed.append(threading.current_thread().name)
        key, expiry = f"AKIDFRESH{len(refreshed):04d}", "2000" if len(refreshed) == 1 else "2100"
        return {
            "access_key": key,
            "secret_key": "s",
            "token": "t",
            "expiry_time": f"{expiry}-01-01T00:00:00Z",
        }

    expiring = RefreshableCredentials.create_from_metadata(refresh(), refresh, "test")
    with serving() as (endpoint, seen):
        client = shared.ProfileClient(shared_client(endpoint), expiring)
        client.get_authorization_token()
    assert len(refreshed) == 2  # expired from the start: refreshed when the call signed
    assert seen.keys("ecr") == ["AKIDFRESH0002"]


def test_profile_without_credentials_fails_as_botocore_does() -> None:
    import botocore.exceptions

    with serving() as (endpoint, seen):
        client = shared.ProfileClient(shared_client(endpoint), None)
        with pytest.raises(botocore.exceptions.NoCredentialsError):
            client.get_authorization_token()
    assert seen.requests == []


def test_a_profile_client_offers_operations_only() -> None:
    client = shared.ProfileClient(shared_client("http://127.0.0.1:9"), keys(KEYS[0]))
    assert client.meta.service_model.service_name == "ecr"
    with pytest.raises(AttributeError, match="not an operation"):
        client.get_paginator("describe_repositories")


SETTINGS = {
    "endpoint_url": "http://127.0.0.1:9",
    "services": "local",
    "ignore_configured_endpoint_urls": "true",
    "max_attempts": "5",
    "retry_mode": "adaptive",
    "use_fips_endpoint": "true",
    "use_dualstack_endpoint": "true",
    "ca_bundle": "/etc/ca.pem",
    "proxy_ca_bundle": "/etc/proxy-ca.pem",
    "defaults_mode": "standard",
    "sts_regional_endpoints": "legacy",
    "region": "us-east-1",
    "a_setting_of_a_later_botocore": "on",
}


@pytest.mark.parametrize(("name", "value"), SETTINGS.items())
def test_any_setting_but_credentials_keeps_profiles_apart(name: str, value: str) -> None:
    base = {"region": "eu-west-1", "aws_access_key_id": "AKIDA", "aws_secret_access_key": "a"}
    other = {"role_arn": "arn:aws:iam::1:role/r", "source_profile": "a", "region": "eu-west-1"}
    assert shared.client_settings(base, {}) == shared.client_settings(other, {})
    assert shared.client_settings(base, {}) != shared.client_settings({**base, name: value}, {})


def test_the_named_services_section_counts_with_its_content() -> None:
    profile = {"services": "local"}
    one = {"services": {"local": {"ecr": {"endpoint_url": "http://127.0.0.1:1"}}}}
    two = {"services": {"local": {"ecr": {"endpoint_url": "http://127.0.0.1:2"}}}}
    assert shared.client_settings(profile, one) != shared.client_settings(profile, two)
    assert shared.client_settings(profile, one) == shared.client_settings(dict(profile), one)
