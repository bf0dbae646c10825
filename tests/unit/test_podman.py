"""sinks.podman: the auth file podman login writes, stored the way podman stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakehelper import install

from ecrlogin.errors import ConfigFileError
from ecrlogin.registry import parse
from ecrlogin.sinks import dockerconfig
from ecrlogin.sinks.base import Credential
from ecrlogin.sinks.podman import PodmanSink, auth_file, installed_major

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
PASSWORD = "pod" * 900


def test_auth_file_follows_podmans_order(tmp_path: Path) -> None:
    home = {"HOME": str(tmp_path)}
    runtime = tmp_path / "run"
    runtime.mkdir()
    assert auth_file({**home, "REGISTRY_AUTH_FILE": "/x/a.json"}) == Path("/x/a.json")
    env = {**home, "XDG_RUNTIME_DIR": str(runtime)}
    assert auth_file(env) == runtime / "containers" / "auth.json"
    assert auth_file(home, uid=0) == Path("/run/containers/0/auth.json")
    assert auth_file(home, uid=1000) == tmp_path / ".config" / "containers" / "auth.json"
    xdg = {**home, "XDG_CONFIG_HOME": "/cfg"}
    assert auth_file(xdg, uid=1000) == Path("/cfg/containers/auth.json")
    assert auth_file(env, platform="darwin") == tmp_path / ".config" / "containers" / "auth.json"
    with pytest.raises(ConfigFileError, match="XDG_RUNTIME_DIR"):
        auth_file({**home, "XDG_RUNTIME_DIR": str(tmp_path / "missing")})


@pytest.mark.parametrize(
    ("major", "given", "expected"),
    [
        (4, {}, "/dc/config.json"),  # podman 4 reads $DOCKER_CONFIG/config.json instead
        (3, {}, "/dc/config.json"),
        (5, {}, "/run/containers/0/auth.json"),
        (None, {}, "/run/containers/0/auth.json"),  # no podman installed: podman 5's place
        (4, {"REGISTRY_AUTH_FILE": "/x/a.json"}, "/x/a.json"),
    ],
)
def test_with_docker_config_set_the_installed_podman_decides(
    major: int | None, given: dict[str, str], expected: str
) -> None:
    environ = {"HOME": "/h", "DOCKER_CONFIG": "/dc", **given}
    got = auth_file(environ, uid=0, podman_major=lambda environ: major)
    assert got == Path(expected)


@pytest.mark.parametrize(
    ("said", "major"), [("podman version 4.3.1", 4), ("podman version 5.0.0-dev", 5), ("?", None)]
)
def test_the_installed_podmans_major_version(tmp_path: Path, said: str, major: int | None) -> None:
    program = tmp_path / "podman"
    program.write_text(f"#!/bin/sh\necho '{said}'\n")
    program.chmod(0o755)
    assert installed_major({"PATH": str(tmp_path)}) == major
    assert installed_major({"PATH": str(tmp_path / "none")}) is None


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def test_store_writes_auths_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "containers" / "auth.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"auths": {"quay.io": {"auth": "cTp4"}}, "credsStore": "nope"}))
    stored = PodmanSink(path).store([Credential(parse(HOST), PASSWORD, None, None)])
    assert stored[HOST].stored_in == "auth.json"
    data = read(path)
    assert data["auths"][HOST] == {"auth": dockerconfig.encode_auth(PASSWORD)}
    assert data["auths"]["quay.io"] == {"auth": "cTp4"}
    assert data["credsStore"] == "nope"  # ignored, as podman ignores it, and kept
    assert PodmanSink(path).held()[HOST].fingerprint == stored[HOST].fingerprint
    assert PodmanSink(path).erase([HOST])[HOST].stored_in == "auth.json"
    assert read(path)["auths"] == {"quay.io": {"auth": "cTp4"}}


def test_new_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "run" / "containers" / "auth.json"
    PodmanSink(path).store([Credential(parse(HOST), PASSWORD, None, None)])
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_cred_helpers_of_the_file_are_honoured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helper = install(tmp_path / "bin", monkeypatch, "fake")
    path = tmp_path / "auth.json"
    path.write_text(json.dumps({"credHelpers": {HOST: "fake"}}))
    PodmanSink(path).store([Credential(parse(HOST), PASSWORD, None, None)])
    assert helper.secrets()[HOST]["Secret"] == PASSWORD
    assert PASSWORD not in path.read_text()
    PodmanSink(path).erase([HOST])
    assert helper.secrets() == {}


def test_malformed_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    path.write_text('{"auths": [')
    with pytest.raises(ConfigFileError):
        PodmanSink(path).store([Credential(parse(HOST), PASSWORD, None, None)])
    assert path.read_text() == '{"auths": ['


def test_symlinked_file_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "auth.json"
    link.symlink_to(real)
    PodmanSink(link).store([Credential(parse(HOST), PASSWORD, None, None)])
    assert link.is_symlink()
    assert HOST in read(real)["auths"]


def test_in_dockers_config_entries_are_fingerprinted_as_docker_does(tmp_path: Path) -> None:
    from ecrlogin.sinks.docker import DockerConfigSink

    sink = PodmanSink(tmp_path / "config.json", docker_file=True)
    stored = sink.store([Credential(parse(HOST), PASSWORD, None, None)])
    docker_view = DockerConfigSink(tmp_path).held()[HOST].fingerprint
    assert stored[HOST].fingerprint == sink.held()[HOST].fingerprint == docker_view


def test_from_environment_knows_when_the_file_is_dockers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = tmp_path / "bin" / "podman"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\necho 'podman version 4.3.1'\n")
    program.chmod(0o755)
    environ = {"PATH": str(program.parent), "HOME": str(tmp_path), "DOCKER_CONFIG": "/dc"}
    assert PodmanSink.from_environment(environ) == PodmanSink(Path("/dc/config.json"), True)
