"""`--to daemon` follows Docker contexts as the real docker CLI sets them up (issue 9.2), checks
through the real daemon with one POST /auth (issue 14.3), and refuses plain TCP however it was
chosen: contexts made with `docker context create`/`use`, a real listener, real docker-py."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe, json_results
from tests.robustness.servers import Listener

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def without_docker_host(client: Client, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in client.env.items() if k != "DOCKER_HOST"}
    return env | extra


def run_ecrlogin(
    client: Client, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    saved = client.env
    client.env = env
    try:
        return client.ecrlogin(*args)
    finally:
        client.env = saved


def make_context(client: Client, name: str, host: str) -> None:
    made = client.docker("context", "create", name, "--docker", f"host={host}")
    assert made.returncode == 0, describe(made)


@pytest.mark.parametrize("how", ["docker context use", "DOCKER_CONTEXT"])
def test_a_plain_tcp_context_gets_no_token(
    local_ecr: LocalEcr, client: Client, listener: Listener, how: str
) -> None:
    make_context(client, "plaintcp", f"tcp://127.0.0.1:{listener.port}")
    extra = {"DOCKER_CONTEXT": "plaintcp"}
    if how == "docker context use":
        used = client.docker("context", "use", "plaintcp")
        assert used.returncode == 0, describe(used)
        assert client.config()["currentContext"] == "plaintcp"
        extra = {}
    login = run_ecrlogin(
        client,
        without_docker_host(client, **extra),
        "-r",
        REGION,
        "--to",
        "daemon",
        "--force",
        "-o",
        "json",
    )
    assert login.returncode == 1, describe(login)
    (result,) = json_results(login.stdout).values()
    assert f"tcp://127.0.0.1:{listener.port} (context 'plaintcp'" in result["error"]
    assert "plain TCP without TLS" in result["error"]
    assert listener.connections == 0
    assert listener.received == b""
    assert local_ecr.host(REGION) not in client.config().get("auths", {})


def test_a_context_on_the_real_daemon_is_the_one_used(local_ecr: LocalEcr, client: Client) -> None:
    make_context(client, "local", client.env["DOCKER_HOST"])
    assert client.docker("context", "use", "local").returncode == 0
    host = local_ecr.host(REGION)
    seen = len(local_ecr.registry_requests(host))
    login = run_ecrlogin(client, without_docker_host(client), "-r", REGION, "--to", "daemon")
    assert login.returncode == 0, describe(login)
    checks = local_ecr.registry_requests(host)[seen:]
    assert any(" GET /v2/ 200 AWS" in line for line in checks), checks
    assert client.pull(local_ecr.image(REGION)).returncode == 0


def test_a_dead_context_is_reported_as_itself(local_ecr: LocalEcr, client: Client) -> None:
    dead = f"unix://{client.home}/dead.sock"
    make_context(client, "dead", dead)
    login = run_ecrlogin(
        client, without_docker_host(client, DOCKER_CONTEXT="dead"), "-r", REGION, "--to", "daemon"
    )
    assert login.returncode == 1, describe(login)
    assert f"unreachable at {dead} (context 'dead' (DOCKER_CONTEXT))" in login.stderr
    assert "/var/run/docker.sock" not in login.stderr


RECORDING_HELPER = f"""#!{sys.executable}
import json, os, sys, time
call = {{"argv": sys.argv[1:], "env": dict(os.environ)}}
sys.stdin.read()
with open(sys.argv[0] + ".calls", "a") as log:
    log.write(json.dumps(call) + "\\n")
if sys.argv[1] in ("get", "list"):
    time.sleep(45)
"""


def test_the_real_daemon_check_runs_no_helper_and_helpers_get_no_aws_secret(
    local_ecr: LocalEcr, client: Client
) -> None:
    bin_dir = client.home / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-slow"
    helper.write_text(RECORDING_HELPER)
    helper.chmod(0o755)
    host = local_ecr.host(REGION)
    client.write_config({"credsStore": "slow", "auths": {host: {}}})
    env = client.env | {
        "PATH": f"{bin_dir}:{client.env['PATH']}",
        "ECRLOGIN_HELPER_TIMEOUT": "2",
        "AWS_SESSION_TOKEN": "e2e-session-token",
    }
    login = run_ecrlogin(client, env, "-r", REGION, "--to", "daemon", "-o", "json")
    assert login.returncode == 0, describe(login)
    calls = [json.loads(line) for line in Path(f"{helper}.calls").read_text().splitlines()]
    assert [c["argv"] for c in calls] == [["store"]]
    assert not {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} & set(calls[0]["env"])
    assert json_results(login.stdout)[host]["stored_in"] == "credsStore:slow"
