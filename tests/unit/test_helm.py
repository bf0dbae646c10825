"""sinks.helm: the registry config helm reads on each platform, stored by docker's rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from awsfakes import NOW
from fakehelper import install

from ecrlogin.errors import ConfigFileError
from ecrlogin.flows.logout import LogoutRequest, logout
from ecrlogin.flows.model import Settings
from ecrlogin.flows.status import status
from ecrlogin.registry import parse
from ecrlogin.sinks import dockerconfig
from ecrlogin.sinks.base import Credential
from ecrlogin.sinks.choose import every_place, open_sink
from ecrlogin.sinks.helm import HelmSink, default_store, registry_config

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
PASSWORD = "helm" * 700
HOMES = {
    "HOME": "/home/ann",
    "USERPROFILE": "C:\\Users\\ann",
    "APPDATA": "C:\\Users\\ann\\AppData\\Roaming",
}
CONFIG = ("registry", "config.json")


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", HOMES, Path("/home/ann/.config/helm", *CONFIG)),
        ("freebsd14", HOMES, Path("/home/ann/.config/helm", *CONFIG)),
        ("darwin", HOMES, Path("/home/ann/Library/Preferences/helm", *CONFIG)),
        ("win32", HOMES, Path("C:\\Users\\ann\\AppData\\Roaming", "helm", *CONFIG)),
        ("linux", {**HOMES, "XDG_CONFIG_HOME": "/xdg"}, Path("/xdg/helm", *CONFIG)),
        ("darwin", {**HOMES, "XDG_CONFIG_HOME": "/xdg"}, Path("/xdg/helm", *CONFIG)),
        ("win32", {**HOMES, "XDG_CONFIG_HOME": "D:\\xdg"}, Path("D:\\xdg", "helm", *CONFIG)),
        (
            "linux",
            {**HOMES, "HELM_CONFIG_HOME": "/hc", "XDG_CONFIG_HOME": "/x"},
            Path("/hc", *CONFIG),
        ),
        ("darwin", {**HOMES, "HELM_REGISTRY_CONFIG": "/r/c.json"}, Path("/r/c.json")),
        ("win32", {**HOMES, "HELM_REGISTRY_CONFIG": "D:\\r.json"}, Path("D:\\r.json")),
    ],
)
def test_registry_config_is_where_helm_looks(
    platform: str, environ: dict[str, str], expected: Path
) -> None:
    assert registry_config(environ, platform) == expected


@pytest.mark.parametrize(
    ("platform", "installed", "expected"),
    [
        ("linux", {"pass", "docker-credential-pass"}, "pass"),
        ("linux", {"docker-credential-pass"}, None),  # no pass: secretservice, not installed
        ("linux", {"docker-credential-secretservice"}, "secretservice"),
        ("darwin", {"docker-credential-osxkeychain"}, "osxkeychain"),
        ("win32", {"docker-credential-wincred"}, "wincred"),
        ("win32", set(), None),
    ],
)
def test_default_store_is_the_platforms_when_installed(
    platform: str, installed: set[str], expected: str | None
) -> None:
    assert default_store(platform, lambda name: name if name in installed else None) == expected


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def store(path: Path, detect: str | None = None) -> dict[str, Any]:
    sink = HelmSink(path, lambda: detect)
    return dict(sink.store([Credential(parse(HOST), PASSWORD, None, None)]))


def test_store_writes_docker_format_privately_and_erases(tmp_path: Path) -> None:
    path = tmp_path / "helm" / "registry" / "config.json"
    stored = store(path)
    assert stored[HOST].stored_in == "helm"
    assert read(path) == {"auths": {HOST: {"auth": dockerconfig.encode_auth(PASSWORD)}}}
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    held = HelmSink(path).held()[HOST]
    assert (held.stored_in, held.fingerprint) == ("helm", stored[HOST].fingerprint)
    assert HelmSink(path).erase([HOST])[HOST].stored_in == "helm"
    assert read(path)["auths"] == {}
    assert HelmSink(path).erase([HOST])[HOST].stored_in is None


def test_an_unconfigured_file_gets_the_detected_store_as_helm_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helper = install(tmp_path / "bin", monkeypatch, "fake")
    path = tmp_path / "config.json"
    store(path, detect="fake")
    assert read(path) == {"auths": {HOST: {}}, "credsStore": "fake"}
    assert helper.secrets()[HOST]["Secret"] == PASSWORD
    path.write_text(json.dumps({"auths": {"quay.io": {"auth": "cTp4"}}}))
    store(path, detect="fake")  # already configured: plain auths, as helm would
    assert "credsStore" not in read(path)


def test_a_detected_store_that_fails_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path / "bin", monkeypatch, "fake").behave(fail="no keyring")
    path = tmp_path / "config.json"
    assert store(path, detect="fake")[HOST].error is not None
    assert not path.exists()  # nothing changed, nothing written


def test_malformed_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"auths": [')
    with pytest.raises(ConfigFileError):
        store(path)
    assert path.read_text() == '{"auths": ['


def test_status_and_logout_cover_helms_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # no credential store to detect
    path = tmp_path / "helm.json"
    environ = {"HELM_REGISTRY_CONFIG": str(path), "HOME": str(tmp_path)}
    settings = Settings(tmp_path / "docker", tmp_path / "state")
    assert not any(
        s.place == str(path) for s in every_place(settings.docker_config, environ=environ)
    )
    open_sink("helm", settings.docker_config, environ=environ).store(
        [Credential(parse(HOST), PASSWORD, None, None)]
    )
    rows = status(settings, clock=lambda: NOW, environ=environ).rows
    assert [(r.registry, r.stored_in) for r in rows] == [(HOST, "helm")]
    (removal,) = logout(settings, LogoutRequest(everything=True), environ=environ)
    assert (removal.registry, removal.removed, removal.stored_in) == (HOST, True, "helm")
    assert read(path)["auths"] == {}
