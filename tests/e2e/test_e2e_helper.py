"""`ecrlogin --to helper` and `docker-credential-ecrlogin` serving the real docker CLI and
skopeo (issue 11): no token in config.json, one token per identity and region, `docker login`
still works, `logout` takes it all away again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecrlogin.helper import records
from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe, is_auth_error, secret_forms

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"


def set_up(client: Client, host: str, *profile: str) -> str:
    """`ecrlogin --to helper [-p PROFILE] HOST`: the password it stored in the helper's cache."""
    state = Path(client.env["ECRLOGIN_STATE_DIR"])
    login = client.ecrlogin("--to", "helper", *profile, "-o", "json", host)
    (result,) = json.loads(login.stdout)["results"]
    assert (login.returncode, result["stored_in"]) == (0, "credHelpers:ecrlogin"), describe(login)
    (token,) = state.glob("helper-cache/*/token.json")
    password: str = json.loads(token.read_text())["password"]
    return password


def assert_no_token(raw: str, passwords: list[str]) -> None:
    for password in passwords:
        for form in secret_forms(password):
            assert form not in raw


def test_docker_pull_through_the_helper_with_no_token_in_config(
    local_ecr: LocalEcr, client: Client
) -> None:
    host = local_ecr.host(REGION)
    client.write_config({"auths": {"registry.example.com": {"auth": "dTpw"}}, "psFormat": "x"})
    set_up(client, host)
    issued = len(local_ecr.issued_passwords())

    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)
    assert len(local_ecr.issued_passwords()) == issued  # served from the cache ecrlogin filled
    config: dict[str, Any] = client.config()
    assert config["credHelpers"] == {host: "ecrlogin"}
    assert config["auths"]["registry.example.com"] == {"auth": "dTpw"}
    assert config["psFormat"] == "x"
    assert_no_token(client.config_path.read_text(), local_ecr.issued_passwords())


def test_cold_cache_skopeo_then_docker_one_token(local_ecr: LocalEcr, client: Client) -> None:
    host = local_ecr.host(REGION)
    client.write_config({"credHelpers": {host: "ecrlogin"}, "auths": {host: {}}})
    issued = len(local_ecr.issued_passwords(REGION))
    inspect = client.skopeo("inspect", f"docker://{local_ecr.image(REGION)}")
    assert inspect.returncode == 0, describe(inspect)
    new = local_ecr.issued_passwords(REGION)[issued:]
    assert len(new) == 1  # the helper fetched once, for skopeo
    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)
    assert local_ecr.issued_passwords(REGION)[issued:] == new  # the second get: no new token
    got = client.credential_helper("ecrlogin", "get", f"https://{host}")
    assert json.loads(got.stdout)["Secret"] == new[0]
    assert_no_token(client.config_path.read_text(), new)


def test_docker_login_still_succeeds(local_ecr: LocalEcr, client: Client) -> None:
    host = local_ecr.host(REGION)
    password = set_up(client, host)
    before = client.config_path.read_bytes()
    login = client.docker("login", "--username", "AWS", "--password-stdin", host, input=password)
    assert login.returncode == 0, describe(login)
    assert_no_token(client.config_path.read_text(), [password])
    assert json.loads(client.config_path.read_bytes()) == json.loads(before)
    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)


def test_a_host_set_up_with_p_gets_that_accounts_token(local_ecr: LocalEcr, client: Client) -> None:
    second = local_ecr.host(REGION, account=local_ecr.second_account)
    aws = client.home / ".aws"
    aws.mkdir(exist_ok=True)
    (aws / "config").write_text(
        f"[profile partner]\nrole_arn = arn:aws:iam::{local_ecr.second_account}:role/puller\n"
        "source_profile = base\n[profile base]\n"
    )
    (aws / "credentials").write_text(
        "[base]\naws_access_key_id = AKIAPARTNERBASE00001\naws_secret_access_key = x\n"
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        client.env.pop(name)  # the profile's credentials, not the environment's
    set_up(client, second, "-p", "partner")
    state = Path(client.env["ECRLOGIN_STATE_DIR"])
    assert records.profiles(state) == {second: "partner"}
    for token in state.glob("helper-cache/*/token.json"):
        token.unlink()  # a cold cache: the helper fetches with the profile recorded
    pull = client.pull(local_ecr.image(REGION, account=local_ecr.second_account))
    assert pull.returncode == 0, describe(pull)
    (token,) = state.glob("helper-cache/*/token.json")
    assert json.loads(token.read_text())["account"] == local_ecr.second_account


def test_not_ecr_and_logout(local_ecr: LocalEcr, client: Client) -> None:
    host = local_ecr.host(REGION)
    set_up(client, host)
    other = client.credential_helper("ecrlogin", "get", "registry.example.com")
    assert (other.returncode, other.stdout) == (1, "credentials not found in native keychain\n")
    listed = client.credential_helper("ecrlogin", "list", "")
    assert json.loads(listed.stdout) == {host: "AWS"}
    logout = client.ecrlogin("logout", host)
    assert (logout.returncode, logout.stdout) == (0, f"{host}: logged out (credHelpers:ecrlogin)\n")
    assert client.config() == {"auths": {}}
    assert client.credential_helper("ecrlogin", "list", "").stdout.strip() == "{}"
    pull = client.pull(local_ecr.image(REGION))
    assert is_auth_error(pull), describe(pull)


def test_a_failing_fetch_is_one_line_for_skopeo(local_ecr: LocalEcr, client: Client) -> None:
    host = local_ecr.host("us-west-2")
    client.write_config({"credHelpers": {host: "ecrlogin"}, "auths": {host: {}}})
    with local_ecr.failing_region("us-west-2"):
        inspect = client.skopeo("inspect", f"docker://{local_ecr.image('us-west-2')}")
        pull = client.pull(local_ecr.image("us-west-2"))
    assert inspect.returncode != 0
    assert "may not call ecr:GetAuthorizationToken" in inspect.stderr, describe(inspect)
    assert "grant ecr:GetAuthorizationToken" in inspect.stderr, describe(inspect)
    assert is_auth_error(pull), describe(pull)  # the docker CLI carries on without credentials
