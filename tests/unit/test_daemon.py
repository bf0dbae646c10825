"""ecrlogin.sinks.daemon: which daemon (as the docker CLI chooses it), whether the token may go
there (as docker-py would send it), and the check itself (one POST /auth, nothing else)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker.errors
import pytest
import requests
from fakedaemon import ESCAPES, FakeDaemon
from fakehelper import install

from ecrlogin.errors import DaemonError
from ecrlogin.sinks import daemon

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
SECRET = "s3cr3t-" + "Q" * 30


def make_context(
    config: Path, name: str, host: str, *, skip: bool = False, tls: bool = False
) -> Path:
    """A context as `docker context create` stores it."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = config / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    endpoint = {"Host": host, "SkipTLSVerify": skip}
    data = {"Name": name, "Metadata": {}, "Endpoints": {"docker": endpoint}}
    (meta / "meta.json").write_text(json.dumps(data))
    tls_dir = config / "contexts" / "tls" / digest / "docker"
    if tls:
        tls_dir.mkdir(parents=True)
        for name in ("ca.pem", "cert.pem", "key.pem"):
            (tls_dir / name).write_text("PEM")
    return tls_dir


def write_config(config: Path, data: dict[str, Any]) -> None:
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.json").write_text(json.dumps(data))


@pytest.fixture
def config(sandbox: Path) -> Path:
    path = sandbox / "docker"
    write_config(path, {"currentContext": "current"})
    make_context(path, "current", "unix:///run/current.sock")
    make_context(path, "named", "unix:///run/named.sock")
    return path


@pytest.mark.parametrize(
    ("environ", "host", "source"),
    [
        (
            {"DOCKER_HOST": "unix:///run/env.sock", "DOCKER_CONTEXT": "named"},
            "unix:///run/env.sock",
            "DOCKER_HOST",
        ),
        ({"DOCKER_CONTEXT": "named"}, "unix:///run/named.sock", "context 'named' (DOCKER_CONTEXT)"),
        ({}, "unix:///run/current.sock", "context 'current' (currentContext in"),
        ({"DOCKER_CONTEXT": "default"}, daemon.UNIX_SOCKET, "context 'default' (DOCKER_CONTEXT)"),
        ({"DOCKER_HOST": ""}, "unix:///run/current.sock", "context 'current'"),
    ],
)
def test_the_daemon_is_chosen_as_the_docker_cli_chooses_it(
    config: Path, environ: dict[str, str], host: str, source: str
) -> None:
    endpoint = daemon.resolve(config, environ, "linux")
    assert endpoint.host == host
    assert endpoint.source.startswith(source)


@pytest.mark.parametrize(
    ("platform", "host"),
    [
        ("linux", daemon.UNIX_SOCKET),
        ("darwin", daemon.UNIX_SOCKET),
        ("win32", "npipe:////./pipe/docker_engine"),
    ],
)
def test_the_default_endpoint_per_platform(sandbox: Path, platform: str, host: str) -> None:
    assert daemon.resolve(sandbox / "docker", {}, platform).host == host
    write_config(sandbox / "docker", {"currentContext": "default"})
    assert daemon.resolve(sandbox / "docker", {}, platform).host == host


def test_a_missing_context_is_named_in_the_error(config: Path) -> None:
    with pytest.raises(DaemonError) as caught:
        daemon.resolve(config, {"DOCKER_CONTEXT": "gone"}, "linux")
    assert "context 'gone' (DOCKER_CONTEXT) does not exist" in caught.value.message
    assert "docker context ls" in (caught.value.hint or "")


def test_context_tls_files_and_skip_verify_are_read(config: Path) -> None:
    tls_dir = make_context(config, "secure", "tcp://10.0.0.1:2376", tls=True)
    make_context(config, "skipping", "tcp://10.0.0.1:2376", skip=True)
    secure = daemon.resolve(config, {"DOCKER_CONTEXT": "secure"}, "linux")
    assert (secure.tls, secure.verify, secure.ca, secure.cert) == (
        True,
        True,
        tls_dir / "ca.pem",
        tls_dir / "cert.pem",
    )
    skipping = daemon.resolve(config, {"DOCKER_CONTEXT": "skipping"}, "linux")
    assert (skipping.tls, skipping.verify, skipping.ca) == (True, False, None)


def test_tls_variables_without_a_host_mean_the_cli_default_tls_host(sandbox: Path) -> None:
    certs = sandbox / "certs"
    certs.mkdir()
    (certs / "ca.pem").write_text("PEM")
    environ = {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(certs)}
    endpoint = daemon.resolve(sandbox / "docker", environ, "linux")
    assert (endpoint.host, endpoint.tls, endpoint.ca, endpoint.cert) == (
        "tcp://localhost:2376",
        True,
        certs / "ca.pem",
        None,
    )
    with pytest.raises(DaemonError, match=r"ca\.pem does not exist"):
        daemon.resolve(sandbox / "docker", environ | {"DOCKER_CERT_PATH": str(sandbox)}, "linux")


def plain(config: Path, certs: Path) -> list[dict[str, str]]:
    make_context(config, "plaintcp", "tcp://127.0.0.1:5991")
    write_config(config / "current-plain", {"currentContext": "plaintcp"})
    (certs / "ca.pem").write_text("PEM")
    return [
        {"DOCKER_HOST": "tcp://10.0.0.1:2375"},
        {"DOCKER_HOST": "10.0.0.1:2375"},
        {"DOCKER_HOST": "tcp://10.0.0.1:2376", "DOCKER_TLS_VERIFY": ""},
        {
            "DOCKER_HOST": "http://10.0.0.1:2376",
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": str(certs),
        },
        {"DOCKER_HOST": "HTTP://10.0.0.1:2376", "DOCKER_TLS": "1", "DOCKER_CERT_PATH": str(certs)},
        {"DOCKER_CONTEXT": "plaintcp"},
    ]


@pytest.mark.parametrize("case", range(6))
@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_plain_tcp_is_refused_whichever_way_it_was_chosen(
    config: Path, sandbox: Path, case: int, platform: str
) -> None:
    environ = plain(config, sandbox)[case]
    with pytest.raises(DaemonError, match="plain TCP without TLS") as caught:
        daemon.default_client(config_dir=config, environ=environ, platform=platform)
    assert "ssh" not in (caught.value.hint or "")
    assert "127.0.0.1:5991" in caught.value.message or "10.0.0.1" in caught.value.message


def test_the_current_context_is_refused_too(config: Path) -> None:
    make_context(config, "plaintcp", "tcp://127.0.0.1:5991")
    write_config(config, {"currentContext": "plaintcp"})
    with pytest.raises(DaemonError) as caught:
        daemon.default_client(config_dir=config, environ={})
    assert "tcp://127.0.0.1:5991 (context 'plaintcp' (currentContext in" in caught.value.message


@pytest.mark.parametrize(
    ("environ", "url"),
    [
        ({}, "http+docker://localhost"),
        ({"DOCKER_HOST": "https://10.0.0.1:2376"}, "https://10.0.0.1:2376"),
        ({"DOCKER_CONTEXT": "secure"}, "https://10.0.0.1:2376"),
        ({"DOCKER_CONTEXT": "skipping"}, "https://10.0.0.1:2376"),
    ],
)
def test_sockets_and_tls_are_allowed(config: Path, environ: dict[str, str], url: str) -> None:
    make_context(config, "secure", "tcp://10.0.0.1:2376", tls=True)
    make_context(config, "skipping", "tcp://10.0.0.1:2376", skip=True)
    client = daemon.default_client(config_dir=config, environ=environ)
    assert client.api.base_url == url


def test_ssh_is_refused_without_suggesting_it(config: Path) -> None:
    with pytest.raises(DaemonError, match="which --to daemon does not support") as caught:
        daemon.default_client(config_dir=config, environ={"DOCKER_HOST": "ssh://me@build"})
    assert "ssh" not in (caught.value.hint or "")


@pytest.fixture
def short_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="ecrd"))  # unix socket paths must stay short
    yield path
    shutil.rmtree(path)


def test_validate_is_one_post_auth_and_runs_no_credential_helper(
    config: Path, short_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helper = install(tmp_path / "bin", monkeypatch, name="slow")
    helper.put(HOST, "stale")
    write_config(config, {"credsStore": "slow", "auths": {HOST: {}}})
    fake = FakeDaemon(short_dir / "d.sock")
    try:
        client = daemon.default_client(config_dir=config, environ={"DOCKER_HOST": fake.host})
        daemon.validate(client, HOST, SECRET)
    finally:
        fake.close()
    (ping, auth) = fake.requests()
    assert (ping["method"], ping["path"]) == ("GET", "/_ping")
    assert (auth["method"], auth["path"]) == ("POST", "/v1.41/auth")
    assert json.loads(auth["body"]) == {
        "username": "AWS",
        "password": SECRET,
        "serveraddress": HOST,
    }
    assert helper.calls() == []


@pytest.mark.parametrize("mode", ["reject", "echo-wrapped", "echo-split", "escapes"])
def test_a_rejection_names_the_daemon_and_never_the_password(
    short_dir: Path, config: Path, mode: str
) -> None:
    password = base64.b64encode(os.urandom(2200)).decode()
    fake = FakeDaemon(short_dir / "d.sock", mode)
    try:
        client = daemon.default_client(config_dir=config, environ={"DOCKER_HOST": fake.host})
        with pytest.raises(DaemonError) as caught:
            daemon.validate(client, HOST, password)
    finally:
        fake.close()
    line = caught.value.one_line()
    assert f"the Docker daemon at {fake.host} (DOCKER_HOST) rejected the login to {HOST}" in line
    assert not any(password[i : i + 20] in line for i in range(len(password) - 20))
    assert "\x1b" not in line
    assert "\x07" not in line


def test_a_dead_context_socket_is_reported_as_itself(config: Path, short_dir: Path) -> None:
    make_context(config, "dead", f"unix://{short_dir}/dead.sock")
    client = daemon.default_client(config_dir=config, environ={"DOCKER_CONTEXT": "dead"})
    with pytest.raises(DaemonError) as caught:
        daemon.validate(client, HOST, SECRET)
    assert (
        f"unreachable at unix://{short_dir}/dead.sock (context 'dead' (DOCKER_CONTEXT))"
        in caught.value.message
    )
    assert "/var/run/docker.sock" not in caught.value.one_line()


class Client:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def login(self, **kwargs: Any) -> dict[str, str]:
        raise self.error


def api_error(status: int, explanation: str) -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = status
    return docker.errors.APIError(f"{status} Client Error", response, explanation)


@pytest.mark.parametrize(
    "error",
    [
        api_error(500, f"denied {SECRET} {ESCAPES}"),
        requests.exceptions.ConnectionError(f"refused {SECRET} {ESCAPES}"),
        docker.errors.DockerException("Error while fetching server API version"),
    ],
)
def test_any_client_error_is_one_safe_line(error: BaseException) -> None:
    with pytest.raises(DaemonError) as caught:
        daemon.validate(Client(error), HOST, SECRET)
    line = caught.value.one_line()
    assert SECRET not in line
    assert "\x1b" not in line


@pytest.mark.parametrize(
    ("explanation", "hint"),
    [
        (
            f"Get https://{HOST}/v2/: dial tcp: lookup {HOST} on 10.0.0.2:53: no such host",
            "check the DNS the Docker daemon uses",
        ),
        (f"Get https://{HOST}/v2/: dial tcp 1.2.3.4:443: i/o timeout", "network and proxy"),
        (f"login attempt to https://{HOST}/v2/ failed with status: 401", "access policy"),
    ],
)
def test_a_rejection_points_at_dns_network_or_the_registry(explanation: str, hint: str) -> None:
    with pytest.raises(DaemonError) as caught:
        daemon.validate(Client(api_error(500, explanation)), HOST, SECRET)
    assert caught.value.hint is not None
    assert hint in caught.value.hint
    assert ("access policy" in caught.value.hint) == (hint == "access policy")


@pytest.mark.parametrize(
    "meta", [b"not json", b"[]", b'{"Endpoints": []}', b'{"Endpoints": {"docker": "x"}}']
)
def test_a_broken_context_is_one_error_line(config: Path, meta: bytes) -> None:
    digest = hashlib.sha256(b"named").hexdigest()
    (config / "contexts" / "meta" / digest / "meta.json").write_bytes(meta)
    with pytest.raises(DaemonError, match="context 'named' \\(DOCKER_CONTEXT\\)"):
        daemon.resolve(config, {"DOCKER_CONTEXT": "named"}, "linux")
