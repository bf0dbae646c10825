"""flows.kubelet: the kubelet's exec plugin, answering the requests of k8s.io/kubelet's
credentialprovider/v1 types and of cloud-provider-aws' ecr-credential-provider tests."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ecrlogin.aws.sdk import Token
from ecrlogin.errors import EcrLoginError
from ecrlogin.flows.kubelet import cache_duration, respond
from ecrlogin.registry import Registry

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
V1 = "credentialprovider.kubelet.k8s.io/v1"
PRIVATE = "123456789123.dkr.ecr.us-west-2.amazonaws.com"


def request(image: str, kind: str = "CredentialProviderRequest", api: str = V1) -> str:
    return json.dumps({"kind": kind, "apiVersion": api, "image": image})


def answer(text: str, environ: dict[str, str] | None = None) -> tuple[dict[str, Any], list[Any]]:
    asked: list[Any] = []

    def fetcher(registry: Registry, profile: str | None) -> Token:
        asked.append((registry.host, profile))
        return Token(f"pw-{profile}", NOW + timedelta(hours=12), registry.account)

    env = dict(os.environ) if environ is None else environ
    return respond(text, environ=env, fetcher=fetcher, clock=lambda: NOW), asked


def test_golden_request_gets_the_upstream_shape_field_by_field() -> None:
    response, asked = answer(request(f"{PRIVATE}/app:1"))
    assert list(response) == ["kind", "apiVersion", "cacheKeyType", "cacheDuration", "auth"]
    assert response == {
        "kind": "CredentialProviderResponse",
        "apiVersion": V1,
        "cacheKeyType": "Registry",
        "cacheDuration": "6h0m0s",
        "auth": {PRIVATE: {"username": "AWS", "password": "pw-None"}},
    }
    assert asked == [(PRIVATE, None)]


@pytest.mark.parametrize(
    ("image", "key"),
    [
        (PRIVATE, PRIVATE),
        (f"{PRIVATE}/public.ecr.aws/foo:latest", PRIVATE),  # upstream: the host is the private one
        ("public.ecr.aws/nginx/nginx:1", "public.ecr.aws"),
        ("registry.k8s.io/foo:latest", None),  # not ECR: empty auth, no AWS call
        ("123456789123.dkr.ecr.us-west-2.amazonaws.com.evil.example/x", None),
    ],
)
def test_auth_is_keyed_by_the_images_ecr_registry(image: str, key: str | None) -> None:
    response, asked = answer(request(image))
    assert list(response["auth"]) == ([key] if key else [])
    assert len(asked) == (1 if key else 0)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (request(PRIVATE, kind="CredentialProviderFoo"), "kind was 'CredentialProviderFoo'"),
        (request(PRIVATE, api="foo.k8s.io/v1"), "apiVersion 'foo.k8s.io/v1' is not supported"),
        (request(""), "image in the request was empty"),
        ("not json", "not JSON"),
        ("[]", "not a CredentialProviderRequest object"),
    ],
)
def test_malformed_requests_are_refused(text: str, says: str) -> None:
    with pytest.raises(EcrLoginError, match=says):
        answer(text)


def test_routing_picks_the_profile_per_registry(sandbox: Path) -> None:
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text(
        "[profile partner]\nrole_arn = arn:aws:iam::210987654321:role/pull\nsource_profile = me\n"
        "[profile me]\nregion = eu-west-1\n"
    )
    partner = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
    assert answer(request(f"{partner}/app:1"))[1] == [(partner, "partner")]
    assert answer(request(PRIVATE))[1] == [(PRIVATE, None)]
    chosen = answer(request(partner), {**os.environ, "AWS_PROFILE": "me"})[1]
    assert chosen == [(partner, None)]  # rule 4 before rule 5: the SDK's chain, with AWS_PROFILE


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (timedelta(hours=12), "6h0m0s"),
        (timedelta(hours=3, minutes=1), "1h30m30s"),
        (timedelta(seconds=61), "30s"),
        (timedelta(minutes=30), "15m0s"),
        (timedelta(seconds=-5), "0s"),
        (None, "0s"),
    ],
)
def test_cache_duration_is_half_the_remaining_life(left: timedelta | None, expected: str) -> None:
    assert cache_duration(None if left is None else NOW + left, NOW) == expected
