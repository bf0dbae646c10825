"""`--to daemon` against the daemon the docker CLI would choose, with the real ecrlogin:

- a plain-TCP daemon chosen through a Docker context (current or DOCKER_CONTEXT) or through an
  `http://` DOCKER_HOST with the TLS variables set gets not a single byte (a real listener);
- the check is one POST /auth to a daemon on a unix socket: no credential helper is run by
  anything but ecrlogin, and those it runs get the scrubbed environment and the time limit;
- a daemon that echoes the password, wrapped or in pieces, leaks none of it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Moto
from .sandbox import AWS_SECRET, Run, Sandbox, host
from .servers import Listener

HOST = host(123456789012)
FAKE_DAEMON = Path(__file__).parents[1] / "unit" / "fakedaemon.py"


def context(box: Sandbox, name: str, docker_host: str) -> None:
    """A context as `docker context create NAME --docker host=…` stores it."""
    meta = box.docker_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta.mkdir(parents=True)
    endpoint = {"Host": docker_host, "SkipTLSVerify": False}
    (meta / "meta.json").write_text(
        json.dumps({"Name": name, "Metadata": {}, "Endpoints": {"docker": endpoint}})
    )


def assert_refused(box: Sandbox, run: Run, listener: Listener, where: str) -> None:
    assert run.returncode == 1, run.stderr
    (result,) = run.json()["results"]
    assert result["status"] == "failed"
    assert "plain TCP without TLS" in result["error"]
    assert where in result["error"]
    assert "ssh" not in result["error"]
    assert listener.connections == 0
    assert listener.received == b""
    assert not box.config_path.exists() or HOST not in box.config().get("auths", {})


@pytest.mark.parametrize("how", ["currentContext", "DOCKER_CONTEXT"])
def test_a_plain_tcp_context_gets_no_token(
    box: Sandbox, moto: Moto, listener: Listener, how: str
) -> None:
    context(box, "plaintcp", f"tcp://127.0.0.1:{listener.port}")
    extra = {"DOCKER_CONTEXT": "plaintcp"} if how == "DOCKER_CONTEXT" else {}
    box.write_config({"currentContext": "plaintcp" if how == "currentContext" else "other"})
    run = box.run("-o", "json", "--to", "daemon", "--force", HOST, env=box.env(moto.url, **extra))
    assert_refused(box, run, listener, f"context 'plaintcp' ({how}")


@pytest.mark.parametrize("scheme", ["http", "HTTP"])
@pytest.mark.parametrize("variable", ["DOCKER_TLS_VERIFY", "DOCKER_TLS"])
def test_tls_variables_do_not_make_http_safe(
    box: Sandbox, moto: Moto, listener: Listener, scheme: str, variable: str
) -> None:
    certs = box.root / "certs"
    certs.mkdir()
    (certs / "ca.pem").write_text("not used: the token must not get that far")
    docker_host = f"{scheme}://127.0.0.1:{listener.port}"
    env = box.env(moto.url, DOCKER_HOST=docker_host, DOCKER_CERT_PATH=str(certs))
    env[variable] = "1"
    run = box.run("-o", "json", "--to", "daemon", HOST, env=env, timeout=60)
    assert_refused(box, run, listener, docker_host)


@pytest.fixture
def short_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="ecrd"))  # unix socket paths must stay short
    yield path
    shutil.rmtree(path)


@pytest.fixture
def daemon_process(short_dir: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A stand-in dockerd on a unix socket (mode from the test's parameter, default `ok`)."""
    mode = getattr(request, "param", "ok")
    socket_path = short_dir / "d.sock"
    proc = subprocess.Popen(
        [sys.executable, str(FAKE_DAEMON), str(socket_path), str(short_dir / "log"), mode],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        yield socket_path
    finally:
        proc.terminate()
        proc.wait(10)


RECORDING_HELPER = f"""#!{sys.executable}
import json, os, sys, time
call = {{"argv": sys.argv[1:], "env": dict(os.environ), "stdin": sys.stdin.read()}}
with open(sys.argv[0] + ".calls", "a") as log:
    log.write(json.dumps(call) + "\\n")
if sys.argv[1] in ("get", "list"):
    time.sleep(45)  # docker-py's login() would sit here with the AWS secrets in its env
"""


def test_the_daemon_check_runs_no_credential_helper_itself(
    box: Sandbox, moto: Moto, daemon_process: Path
) -> None:
    helper = box.helper("slow", RECORDING_HELPER)
    box.write_config({"credsStore": "slow", "auths": {HOST: {}}})
    env = box.env(
        moto.url,
        DOCKER_HOST=f"unix://{daemon_process}",
        ECRLOGIN_HELPER_TIMEOUT="2",
        AWS_SESSION_TOKEN="robustness-session-token",
    )
    run = box.run("-o", "json", "--to", "daemon", HOST, env=env)
    assert run.returncode == 0, run.stderr
    assert run.seconds < 15
    calls = [json.loads(line) for line in helper.with_name(helper.name + ".calls").open()]
    assert [c["argv"] for c in calls] == [["store"]]  # ecrlogin's own store, nothing else
    for call in calls:
        assert "AWS_SECRET_ACCESS_KEY" not in call["env"]
        assert "AWS_SESSION_TOKEN" not in call["env"]
        assert AWS_SECRET not in json.dumps(call["env"])
    log = (daemon_process.parent / "log").read_text().splitlines()
    assert [json.loads(line)["path"] for line in log] == ["/_ping", "/v1.41/auth"]


def leaked_pieces(text: str, passwords: list[str]) -> list[str]:
    import base64

    found = []
    for password in passwords:
        token = base64.b64encode(f"AWS:{password}".encode()).decode()
        for form in (password, token):
            found += [form[i : i + 20] for i in range(len(form) - 19) if form[i : i + 20] in text]
    return found


@pytest.mark.parametrize("daemon_process", ["echo-wrapped", "echo-split"], indirect=True)
@pytest.mark.parametrize("flags", [(), ("--debug",), ("-o", "json")])
def test_an_echoing_daemon_leaks_no_piece_of_the_password(
    box: Sandbox, moto: Moto, daemon_process: Path, flags: tuple[str, ...]
) -> None:
    env = box.env(moto.url, DOCKER_HOST=f"unix://{daemon_process}")
    run = box.run(*flags, "--to", "daemon", HOST, env=env)
    assert run.returncode == 1, run.stderr
    assert "rejected the login" in run.stdout + run.stderr
    assert "[redacted]" in run.stdout + run.stderr  # the echo did arrive
    assert leaked_pieces(run.stdout + run.stderr, moto.passwords()) == []
