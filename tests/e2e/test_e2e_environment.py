"""The local ECR itself: it must refuse what real ECR refuses, or the other tests prove little."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe, is_auth_error
from tests.localecr.proxy import LatencyProxy

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"


def _auth(password: str) -> str:
    return base64.b64encode(f"AWS:{password}".encode()).decode()


def test_registry_checks_the_whole_password(local_ecr: LocalEcr, client: Client) -> None:
    login = client.ecrlogin("-r", REGION, "--force")
    assert login.returncode == 0, describe(login)
    host = local_ecr.host(REGION)
    password = local_ecr.issued_passwords(REGION)[-1]
    assert len(password) >= 2500
    # Same first 2,500 characters (and so the same key and bcrypt prefix), last one changed.
    forged = password[:-1] + ("A" if password[-1] != "A" else "B")
    client.write_config({"auths": {host: {"auth": _auth(forged)}}})
    pull = client.pull(local_ecr.image(REGION))
    assert is_auth_error(pull), describe(pull)

    client.write_config({"auths": {host: {"auth": _auth(password)}}})
    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)


def test_tokens_expire_in_twelve_hours_and_are_fresh_each_call(local_ecr: LocalEcr) -> None:
    ecr = boto3.client(
        "ecr",
        region_name=REGION,
        endpoint_url=local_ecr.moto_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    first = ecr.get_authorization_token()["authorizationData"][0]
    second = ecr.get_authorization_token()["authorizationData"][0]
    assert first["authorizationToken"] != second["authorizationToken"]
    assert first["proxyEndpoint"] == f"https://{local_ecr.host(REGION)}"
    ahead = first["expiresAt"] - datetime.now(UTC)
    assert timedelta(hours=11, minutes=59) < ahead <= timedelta(hours=12)


def test_latency_proxy_holds_each_direction(local_ecr: LocalEcr) -> None:
    # A lower bound only: the proxy cannot make a call faster than two delays.
    with LatencyProxy(local_ecr.moto_url, delay_ms=100) as proxy:
        sts = boto3.client(
            "sts",
            region_name=REGION,
            endpoint_url=proxy.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        began = time.monotonic()
        identity = sts.get_caller_identity()
        took = time.monotonic() - began
    assert identity["Account"] == local_ecr.account
    assert took >= 0.2
