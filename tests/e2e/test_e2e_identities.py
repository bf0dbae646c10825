"""Identities and projects against the local ECR: a role change is fetched again (issue 9), and a
project's registries, found in its files, are opened by the right profile (issue 10)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe, json_results

pytestmark = pytest.mark.e2e

CREDENTIALS = "[base]\naws_access_key_id = AKIABASEUSER0000\naws_secret_access_key = base-key\n"


def profiles(second: str) -> str:
    return (
        "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deployer\n"
        "source_profile = base\nregion = eu-west-1\n"
        f"[profile partner]\nrole_arn = arn:aws:iam::{second}:role/puller\n"
        "source_profile = base\nregion = eu-west-1\n"
    )


def stored_password(client: Client, host: str) -> str:
    auth = base64.b64decode(client.config()["auths"][host]["auth"]).decode()
    return auth.removeprefix("AWS:")


def test_a_role_change_is_fetched_again_and_shown_with_the_new_identity(
    local_ecr: LocalEcr, client: Client
) -> None:
    second = local_ecr.second_account
    client.use_profiles(profiles(second), CREDENTIALS)
    login = client.ecrlogin("-p", "deploy", "-o", "json")
    first = json_results(login.stdout)
    own = local_ecr.host("eu-west-1")
    assert own in first, describe(login)
    arn = first[own]["identity"]
    assert arn.split("/")[:2] == ["arn:aws:sts::123456789012:assumed-role", "deployer"]
    again = client.ecrlogin("-p", "deploy", "-o", "json")
    assert json_results(again.stdout)[own]["status"] == "cached", describe(again)

    config = client.home / ".aws" / "config"
    config.write_text(config.read_text().replace("role/deployer", "role/admin"))
    edited = client.ecrlogin("-p", "deploy", "-o", "json")
    row = json_results(edited.stdout)[own]
    assert (row["status"], row["identity"].split("/")[1]) == ("ok", "admin"), describe(edited)

    config.write_text(config.read_text().replace("123456789012:role/admin", f"{second}:role/x"))
    moved = client.ecrlogin("-p", "deploy", "-o", "json")
    assert moved.returncode == 0, describe(moved)
    other = local_ecr.host("eu-west-1", account=second)
    assert json_results(moved.stdout)[other]["status"] == "ok"  # not the old account, cached
    pull = client.pull(local_ecr.image("eu-west-1", account=second))
    assert pull.returncode == 0, describe(pull)
    status = client.ecrlogin("status", "-o", "json")
    changed = {r["registry"]: r["profile_changed"] for r in json_results_of(status.stdout)}
    assert changed[own] is True


def json_results_of(stdout: str) -> list[dict[str, object]]:
    import json

    rows: list[dict[str, object]] = json.loads(stdout)["registries"]
    return rows


def test_a_project_in_a_parent_folder_logs_in_to_what_its_files_name(
    local_ecr: LocalEcr, client: Client, tmp_path: Path
) -> None:
    second = local_ecr.second_account
    client.use_profiles(profiles(second), CREDENTIALS)
    project = tmp_path / "shop"
    (project / "deploy").mkdir(parents=True)
    (project / "services" / "web").mkdir(parents=True)
    (project / ".ecrlogin.toml").write_text(
        f'from = ["services", "deploy"]\n[profiles]\n"{second}" = "partner"\n'
        f'"123456789012" = "deploy"\n'
    )
    (project / "services" / "web" / "Dockerfile").write_text(
        f"ARG BASE={local_ecr.image('eu-west-1', account=second)}\nFROM ${{BASE}}\n"
    )
    (project / "services" / "compose.yaml").write_text(
        f"services:\n  api:\n    image: {local_ecr.image('us-east-1')}\n"
        "  cache:\n    image: redis:7\n"
    )
    (project / "deploy" / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        f"        - name: app\n          image: {local_ecr.image('ap-southeast-2')}\n"
    )
    login = client.ecrlogin("-o", "json", cwd=project / "services" / "web")
    assert login.returncode == 0, describe(login)
    results = json_results(login.stdout)
    partner = local_ecr.host("eu-west-1", account=second)
    assert set(results) == {partner, local_ecr.host("us-east-1"), local_ecr.host("ap-southeast-2")}
    assert results[partner]["profile"] == "partner"
    assert results[partner]["identity"].split(":")[4] == second
    assert results[local_ecr.host("us-east-1")]["source"] == "services/compose.yaml:3"
    for image in (local_ecr.image("eu-west-1", account=second), local_ecr.image("us-east-1")):
        pull = client.pull(image)
        assert pull.returncode == 0, describe(pull)
    sydney = local_ecr.host("ap-southeast-2")
    assert stored_password(client, sydney) in local_ecr.issued_passwords("ap-southeast-2")
    cached = client.ecrlogin("-q", cwd=project)
    assert (cached.returncode, cached.stdout, cached.stderr) == (0, "", "")
