"""`status -o json` and `password` as a drop-in for the old pipeline (scenarios 7-8)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"
# What moto's sts:GetCallerIdentity answers for any access key.
MOTO_IDENTITY = "arn:aws:sts::123456789012:user/moto"


def test_status_json_shows_expiry_and_identity(local_ecr: LocalEcr, client: Client) -> None:
    login = client.ecrlogin("-r", REGION)
    assert login.returncode == 0, describe(login)
    status = client.ecrlogin("status", "-o", "json")
    assert status.returncode == 0, describe(status)
    entries = {r["registry"]: r for r in json.loads(status.stdout)["registries"]}
    entry = entries[local_ecr.host(REGION)]
    assert entry["identity"] == MOTO_IDENTITY
    assert entry["expired"] is False
    expires = datetime.fromisoformat(entry["expires_at"].replace("Z", "+00:00"))
    ahead = expires - datetime.now(UTC)
    # moto (wrapped) issues tokens for 12 hours, like ECR.
    assert timedelta(hours=11, minutes=50) < ahead <= timedelta(hours=12, minutes=1), ahead


def test_password_piped_into_docker_login(local_ecr: LocalEcr, client: Client) -> None:
    issued_before = len(local_ecr.issued_passwords(REGION))
    password = client.ecrlogin("password", "-r", REGION)
    assert password.returncode == 0, describe(password)
    secret = password.stdout.rstrip("\n")
    assert secret in local_ecr.issued_passwords(REGION)[issued_before:]
    assert "\n" not in secret

    host = local_ecr.host(REGION)
    login = client.docker(
        "login", "--username", "AWS", "--password-stdin", host, input=password.stdout
    )
    assert login.returncode == 0, describe(login)
    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)
