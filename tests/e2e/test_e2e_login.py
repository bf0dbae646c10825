"""`ecrlogin login` proven by the real docker daemon and skopeo (issue 3, scenarios 1-3)."""

from __future__ import annotations

import base64

import pytest

from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe, is_auth_error, json_results

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"


def test_pull_fails_before_login(local_ecr: LocalEcr, client: Client) -> None:
    pull = client.pull(local_ecr.image(REGION))
    assert is_auth_error(pull), describe(pull)


def test_login_one_region_then_docker_and_skopeo_pull(local_ecr: LocalEcr, client: Client) -> None:
    issued_before = len(local_ecr.issued_passwords(REGION))
    login = client.ecrlogin("-r", REGION)
    assert login.returncode == 0, describe(login)

    host = local_ecr.host(REGION)
    new = local_ecr.issued_passwords(REGION)[issued_before:]
    assert new, "ecrlogin did not get a token from the AWS side"
    entry = client.config()["auths"][host]
    # Exactly what `docker login` writes: base64("AWS:<password>") of a token just issued.
    assert base64.b64decode(entry["auth"]).decode() in {f"AWS:{pw}" for pw in new}

    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)
    inspect = client.skopeo(
        "inspect", "--authfile", str(client.config_path), f"docker://{local_ecr.image(REGION)}"
    )
    assert inspect.returncode == 0, describe(inspect)
    assert local_ecr.repository in inspect.stdout


def test_a_token_opens_only_its_own_region(local_ecr: LocalEcr, client: Client) -> None:
    login = client.ecrlogin("-r", REGION)
    assert login.returncode == 0, describe(login)
    # The environment, not ecrlogin, under test: eu-west-1's token offered to us-west-2.
    config = client.config()
    config["auths"][local_ecr.host("us-west-2")] = config["auths"][local_ecr.host(REGION)]
    client.write_config(config)
    pull = client.pull(local_ecr.image("us-west-2"))
    assert is_auth_error(pull), describe(pull)
    assert "no basic auth credentials" not in pull.stderr, "the token was not even offered"


def test_several_regions_and_a_second_account_in_one_run(
    local_ecr: LocalEcr, client: Client
) -> None:
    regions = ["eu-west-1", "us-east-1", "ap-southeast-2"]
    args = [a for r in regions for a in ("-r", r)]
    login = client.ecrlogin(*args, "-a", local_ecr.second_account, "-o", "json")
    assert login.returncode == 0, describe(login)

    results = json_results(login.stdout)
    images = [local_ecr.image(r) for r in regions]
    # The local registry has the second account's host in eu-west-1 only.
    images.append(local_ecr.image("eu-west-1", account=local_ecr.second_account))
    for image in images:
        host = image.split("/", 1)[0]
        assert results[host]["status"] == "ok", results[host]
        pull = client.pull(image)
        assert pull.returncode == 0, describe(pull)
    for region in regions:
        host = local_ecr.host(region, account=local_ecr.second_account)
        assert results[host]["status"] == "ok", results[host]


def test_image_reference_argument_fips_host(local_ecr: LocalEcr, client: Client) -> None:
    image = local_ecr.image("us-east-1", fips=True)
    login = client.ecrlogin(image)
    assert login.returncode == 0, describe(login)
    assert image.split("/", 1)[0] in client.config()["auths"]
    pull = client.pull(image)
    assert pull.returncode == 0, describe(pull)


def test_second_run_is_cached_and_calls_no_token_api(local_ecr: LocalEcr, client: Client) -> None:
    first = client.ecrlogin("-r", REGION)
    assert first.returncode == 0, describe(first)
    issued = len(local_ecr.issued_passwords())
    second = client.ecrlogin("-r", REGION, "-o", "json")
    assert second.returncode == 0, describe(second)
    assert json_results(second.stdout)[local_ecr.host(REGION)]["status"] == "cached"
    assert len(local_ecr.issued_passwords()) == issued, "a cached run fetched a token"
    forced = client.ecrlogin("-r", REGION, "--force", "-o", "json")
    assert forced.returncode == 0, describe(forced)
    assert json_results(forced.stdout)[local_ecr.host(REGION)]["status"] == "ok"
    assert len(local_ecr.issued_passwords()) > issued
    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)
