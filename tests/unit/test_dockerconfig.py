"""dockerconfig: where Docker keeps a host's credentials, and editing config.json safely."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from ecrlogin.errors import ConfigFileError
from ecrlogin.sinks import dockerconfig
from ecrlogin.sinks.dockerconfig import Destination

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
OTHER = "210987654321.dkr.ecr.us-east-1.amazonaws.com"

# Everything here is owned by docker or other tools; ecrlogin must keep it exactly.
FOREIGN: dict[str, Any] = {
    "auths": {
        "https://index.docker.io/v1/": {"auth": "dXNlcjpwdw==", "email": "me@example.com"},
        "ghcr.io": {"auth": "Z2g6dG9rZW4=", "identitytoken": "opaque"},
        OTHER: {},
    },
    "credHelpers": {"gcr.io": "gcloud", OTHER: "pass"},
    "HttpHeaders": {"User-Agent": "Docker-Client/24 (linux)", "X-Meta": "ünïcödé ✓"},
    "psFormat": "table {{.ID}}\\t{{.Names}}",
    "proxies": {"default": {"httpProxy": "http://proxy:3128", "noProxy": "*.local"}},
    "plugins": {"debug": {"hooks": "exec"}, "numbers": [1, 2.5, -3, 1e20, None, True]},
    "currentContext": "desktop-linux",
    "aliases": {"builder": "buildx"},
    "features": {"hooks": "true"},
    "x-unknown": [{"nested": {"deep": [[], {}]}}],
}


@pytest.fixture
def docker_dir(sandbox: Path) -> Path:
    return sandbox / "docker"


def write_config(directory: Path, data: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "config.json"
    path.write_text(json.dumps(data, indent=4))
    return path


def test_config_dir_prefers_the_option_then_docker_config_then_home(sandbox: Path) -> None:
    env = {"DOCKER_CONFIG": "/from/env"}
    assert dockerconfig.config_dir("/from/option", env) == Path("/from/option")
    assert dockerconfig.config_dir(None, env) == Path("/from/env")
    assert dockerconfig.config_dir(None, {}) == sandbox / "home" / ".docker"
    assert dockerconfig.config_dir("~/d", {}) == sandbox / "home" / "d"


HOMES = {"HOME": "/home/ann", "USERPROFILE": "C:\\Users\\ann"}


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", HOMES, "/home/ann/.docker"),
        ("darwin", HOMES, "/home/ann/.docker"),
        ("win32", HOMES, "C:\\Users\\ann/.docker"),  # %USERPROFILE%, as the docker CLI
        ("win32", {**HOMES, "DOCKER_CONFIG": "D:\\dc"}, "D:\\dc"),
        ("linux", {**HOMES, "DOCKER_CONFIG": "/dc"}, "/dc"),
    ],
)
def test_config_dir_per_platform(platform: str, environ: dict[str, str], expected: str) -> None:
    assert dockerconfig.config_dir(None, environ, platform) == Path(expected)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, Destination("config.json")),
        ({"credsStore": ""}, Destination("config.json")),
        ({"credsStore": "pass"}, Destination("credsStore", "pass")),
        ({"credHelpers": {HOST: "secretservice"}}, Destination("credHelpers", "secretservice")),
        (
            {"credsStore": "pass", "credHelpers": {HOST: "osxkeychain"}},
            Destination("credHelpers", "osxkeychain"),
        ),
        ({"credsStore": "pass", "credHelpers": {OTHER: "x"}}, Destination("credsStore", "pass")),
        ({"credHelpers": {f"https://{HOST}": "x"}}, Destination("config.json")),
        ({"credHelpers": {HOST: ""}, "credsStore": "pass"}, Destination("credsStore", "pass")),
    ],
)
def test_destination_is_credhelpers_then_credsstore_then_auths(
    config: dict[str, Any], expected: Destination
) -> None:
    assert dockerconfig.destination(config, HOST) == expected


@pytest.mark.parametrize(
    ("dest", "label", "needs_nothing"),
    [
        (Destination("config.json"), "config.json", False),
        (Destination("credsStore", "pass"), "credsStore:pass", False),
        (Destination("credHelpers", "pass"), "credHelpers:pass", False),
        (Destination("credHelpers", "ecr-login"), "credHelpers:ecr-login", True),
        (Destination("credsStore", "ecr-login"), "credsStore:ecr-login", True),
    ],
)
def test_label_and_ecr_login_needing_nothing(
    dest: Destination, label: str, needs_nothing: bool
) -> None:
    assert dest.label == label
    assert dest.needs_nothing is needs_nothing


def test_encode_auth_is_base64_of_aws_colon_password() -> None:
    assert base64.b64decode(dockerconfig.encode_auth("pa:ss")) == b"AWS:pa:ss"


def test_set_entry_drops_every_other_spelling_of_that_host_only() -> None:
    config: dict[str, Any] = {
        "auths": {
            f"https://{HOST}": {"auth": "old"},
            f"http://{HOST}": {"auth": "older"},
            f"{HOST}/": {"auth": "slash"},
            f"https://{HOST}/v2/": {"auth": "v2"},
            f"https://{OTHER}": {"auth": "keep"},
        }
    }
    dockerconfig.set_entry(config, HOST, {"auth": "new"})
    assert config["auths"] == {f"https://{OTHER}": {"auth": "keep"}, HOST: {"auth": "new"}}


def test_set_entry_creates_auths() -> None:
    config: dict[str, Any] = {"credsStore": "pass"}
    dockerconfig.set_entry(config, HOST, {})
    assert config == {"credsStore": "pass", "auths": {HOST: {}}}


def test_remove_entry_removes_the_host_in_every_spelling() -> None:
    spelled = [HOST, f"{HOST}/", f"https://{HOST}", f"https://{HOST}/", f"https://{HOST}/v2/"]
    config: dict[str, Any] = {"auths": {**{key: {} for key in spelled}, f"http://{HOST}": {}}}
    config["auths"][OTHER] = {}
    assert dockerconfig.remove_entry(config, HOST)
    assert config["auths"] == {OTHER: {}}
    assert not dockerconfig.remove_entry(config, HOST)
    assert not dockerconfig.remove_entry({}, HOST)


def test_hosts_lists_auths_and_credhelpers_as_docker_reads_them_once_each() -> None:
    config = {
        "auths": {f"https://{HOST}/v2/": {}, HOST: {}, "https://index.docker.io/v1/": {}},
        "credHelpers": {OTHER: "pass", f"{HOST}/": "pass"},
    }
    assert dockerconfig.hosts(config) == [HOST, "index.docker.io", OTHER]


def test_every_unknown_key_survives_an_editing_round_trip(docker_dir: Path) -> None:
    write_config(docker_dir, FOREIGN)
    with dockerconfig.editing(docker_dir) as config:
        dockerconfig.set_entry(config, HOST, {"auth": dockerconfig.encode_auth("pw")})
    after = json.loads((docker_dir / "config.json").read_text())
    assert after["auths"].pop(HOST) == {"auth": dockerconfig.encode_auth("pw")}
    assert after == FOREIGN
    assert list(after) == list(FOREIGN)  # key order kept too


def test_editing_without_a_change_does_not_rewrite_the_file(docker_dir: Path) -> None:
    path = write_config(docker_dir, FOREIGN)
    before = (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns)
    with dockerconfig.editing(docker_dir) as config:
        config["auths"][OTHER] = {}  # the same value again
    assert (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns) == before


def test_editing_a_missing_config_creates_it_privately(docker_dir: Path) -> None:
    with dockerconfig.editing(docker_dir) as config:
        assert config == {}
        dockerconfig.set_entry(config, HOST, {})
    path = docker_dir / "config.json"
    assert json.loads(path.read_text()) == {"auths": {HOST: {}}}
    assert path.stat().st_mode & 0o777 == 0o600
    assert docker_dir.stat().st_mode & 0o777 == 0o700


def test_editing_through_a_symlinked_config_keeps_the_link(
    docker_dir: Path, tmp_path: Path
) -> None:
    real = write_config(tmp_path / "dotfiles", {"credsStore": "pass"})
    docker_dir.mkdir()
    (docker_dir / "config.json").symlink_to(real)
    with dockerconfig.editing(docker_dir) as config:
        dockerconfig.set_entry(config, HOST, {})
    assert (docker_dir / "config.json").is_symlink()
    assert json.loads(real.read_text()) == {"credsStore": "pass", "auths": {HOST: {}}}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"auths": []}, '"auths" is not an object'),
        ({"auths": None}, '"auths" is not an object'),
        ({"auths": {HOST: "dXNlcg=="}}, f'"auths" entry {HOST!r} is not an object'),
        ({"auths": {HOST: {"auth": 12}}}, f'"auth" of {HOST!r} is not a string'),
        ({"auths": {HOST: {"auth": None}}}, f'"auth" of {HOST!r} is not a string'),
        ({"credHelpers": {HOST: True}}, '"credHelpers" is not an object of strings'),
        ({"credHelpers": ["pass"]}, '"credHelpers" is not an object of strings'),
        ({"credsStore": {"name": "pass"}}, '"credsStore" is not a string'),
    ],
)
def test_a_config_ecrlogin_cannot_trust_is_refused_and_left_byte_identical(
    docker_dir: Path, data: dict[str, Any], problem: str
) -> None:
    path = write_config(docker_dir, data)
    before = path.read_bytes()
    with pytest.raises(ConfigFileError) as caught, dockerconfig.editing(docker_dir) as config:
        dockerconfig.set_entry(config, HOST, {})
    assert problem in caught.value.message
    assert str(path) in caught.value.message
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"{", b"[]", b"\x00\x01"])
def test_a_malformed_config_is_refused_by_editing_and_left_byte_identical(
    docker_dir: Path, content: bytes
) -> None:
    docker_dir.mkdir()
    path = docker_dir / "config.json"
    path.write_bytes(content)
    with pytest.raises(ConfigFileError, match="left untouched"), dockerconfig.editing(docker_dir):
        pass
    assert path.read_bytes() == content
    assert [p.name for p in docker_dir.iterdir()] == ["config.json"]


def test_an_empty_config_is_edited_like_an_empty_object(docker_dir: Path) -> None:
    docker_dir.mkdir()
    (docker_dir / "config.json").write_bytes(b"")
    with dockerconfig.editing(docker_dir) as config:
        dockerconfig.set_entry(config, HOST, {})
    assert dockerconfig.load(docker_dir) == {"auths": {HOST: {}}}


def test_fingerprint_follows_the_entry_and_its_destination() -> None:
    entry = {"auth": dockerconfig.encode_auth("first")}
    config: dict[str, Any] = {"auths": {HOST: entry}}
    first = dockerconfig.fingerprint(config, HOST)
    assert first is not None
    assert len(first) == 16
    assert dockerconfig.fingerprint(json.loads(json.dumps(config)), HOST) == first
    config["auths"][HOST] = {"auth": dockerconfig.encode_auth("second")}
    second = dockerconfig.fingerprint(config, HOST)
    assert second not in (None, first)
    config["auths"][HOST] = {}
    empty = dockerconfig.fingerprint(config, HOST)
    config["credsStore"] = "pass"
    assert dockerconfig.fingerprint(config, HOST) not in (None, empty)
    assert dockerconfig.fingerprint(config, OTHER) is None
    assert entry["auth"] not in first


def test_a_0644_config_becomes_0600_before_a_token_is_written_with_one_warning(
    docker_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_config(docker_dir, {})
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="ecrlogin"), dockerconfig.editing(docker_dir) as c:
        dockerconfig.set_entry(c, HOST, {"auth": dockerconfig.encode_auth("pw")})
        dockerconfig.set_entry(c, OTHER, {"auth": dockerconfig.encode_auth("pw")})
    assert path.stat().st_mode & 0o777 == 0o600
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "made it 600" in warnings[0].getMessage()
    assert str(path) in warnings[0].getMessage()


def test_a_private_config_gives_no_warning(
    docker_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_config(docker_dir, {}).chmod(0o600)
    with caplog.at_level(logging.WARNING, logger="ecrlogin"), dockerconfig.editing(docker_dir) as c:
        dockerconfig.set_entry(c, HOST, {})
    assert caplog.records == []
