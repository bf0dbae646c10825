"""`--to daemon` with a daemon reached over plain TCP: refused before the token is sent; the
listener standing in for the daemon receives not a single connection."""

from __future__ import annotations

import pytest

from .conftest import Moto
from .sandbox import Sandbox, host
from .servers import Listener

HOST = host(123456789012)
PLAIN_TCP = [
    "tcp://127.0.0.1:{port}",
    "TCP://127.0.0.1:{port}",
    "http://127.0.0.1:{port}",
    " tcp://127.0.0.1:{port}",
    "127.0.0.1:{port}",
    "tcp://localhost:{port}",
]


@pytest.mark.parametrize("tls_verify", [None, ""], ids=["unset", "empty"])
@pytest.mark.parametrize("docker_host", PLAIN_TCP)
def test_plain_tcp_daemon_gets_no_token(
    box: Sandbox, moto: Moto, listener: Listener, docker_host: str, tls_verify: str | None
) -> None:
    env = box.env(moto.url, DOCKER_HOST=docker_host.format(port=listener.port))
    if tls_verify is not None:
        env["DOCKER_TLS_VERIFY"] = tls_verify
    run = box.run("-o", "json", "--to", "daemon", HOST, env=env, timeout=60)
    assert run.returncode == 1, run.stderr
    (result,) = run.json()["results"]
    assert result["status"] == "failed"
    assert "without TLS" in result["error"]
    assert listener.connections == 0
    assert listener.received == b""
    assert not box.config_path.exists()  # nothing stored either


def test_default_store_is_unaffected_by_docker_host(
    box: Sandbox, moto: Moto, listener: Listener
) -> None:
    env = box.env(moto.url, DOCKER_HOST=f"tcp://127.0.0.1:{listener.port}")
    run = box.run("-q", HOST, env=env)
    assert run.returncode == 0, run.stderr
    assert listener.connections == 0  # --to docker never talks to the daemon
    assert HOST in box.config()["auths"]
