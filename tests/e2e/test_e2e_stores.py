"""Where the secret goes: a pass store, the daemon's check, logout (scenarios 4-6)."""

from __future__ import annotations

import base64
import json
import re

import pytest

from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe, is_auth_error, secret_forms

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"
OTHER_AUTH = base64.b64encode(b"someone:not-a-token").decode()


def test_creds_store_pass_keeps_the_secret_out_of_config_json(
    local_ecr: LocalEcr, client: Client
) -> None:
    client.write_config({"credsStore": "pass"})
    issued_before = len(local_ecr.issued_passwords(REGION))
    login = client.ecrlogin("-r", REGION)
    assert login.returncode == 0, describe(login)
    host = local_ecr.host(REGION)
    new = local_ecr.issued_passwords(REGION)[issued_before:]
    assert new

    # The secret is in the pass store, readable by docker's own helper...
    got = client.credential_helper("pass", "get", host)
    assert got.returncode == 0, describe(got)
    creds = json.loads(got.stdout)
    assert creds["Username"] == "AWS"
    assert creds["Secret"] in new
    assert "docker-credential-helpers" in client.pass_ls()

    # ...and nowhere in config.json, in any form.
    raw = client.config_path.read_text()
    for password in new:
        for form in secret_forms(password):
            assert form not in raw
    config = json.loads(raw)
    assert config["credsStore"] == "pass"
    assert config.get("auths", {}).get(host, {}).get("auth") is None

    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)


def test_cred_helpers_pass_read_by_skopeo(local_ecr: LocalEcr, client: Client) -> None:
    # skopeo (containers/image) ignores a global credsStore but follows credHelpers.
    host = local_ecr.host(REGION)
    client.write_config({"credHelpers": {host: "pass"}})
    login = client.ecrlogin("-r", REGION)
    assert login.returncode == 0, describe(login)
    assert "auth" not in client.config().get("auths", {}).get(host, {})
    listed = client.credential_helper("pass", "list", "")
    assert host in json.loads(listed.stdout), describe(listed)
    inspect = client.skopeo("inspect", f"docker://{local_ecr.image(REGION)}")
    assert inspect.returncode == 0, describe(inspect)
    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)


def test_to_daemon_validates_then_stores(local_ecr: LocalEcr, client: Client) -> None:
    host = local_ecr.host(REGION)
    seen = len(local_ecr.registry_requests(host))
    login = client.ecrlogin("-r", REGION, "--to", "daemon")
    assert login.returncode == 0, describe(login)
    # The daemon itself went to the registry with the credentials before they were stored.
    checks = local_ecr.registry_requests(host)[seen:]
    assert any(" GET /v2/ 200 AWS" in line for line in checks), checks
    assert host in client.config()["auths"]
    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)


def test_to_docker_does_not_call_the_registry(local_ecr: LocalEcr, client: Client) -> None:
    host = local_ecr.host(REGION)
    seen = len(local_ecr.registry_requests(host))
    login = client.ecrlogin("-r", REGION)
    assert login.returncode == 0, describe(login)
    assert local_ecr.registry_requests(host)[seen:] == []


def test_to_daemon_rejected_token_leaves_config_untouched(
    local_ecr: LocalEcr, client: Client
) -> None:
    before = client.write_config(
        {"auths": {"registry.example.com": {"auth": OTHER_AUTH}}, "psFormat": "{{.ID}}"}
    )
    issued_before = len(local_ecr.issued_passwords(REGION))
    seen = len(local_ecr.registry_requests(local_ecr.host(REGION)))
    with local_ecr.rejecting_tokens():
        login = client.ecrlogin("-r", REGION, "--to", "daemon")
    assert login.returncode == 1, describe(login)
    # The token was really fetched, offered by the daemon and refused by the registry.
    assert len(local_ecr.issued_passwords(REGION)) > issued_before
    checks = local_ecr.registry_requests(local_ecr.host(REGION))[seen:]
    assert any(" GET /v2/ 401 AWS" in line for line in checks), checks
    message = login.stdout + login.stderr
    assert local_ecr.host(REGION) in message, describe(login)
    assert re.search(r"401|unauthori[sz]ed|reject|denied", message, re.IGNORECASE), describe(login)
    assert "Traceback" not in message
    assert client.config_path.read_bytes() == before


def test_logout_one_host_keeps_everything_else(local_ecr: LocalEcr, client: Client) -> None:
    client.write_config(
        {"auths": {"registry.example.com": {"auth": OTHER_AUTH}}, "psFormat": "{{.ID}}"}
    )
    login = client.ecrlogin("-r", REGION, "-r", "us-east-1")
    assert login.returncode == 0, describe(login)
    host = local_ecr.host(REGION)
    assert client.pull(local_ecr.image(REGION)).returncode == 0

    logout = client.ecrlogin("logout", host)
    assert logout.returncode == 0, describe(logout)
    client.docker("rmi", "--force", local_ecr.image(REGION))
    pull = client.pull(local_ecr.image(REGION))
    assert is_auth_error(pull), describe(pull)

    config = client.config()
    assert host not in config.get("auths", {})
    assert config["auths"]["registry.example.com"] == {"auth": OTHER_AUTH}
    assert config["psFormat"] == "{{.ID}}"
    other = client.pull(local_ecr.image("us-east-1"))
    assert other.returncode == 0, describe(other)
