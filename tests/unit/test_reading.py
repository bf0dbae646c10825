"""sinks.reading: where the client looks for a host's credential, and what it finds there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ecrhosts import auth
from fakehelper import FakeHelper

from ecrlogin.errors import CredentialStoreError
from ecrlogin.sinks import reading

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def docker_dir(tmp_path: Path, config: dict[str, Any]) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "config.json").write_text(json.dumps(config))
    return tmp_path


@pytest.mark.parametrize(
    ("config", "label", "helper"),
    [
        ({"auths": {HOST: auth("p")}}, "config.json", None),
        ({"credsStore": "fake", "auths": {HOST: {}}}, "credsStore:fake", "fake"),
        ({"credsStore": "x", "credHelpers": {HOST: "fake"}}, "credHelpers:fake", "fake"),
    ],
)
def test_docker_rules(
    tmp_path: Path, config: dict[str, Any], label: str, helper: str | None
) -> None:
    found = reading.lookup(HOST, "docker", docker_dir(tmp_path, config), environ={})
    assert (found.label, found.helper) == (label, helper)


@pytest.mark.parametrize("spelling", [HOST, f"https://{HOST}", f"https://{HOST}/v2/"])
def test_auths_under_every_spelling_docker_matches(tmp_path: Path, spelling: str) -> None:
    found = reading.lookup(HOST, "docker", docker_dir(tmp_path, {"auths": {spelling: auth("pw")}}))
    credential = reading.read(found, HOST)
    assert credential is not None
    assert (credential.username, credential.password) == ("AWS", "pw")
    assert "pw" not in repr(credential)


def test_a_helper_is_asked_and_may_not_have_it(tmp_path: Path, helper: FakeHelper) -> None:
    config = {"credHelpers": {HOST: "fake", "other.example": "fake"}}
    found = reading.lookup(HOST, "docker", docker_dir(tmp_path / "d", config))
    assert reading.read(found, HOST) is None
    helper.put(HOST, "from-the-helper")
    credential = reading.read(found, HOST)
    assert credential is not None
    assert credential.password == "from-the-helper"


def test_a_helper_not_installed(tmp_path: Path) -> None:
    found = reading.lookup(HOST, "docker", docker_dir(tmp_path, {"credsStore": "nosuch-x"}))
    assert reading.installed(found) is None
    with pytest.raises(CredentialStoreError, match=r"docker-credential-nosuch-x .* not installed"):
        reading.read(found, HOST)


def test_podman_ignores_creds_store(tmp_path: Path) -> None:
    authfile = tmp_path / "auth.json"
    authfile.write_text(json.dumps({"credsStore": "fake", "auths": {HOST: auth("pod")}}))
    found = reading.lookup(
        HOST, "podman", tmp_path / "unused", {"REGISTRY_AUTH_FILE": str(authfile)}
    )
    credential = reading.read(found, HOST)
    assert (found.label, credential and credential.password) == ("auth.json", "pod")


def test_helm_reads_its_own_registry_config(tmp_path: Path) -> None:
    path = tmp_path / "helm" / "registry" / "config.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"auths": {HOST: auth("chart")}}))
    found = reading.lookup(HOST, "helm", tmp_path / "docker", {"HELM_REGISTRY_CONFIG": str(path)})
    credential = reading.read(found, HOST)
    assert (found.file, found.label, credential and credential.password) == (
        path,
        "config.json",
        "chart",
    )


@pytest.mark.parametrize(
    ("config", "label"),
    [({}, "credsStore:"), ({"auths": {"other.example": {}}}, "config.json")],
)
def test_a_file_with_no_credentials_means_the_platforms_store(
    tmp_path: Path, config: dict[str, Any], label: str
) -> None:
    """As docker's DetectDefaultStore: only where the file configures no credentials at all."""
    found = reading.lookup(
        HOST, "docker", docker_dir(tmp_path, config), {}, which=lambda name: f"/bin/{name}"
    )
    assert (found.label.startswith(label), found.detected) == (True, label != "config.json")
