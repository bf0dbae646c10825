"""No secret anywhere it does not belong: not in stdout, stderr, --debug output, error text or
any file but config.json itself; not in any process's command line or environment."""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Moto
from .procscan import Scanner
from .sandbox import OTHER_REGION, REGION, Run, Sandbox, files_under, find_secrets, host
from .servers import FaultProxy, Rule, b64, json_error, token_answer, token_item

HOST = host(123456789012)
OTHER = host(123456789012, OTHER_REGION)
PLANTED = base64.b64encode(secrets.token_bytes(1900)).decode()  # a token-like text of our own
PROCSCAN = Path(__file__).with_name("procscan.py")
ECHO_HELPER = '#!/bin/sh\necho "cannot store: $(cat)" >&2\nexit 1\n'


def success(box: Sandbox, moto: Moto, proxy: FaultProxy) -> list[Run]:
    env = box.env(moto.url)
    return [
        box.run("--debug", "-v", HOST, OTHER, env=env),
        box.run("--debug", "-o", "json", "--force", HOST, env=env),
        box.run("--debug", HOST, env=env),  # cached
        box.run("all-regions", "--debug", "--include", "eu-west-*", env=env),
        box.run("status", env=env),
        box.run("status", "-o", "json", env=env),
        box.run("logout", HOST, env=env),
        box.run("logout", "--all", env=env),
    ]


def failing_helper(box: Sandbox, moto: Moto, proxy: FaultProxy) -> list[Run]:
    box.helper("echo", ECHO_HELPER)
    box.write_config({"credHelpers": {HOST: "echo"}, "credsStore": "echo"})
    env = box.env(moto.url)
    runs = [box.run("--debug", HOST, env=env), box.run("logout", HOST, env=env)]
    assert "cannot store: " in runs[0].stderr  # the helper did echo what it was given
    assert "[redacted]" in runs[0].stderr
    return runs


def failing_daemon(box: Sandbox, moto: Moto, proxy: FaultProxy) -> list[Run]:
    env = box.env(moto.url)
    nowhere = box.env(moto.url, DOCKER_HOST=f"unix://{box.root}/no-such.sock")
    return [
        box.run("--debug", "--to", "daemon", HOST, env=nowhere),
        box.run("--debug", "--to", "daemon", HOST, env=env | {"DOCKER_HOST": "tcp://127.0.0.1:9"}),
    ]


def hostile_aws_answers(box: Sandbox, moto: Moto, proxy: FaultProxy) -> list[Run]:
    """AWS (or a proxy) that puts a token into error text or a malformed answer."""
    proxy.rules += [
        Rule("ecr", "GetAuthorizationToken", REGION, json_error("AccessDeniedException", PLANTED)),
        Rule(
            "ecr",
            "GetAuthorizationToken",
            OTHER_REGION,
            token_answer([token_item(b64(PLANTED), "https://" + OTHER)]),
        ),
        Rule(
            "sts",
            "GetCallerIdentity",
            None,
            json_error("ExpiredToken", f"token {b64('AWS:' + PLANTED)} expired"),
        ),
    ]
    env = box.env(proxy.url)
    return [box.run("--debug", "-o", "json", HOST, OTHER, env=env)]


def password_command(box: Sandbox, moto: Moto, proxy: FaultProxy) -> list[Run]:
    run = box.run("password", "-r", REGION, env=box.env(moto.url))
    assert run.stdout.strip() in moto.passwords()  # the one place a secret belongs
    return [Run(run.argv, run.returncode, "", run.stderr, run.seconds)]


SCENARIOS: dict[str, Callable[[Sandbox, Moto, FaultProxy], list[Run]]] = {
    "success": success,
    "failing helper": failing_helper,
    "failing daemon": failing_daemon,
    "hostile AWS answers": hostile_aws_answers,
    "password": password_command,
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_secret_in_output_or_files(
    box: Sandbox, moto: Moto, proxy: FaultProxy, scenario: str
) -> None:
    runs = SCENARIOS[scenario](box, moto, proxy)
    texts: dict[str, str | bytes] = {}
    for n, run in enumerate(runs):
        assert run.returncode in (0, 1), run.stderr  # never an internal error
        texts[f"run {n} stdout"] = run.stdout
        texts[f"run {n} stderr"] = run.stderr
    texts |= files_under(box.root, skip=(box.config_path,))
    issued = [*moto.passwords(), PLANTED]
    assert find_secrets(texts, issued) == []
    assert any("DEBUG" in run.stderr for run in runs) or scenario == "password"


def test_helpers_see_no_secret_in_any_command_line_or_environment(box: Sandbox, moto: Moto) -> None:
    report = box.root / "spy.jsonl"
    box.helper("spy", f'#!/bin/sh\nexec {sys.executable} {PROCSCAN} helper {report} "$@"\n')
    box.write_config({"credsStore": "spy"})
    env = box.env(moto.url, AWS_SESSION_TOKEN="robustness-session-token")
    with Scanner(moto.passwords) as scanner:
        assert box.run("-q", HOST, OTHER, env=env).returncode == 0
        assert box.run("logout", "-q", HOST, env=env).returncode == 0
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [line["action"] for line in lines] == ["store", "store", "erase"]
    for line in lines:
        assert line["hits"] == []
        assert not {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} & set(line["env"])
    assert lines[0]["scanned"] > 3
    assert scanner.hits == set()
    assert scanner.rounds > 0
    print(f"spy helper: {lines[0]['scanned']} processes; scanner: {scanner.rounds} rounds")


@pytest.mark.e2e
def test_daemon_and_pass_see_no_secret_in_any_process(tmp_path: Path) -> None:
    """The full local ECR: `--to daemon` (POST /auth to a real dockerd) and the real pass helper,
    with /proc of every process scanned throughout for every password moto issued."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.localecr import Client, LocalEcr, describe_missing, missing_parts

    if missing := missing_parts():
        if os.environ.get("CI") == "true":
            pytest.fail(describe_missing(missing), pytrace=False)
        pytest.skip(describe_missing(missing))
    with LocalEcr.start(tmp_path / "ecr") as ecr:
        client = Client(ecr, tmp_path / "client")
        client.write_config({"credsStore": "pass"})
        target = ecr.host("us-east-1")
        with Scanner(ecr.issued_passwords) as scanner:
            done = client.ecrlogin("--to", "daemon", "--debug", target)
        passwords = ecr.issued_passwords()
        texts: dict[str, str | bytes] = {"stdout": done.stdout, "stderr": done.stderr}
        leaks = find_secrets(texts | files_under(client.home / ".local"), passwords)
    assert done.returncode == 0, done.stderr
    assert passwords
    assert scanner.hits == set()
    assert scanner.rounds > 0
    assert leaks == []
    assert client.config()["auths"][target] == {}  # in pass, not in config.json
