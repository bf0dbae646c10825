"""ecrlogin.sinks.daemon: the Docker daemon's own check of credentials."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docker.errors
import pytest
import requests

from ecrlogin.errors import DaemonError
from ecrlogin.sinks import daemon

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
SECRET = "s3cr3t-" + "Q" * 30


@pytest.mark.parametrize(
    "environ",
    [
        {"DOCKER_HOST": "tcp://10.0.0.1:2375"},
        {"DOCKER_HOST": "http://10.0.0.1:2375"},
        {"DOCKER_HOST": "tcp://10.0.0.1:2376", "DOCKER_TLS_VERIFY": ""},
    ],
)
def test_check_transport_refuses_plain_tcp(environ: dict[str, str]) -> None:
    with pytest.raises(DaemonError, match="plain TCP without TLS") as caught:
        daemon.check_transport(environ)
    assert "DOCKER_TLS_VERIFY" in (caught.value.hint or "")


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"DOCKER_HOST": "unix:///var/run/docker.sock"},
        {"DOCKER_HOST": "ssh://me@build-host"},
        {"DOCKER_HOST": "tcp://10.0.0.1:2376", "DOCKER_TLS_VERIFY": "1"},
    ],
)
def test_check_transport_allows_safe_transports(environ: dict[str, str]) -> None:
    daemon.check_transport(environ)


class Client:
    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def login(self, **kwargs: Any) -> dict[str, str]:
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return {"Status": "Login Succeeded"}


def test_validate_logs_in_with_reauth() -> None:
    client = Client()
    daemon.validate(client, HOST, SECRET)
    assert client.calls == [
        {"username": "AWS", "password": SECRET, "registry": HOST, "reauth": True}
    ]


def api_error(status: int, explanation: str) -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = status
    return docker.errors.APIError(f"{status} Client Error", response, explanation)


@pytest.mark.parametrize(
    "explanation",
    ["unauthorized: your token has expired", f"login attempt with password {SECRET} failed"],
)
def test_validate_maps_a_rejection_without_the_password(explanation: str) -> None:
    with pytest.raises(DaemonError) as caught:
        daemon.validate(Client(api_error(401, explanation)), HOST, SECRET)
    line = caught.value.one_line()
    assert f"the Docker daemon rejected the login to {HOST}" in line
    assert SECRET not in line
    assert "nothing was stored" in line


@pytest.mark.parametrize(
    "error",
    [
        requests.exceptions.ConnectionError("connection refused"),
        requests.exceptions.ReadTimeout("read timed out"),
        docker.errors.DockerException("Error while fetching server API version"),
    ],
)
def test_validate_unreachable_hints_at_docker_host(
    error: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///tmp/nowhere.sock")
    with pytest.raises(DaemonError, match=r"unreachable at unix:///tmp/nowhere\.sock") as caught:
        daemon.validate(Client(error), HOST, SECRET)
    assert "DOCKER_HOST" in (caught.value.hint or "")


def test_default_client_unreachable_says_where_and_how(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{sandbox}/no-daemon.sock")
    with pytest.raises(DaemonError) as caught:
        daemon.default_client()
    assert f"unreachable at unix://{sandbox}/no-daemon.sock" in caught.value.message
    assert "DOCKER_HOST" in (caught.value.hint or "")


def test_default_client_refuses_plain_tcp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")
    with pytest.raises(DaemonError, match="plain TCP"):
        daemon.default_client()
