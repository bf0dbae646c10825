"""What a new user tripped over (issue 24), against the local ECR: one host reached by two
profiles, `status --check` on a fresh machine, a project that names no ECR image, every spelling
of a host that docker matches, and completion of -r."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecrlogin import registry
from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe, is_auth_error, json_results

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"
CREDENTIALS = "[base]\naws_access_key_id = AKIABASEUSER0000\naws_secret_access_key = base-key\n"


def two_profiles(second: str) -> str:
    return (
        "[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/deployer\n"
        f"source_profile = base\nregion = {REGION}\n"
        f"[profile partner]\nrole_arn = arn:aws:iam::{second}:role/puller\n"
        f"source_profile = base\nregion = {REGION}\n"
    )


def status_rows(client: Client, *args: str) -> dict[str, dict[str, object]]:
    shown = client.ecrlogin("status", "-o", "json", *args)
    assert shown.returncode == 0, describe(shown)
    return {row["registry"]: row for row in json.loads(shown.stdout)["registries"]}


@pytest.mark.parametrize(
    "first",
    [
        ("{host}",),
        ("all-regions", "--include", REGION, "-a", "123456789012"),  # partner's -a, prod's own
    ],
)
def test_one_host_two_profiles_one_token_and_a_true_record(
    local_ecr: LocalEcr, client: Client, first: tuple[str, ...]
) -> None:
    client.use_profiles(two_profiles(local_ecr.second_account), CREDENTIALS)
    host = local_ecr.host(REGION)
    args = [arg.format(host=host) for arg in first]
    both = client.ecrlogin(*args, "-p", "partner", "-p", "prod", "--force", "-o", "json")
    rows = [r for r in json.loads(both.stdout)["results"] if r["registry"] == host]
    assert [(r["profile"], r["status"]) for r in rows] == [("prod", "ok")], describe(both)
    assert status_rows(client)[host]["profile"] == "prod"

    partner = client.ecrlogin("-p", "partner", host, "-o", "json")
    assert json_results(partner.stdout)[host]["status"] == "ok", describe(partner)
    assert status_rows(client, "-p", "prod", "-r", REGION) == {}
    assert host in status_rows(client, "-p", "partner")
    kept = client.ecrlogin("logout", "-p", "prod", "-r", REGION)
    assert host in client.config()["auths"], describe(kept)
    pull = client.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)


def test_status_check_fails_when_nothing_is_listed(local_ecr: LocalEcr, client: Client) -> None:
    fresh = client.ecrlogin("status", "--check", "--min-ttl", "30m")
    assert fresh.returncode == 1, describe(fresh)
    login = client.ecrlogin("-q", "-r", REGION)
    assert client.ecrlogin("status", "--check").returncode == 0, describe(login)
    client.ecrlogin("logout", "--all")
    after = client.ecrlogin("status", "--check")
    assert after.returncode == 1, describe(after)


@pytest.mark.parametrize(
    ("files", "args"),
    [
        ({"Dockerfile": "FROM nginx:1\n"}, ("--from", "Dockerfile")),
        (
            {
                ".ecrlogin.toml": 'from = ["compose.yaml"]\n',
                "compose.yaml": "services:\n  app:\n    image: ${REGISTRY}/app:1\n",
            },
            (),
        ),
    ],
)
def test_a_project_without_an_ecr_image_logs_in_nowhere(
    local_ecr: LocalEcr, client: Client, tmp_path: Path, files: dict[str, str], args: tuple[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name, text in files.items():
        (project / name).write_text(text)
    run = client.ecrlogin(*args, "-o", "json", cwd=project)
    assert (run.returncode, json.loads(run.stdout)) == (0, {"results": [], "error": None})
    (note,) = run.stderr.splitlines()
    assert "no ECR image" in note
    assert (args[-1] if args else ".ecrlogin.toml") in note
    assert client.config().get("auths", {}) == {}, describe(run)


@pytest.mark.parametrize(
    ("spelling", "logout"),
    [
        ("{host}/", ("{host}",)),
        ("https://{host}", ("--all",)),
        ("https://{host}/", ("https://{host}/",)),
        ("https://{host}/v2/", ("--all",)),
    ],
)
def test_every_spelling_docker_matches_is_listed_and_logged_out(
    local_ecr: LocalEcr, client: Client, spelling: str, logout: tuple[str, ...]
) -> None:
    host, image = local_ecr.host(REGION), local_ecr.image(REGION)
    assert client.ecrlogin("-q", "-r", REGION).returncode == 0
    config = client.config()
    config["auths"] = {spelling.format(host=host): config["auths"][host]}
    client.write_config(config)
    assert client.pull(image).returncode == 0  # docker matches this spelling
    assert list(status_rows(client)) == [host]

    out = client.ecrlogin("logout", *(arg.format(host=host) for arg in logout))
    assert out.returncode == 0, describe(out)
    assert "logged out" in out.stdout
    assert client.config().get("auths") == {}
    client.docker("rmi", "--force", image)
    pull = client.pull(image)
    assert is_auth_error(pull), describe(pull)


def test_completion_of_regions_offers_region_names_only(client: Client) -> None:
    env = {"_ECRLOGIN_COMPLETE": "bash_complete", "COMP_WORDS": "ecrlogin -r ", "COMP_CWORD": "2"}
    client.env.update(env)
    done = client.ecrlogin()
    offered = [line.split(",", 1)[1] for line in done.stdout.splitlines()]
    assert "eu-west-1" in offered, describe(done)
    assert "aws-global" not in offered
    for name in offered:
        assert registry.check_region(name) == name


def test_an_empty_profile_and_help_are_not_logins_even_when_cached(
    local_ecr: LocalEcr, client: Client
) -> None:
    assert client.ecrlogin("-q", "-r", REGION).returncode == 0
    empty = client.ecrlogin("-p", "", "-r", REGION)
    assert empty.returncode == 2, describe(empty)
    assert "an empty profile name" in empty.stderr
    shown = client.ecrlogin("help")
    assert shown.returncode == 0, describe(shown)
    assert shown.stdout.startswith("Usage: ecrlogin")
