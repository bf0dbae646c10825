"""sinks.docker: passwords go where `docker login` puts them, in one locked edit of config.json."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest
from fakehelper import FakeHelper, install

from ecrlogin import state
from ecrlogin.errors import CredentialStoreError
from ecrlogin.registry import parse
from ecrlogin.sinks import dockerconfig
from ecrlogin.sinks.base import Credential
from ecrlogin.sinks.docker import DockerConfigSink

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
OTHER = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
PASSWORD = base64.b64encode(os.urandom(2000)).decode()
FOREIGN: dict[str, Any] = {
    "auths": {"ghcr.io": {"auth": "Z2g6dG9rZW4="}, "https://index.docker.io/v1/": {}},
    "credHelpers": {"gcr.io": "gcloud"},
    "psFormat": "table {{.ID}}",
}


@pytest.fixture
def docker_dir(sandbox: Path) -> Path:
    return sandbox / "docker"


@pytest.fixture
def helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeHelper]:
    return {name: install(tmp_path / "bin", monkeypatch, name) for name in ("fake", "other")}


def secret(host: str, password: str) -> Credential:
    return Credential(parse(host), password, None, None)


def store_all(docker_dir: Path, credentials: list[Credential]) -> dict[str, Any]:
    return DockerConfigSink(docker_dir).store(credentials)


def erase_all(docker_dir: Path, hosts: list[str]) -> dict[str, Any]:
    return DockerConfigSink(docker_dir).erase(hosts)


def write(docker_dir: Path, data: dict[str, Any]) -> Path:
    docker_dir.mkdir(parents=True, exist_ok=True)
    path = docker_dir / "config.json"
    path.write_text(json.dumps(data))
    return path


def read(docker_dir: Path) -> dict[str, Any]:
    return dict(json.loads((docker_dir / "config.json").read_text()))


def test_store_all_into_plain_config_json(docker_dir: Path) -> None:
    write(docker_dir, FOREIGN)
    outcome = store_all(docker_dir, [secret(HOST, PASSWORD), secret(OTHER, "second")])
    config = read(docker_dir)
    assert base64.b64decode(config["auths"][HOST]["auth"]).decode() == f"AWS:{PASSWORD}"
    assert base64.b64decode(config["auths"][OTHER]["auth"]).decode() == "AWS:second"
    assert outcome[HOST].stored_in == "config.json"
    assert outcome[HOST].error is None
    assert outcome[HOST].fingerprint == dockerconfig.fingerprint(config, HOST)
    assert outcome[OTHER].fingerprint not in (None, outcome[HOST].fingerprint)
    del config["auths"][HOST], config["auths"][OTHER]
    assert config == FOREIGN


def test_store_all_replaces_scheme_duplicates(docker_dir: Path) -> None:
    write(docker_dir, {"auths": {f"https://{HOST}": {"auth": "b2xk"}}})
    store_all(docker_dir, [secret(HOST, PASSWORD)])
    assert list(read(docker_dir)["auths"]) == [HOST]


def test_store_all_into_a_creds_store(docker_dir: Path, helpers: dict[str, FakeHelper]) -> None:
    write(docker_dir, {**FOREIGN, "credsStore": "fake"})
    outcome = store_all(docker_dir, [secret(HOST, PASSWORD)])
    config = read(docker_dir)
    assert config["auths"][HOST] == {}
    assert helpers["fake"].secrets() == {HOST: {"Username": "AWS", "Secret": PASSWORD}}
    assert outcome[HOST].stored_in == "credsStore:fake"
    assert outcome[HOST].fingerprint == dockerconfig.fingerprint(config, HOST)
    assert PASSWORD not in (docker_dir / "config.json").read_text()
    assert helpers["other"].calls() == []


def test_cred_helpers_win_over_the_creds_store(
    docker_dir: Path, helpers: dict[str, FakeHelper]
) -> None:
    write(docker_dir, {"credsStore": "fake", "credHelpers": {HOST: "other"}})
    outcome = store_all(docker_dir, [secret(HOST, PASSWORD), secret(OTHER, "p2")])
    assert helpers["other"].secrets() == {HOST: {"Username": "AWS", "Secret": PASSWORD}}
    assert helpers["fake"].secrets() == {OTHER: {"Username": "AWS", "Secret": "p2"}}
    assert read(docker_dir)["auths"] == {HOST: {}, OTHER: {}}
    assert (outcome[HOST].stored_in, outcome[OTHER].stored_in) == (
        "credHelpers:other",
        "credsStore:fake",
    )


@pytest.mark.parametrize(
    "config",
    [{"credHelpers": {HOST: "ecr-login"}}, {"credsStore": "ecr-login"}],
)
def test_ecr_login_needs_nothing_and_nothing_is_written(
    docker_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: dict[str, Any]
) -> None:
    helper = install(tmp_path / "bin", monkeypatch, "ecr-login")
    path = write(docker_dir, config)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    outcome = store_all(docker_dir, [secret(HOST, PASSWORD)])
    assert outcome[HOST].needs_nothing
    assert str(outcome[HOST].stored_in).endswith(":ecr-login")
    assert outcome[HOST].error is None
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert helper.calls() == []


def test_a_failing_helper_fails_only_its_own_host(
    docker_dir: Path, helpers: dict[str, FakeHelper]
) -> None:
    helpers["other"].behave(fail="pass not initialized: exit status 1")
    third = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
    write(docker_dir, {"credHelpers": {HOST: "other", third: "missing-helper"}})
    outcome = store_all(
        docker_dir, [secret(HOST, PASSWORD), secret(OTHER, "p2"), secret(third, "p3")]
    )
    assert isinstance(outcome[HOST].error, CredentialStoreError)
    assert outcome[HOST].error.hint is not None
    assert "pass init" in outcome[HOST].error.hint
    assert isinstance(outcome[third].error, CredentialStoreError)
    assert "not on PATH" in outcome[third].error.message
    assert outcome[OTHER].error is None
    auths = read(docker_dir)["auths"]
    assert list(auths) == [OTHER]
    assert PASSWORD not in outcome[HOST].error.one_line()


def test_the_secret_never_reaches_ecrlogins_state(
    docker_dir: Path, sandbox: Path, helpers: dict[str, FakeHelper]
) -> None:
    outcome = store_all(docker_dir, [secret(HOST, PASSWORD)])
    record = state.Record(
        HOST, "profile:p", "p", "123456789012", "eu-west-1", None, None,
        outcome[HOST].stored_in or "", outcome[HOST].fingerprint,
    )  # fmt: skip
    state.remember(sandbox / "state", [record], {})
    text = (sandbox / "state" / "state.json").read_text()
    assert PASSWORD not in text
    assert dockerconfig.encode_auth(PASSWORD) not in text
    assert PASSWORD not in repr(secret(HOST, PASSWORD))


def test_erase_all_removes_from_helper_and_config_and_keeps_other_hosts(
    docker_dir: Path, helpers: dict[str, FakeHelper]
) -> None:
    helpers_map = {**FOREIGN["credHelpers"], OTHER: "other"}
    write(docker_dir, {**FOREIGN, "credsStore": "fake", "credHelpers": helpers_map})
    store_all(docker_dir, [secret(HOST, PASSWORD), secret(OTHER, "p2")])
    helpers["fake"].put("ghcr.io", "keep-me")
    outcome = erase_all(docker_dir, [HOST, OTHER])
    assert helpers["fake"].secrets() == {"ghcr.io": {"Username": "AWS", "Secret": "keep-me"}}
    assert helpers["other"].secrets() == {}
    config = read(docker_dir)
    assert config["auths"] == FOREIGN["auths"]
    assert config["credHelpers"] == helpers_map
    assert (outcome[HOST].stored_in, outcome[OTHER].stored_in) == (
        "credsStore:fake",
        "credHelpers:other",
    )
    assert all(o.error is None for o in outcome.values())


def test_erase_all_of_plain_entries_and_of_hosts_never_stored(docker_dir: Path) -> None:
    write(docker_dir, {"auths": {f"https://{HOST}": {"auth": "eA=="}, "ghcr.io": {}}})
    outcome = erase_all(docker_dir, [HOST, OTHER])
    assert outcome[HOST].stored_in == "config.json"
    assert outcome[OTHER].stored_in is None
    assert read(docker_dir) == {"auths": {"ghcr.io": {}}}


def test_erase_all_reports_a_failing_helper_and_keeps_its_entry(
    docker_dir: Path, helpers: dict[str, FakeHelper]
) -> None:
    write(docker_dir, {"auths": {HOST: {}, OTHER: {"auth": "eA=="}}, "credHelpers": {HOST: "fake"}})
    helpers["fake"].behave(fail="The user keychain is locked.")
    outcome = erase_all(docker_dir, [HOST, OTHER])
    assert outcome[HOST].error is not None
    assert outcome[OTHER].error is None
    assert read(docker_dir)["auths"] == {HOST: {}}


def test_a_host_set_up_by_to_helper_stays_so_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    install(tmp_path / "bin", monkeypatch, "ecrlogin")  # takes `store` as the real one: ignored
    (tmp_path / "docker").mkdir()
    write = {"auths": {HOST: {}}, "credHelpers": {HOST: "ecrlogin"}}
    (tmp_path / "docker" / "config.json").write_text(json.dumps(write))
    stored = DockerConfigSink(tmp_path / "docker").store(
        [Credential(parse(HOST), PASSWORD, None, None)]
    )
    assert stored[HOST].stored_in == "credHelpers:ecrlogin"
    assert f"{HOST}: config.json's credHelpers still send docker to docker-credential-ecrlogin" in (
        caplog.text
    )
    assert f"`ecrlogin logout {HOST}` first" in caplog.text
