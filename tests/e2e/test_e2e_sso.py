"""IAM Identity Center sign-in against the local stand-in (tests/localecr/ssoserver.py), the
local ECR and the real Docker daemon: `ecrlogin sso login` writes the cache botocore reads,
botocore's own SSO provider turns it into role credentials, the registry accepts the token;
the prompt on a pseudo-terminal; the failures, each one line."""

from __future__ import annotations

import json
import os
import pty
import select
import stat
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.localecr import Client, LocalEcr, ecrlogin_path
from tests.localecr.checks import describe, json_results
from tests.localecr.procs import free_port
from tests.localecr.ssoserver import REFRESH_GRANT, SsoStandIn

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"
PROFILES = (
    "[profile dev]\nsso_session = corp\nsso_account_id = {account}\nsso_role_name = puller\n"
    "region = eu-west-1\n"
    "[profile ops]\nsso_session = corp\nsso_account_id = {account}\nsso_role_name = ops\n"
    "region = eu-west-1\n"
    "[sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = eu-west-1\n"
    "[profile legacy]\nsso_start_url = https://old.example/start\nsso_region = eu-west-1\n"
    "sso_account_id = {account}\nsso_role_name = puller\nregion = eu-west-1\n"
)
CACHE_KEYS = ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret"]
CACHE_KEYS += ["registrationExpiresAt", "refreshToken"]
EXPIRED = "expired before it was approved"
CORP_CACHE = "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"  # sha1("corp")


@pytest.fixture
def stand_in(local_ecr: LocalEcr) -> Iterator[SsoStandIn]:
    with SsoStandIn.running(local_ecr.moto_url) as sso:
        yield sso


@pytest.fixture
def user(local_ecr: LocalEcr, client: Client, stand_in: SsoStandIn) -> Client:
    client.use_profiles(PROFILES.format(account=local_ecr.account), "")
    client.env |= stand_in.env()
    return client


def cache(user: Client) -> Path:
    return user.home / ".aws" / "sso" / "cache" / CORP_CACHE


def sso_login(user: Client, stand_in: SsoStandIn, *args: str) -> subprocess.CompletedProcess[str]:
    """`ecrlogin sso login ARGS` on pipes; the stand-in approves once the code is shown."""
    stand_in.approve_when_shown(delay=0.3)
    return user.ecrlogin("sso", "login", "--no-browser", *args, timeout=60)


def test_sign_in_then_botocore_logs_in_and_refreshes(
    local_ecr: LocalEcr, user: Client, stand_in: SsoStandIn
) -> None:
    before = user.ecrlogin("-p", "dev", "-r", REGION)  # on a pipe: no question, exit 1
    assert before.returncode == 1, describe(before)
    assert "run `ecrlogin sso login -p dev`" in before.stdout + before.stderr
    signed = sso_login(user, stand_in, "-p", "dev", "--debug")
    assert signed.returncode == 0, describe(signed)
    assert "confirm the code" in signed.stderr
    entry = json.loads(cache(user).read_text())
    secrets = [entry[k] for k in ("accessToken", "refreshToken", "clientSecret")]
    assert not [s for s in secrets if s in signed.stdout + signed.stderr]  # not even --debug
    assert stat.S_IMODE(cache(user).stat().st_mode) == 0o600
    assert sorted(entry) == sorted(CACHE_KEYS)
    assert stand_in.registrations[-1]["scopes"] == ["sso:account:access"]
    login = user.ecrlogin("-p", "dev", "-r", REGION, "-o", "json", "--debug")
    assert login.returncode == 0, describe(login)
    assert json_results(login.stdout)[local_ecr.host(REGION)]["status"] == "ok"
    assert not [s for s in secrets if s in login.stdout + login.stderr]
    assert stand_in.role_calls == [(local_ecr.account, "puller")]  # botocore's SSO provider
    pull = user.pull(local_ecr.image(REGION))
    assert pull.returncode == 0, describe(pull)

    past = datetime.now(UTC) - timedelta(minutes=5)  # the access token expired; refresh kept
    cache(user).write_text(json.dumps(entry | {"expiresAt": past.strftime("%Y-%m-%dT%H:%M:%SZ")}))
    again = user.ecrlogin("-p", "dev", "-r", REGION, "--force", "-o", "json")
    assert again.returncode == 0, describe(again)
    assert stand_in.grants.count(REFRESH_GRANT) == 1
    refreshed = json.loads(cache(user).read_text())  # botocore wrote the new token back
    assert refreshed["accessToken"] != entry["accessToken"]
    assert stand_in.accepts(refreshed["accessToken"])


def test_a_legacy_profile_signs_in_with_its_start_url(
    local_ecr: LocalEcr, user: Client, stand_in: SsoStandIn
) -> None:
    signed = sso_login(user, stand_in, "-p", "legacy")
    assert signed.returncode == 0, describe(signed)
    login = user.ecrlogin("-p", "legacy", "-r", REGION)
    assert login.returncode == 0, describe(login)
    assert user.pull(local_ecr.image(REGION)).returncode == 0


LOGIN = ("-p", "dev", "-p", "ops", "-r", REGION)
ALL_REGIONS = ("-p", "dev", "-p", "ops", "all-regions", "--include", REGION)


def on_a_terminal(
    user: Client, answer: str, stand_in: SsoStandIn, transcript: Path, argv: tuple[str, ...] = LOGIN
) -> int:
    """`ecrlogin ARGV` with stdin, stdout and stderr on a pseudo-terminal; `answer` typed at
    the question; what the terminal showed is kept in `transcript`."""
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [ecrlogin_path(), *argv],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=user.env,
        close_fds=True,
    )
    os.close(secondary)
    seen, answered = b"", False
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            seen += chunk
        if not answered and b"[Y/n]" in seen:
            os.write(primary, answer.encode() + b"\n")
            answered = True
            stand_in.approve_when_shown(delay=0.5)
        if proc.poll() is not None and not ready:
            break
    os.close(primary)
    transcript.write_bytes(seen)
    return proc.wait(30)


@pytest.mark.parametrize(
    ("answer", "argv"), [("y", LOGIN), ("n", LOGIN), ("y", ALL_REGIONS), ("n", ALL_REGIONS)]
)
def test_the_prompt_on_a_terminal(
    local_ecr: LocalEcr,
    user: Client,
    stand_in: SsoStandIn,
    answer: str,
    argv: tuple[str, ...],
    tmp_path: Path,
) -> None:
    transcript = tmp_path / "transcript.txt"
    code = on_a_terminal(user, answer, stand_in, transcript, argv)
    shown = transcript.read_text(errors="replace")
    print(f"--- terminal ({answer}):\n{shown}")
    assert shown.count("Sign in to https://corp.example/start now? [Y/n]") == 1, shown  # 2 profiles
    if answer == "y":
        assert code == 0, shown
        assert stand_in.role_calls  # botocore got role credentials with the new token
        assert user.pull(local_ecr.image(REGION)).returncode == 0
    else:
        assert code == 1, shown
        assert "ecrlogin sso login -p dev" in shown
        assert not cache(user).exists()


def test_no_input_and_ci_never_ask(user: Client, stand_in: SsoStandIn, tmp_path: Path) -> None:
    user.env["CI"] = "true"
    transcript = tmp_path / "ci.txt"
    assert on_a_terminal(user, "y", stand_in, transcript) == 1
    assert "[Y/n]" not in transcript.read_text(errors="replace")


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (
            {"script": ["SlowDownException", "ExpiredTokenException"]},
            "expired before it was approved",
        ),
        ({"decision": "denied"}, "was denied"),
        ({"code_lifetime": 2}, EXPIRED),
        ({"unreachable": True}, "unreachable"),
    ],
    ids=["slow-down", "denied", "code-expired", "unreachable"],
)
def test_a_failed_sign_in_is_one_line_and_writes_nothing(
    user: Client, stand_in: SsoStandIn, settings: dict[str, object], words: str
) -> None:
    if settings.pop("unreachable", False):
        user.env["AWS_ENDPOINT_URL_SSO_OIDC"] = f"http://127.0.0.1:{free_port()}"
    for name, value in settings.items():
        setattr(stand_in, name, value)
    began = time.monotonic()
    failed = user.ecrlogin("sso", "login", "-p", "dev", "--no-browser", timeout=60)
    assert failed.returncode == 1, describe(failed)
    errors = [line for line in failed.stderr.splitlines() if line.startswith("ecrlogin:")]
    assert len(errors) == 1, describe(failed)
    assert words in errors[0]
    assert not (user.home / ".aws" / "sso").exists()
    if "script" in settings:  # 1 s, then 1 + 5 s after the slow-down
        gaps = [b - a for a, b in zip(stand_in.polls, stand_in.polls[1:], strict=False)]
        assert gaps[0] >= 5.5, gaps
        assert time.monotonic() - began >= 6.5


def test_an_unreachable_portal_is_one_line(user: Client, stand_in: SsoStandIn) -> None:
    assert sso_login(user, stand_in, "-p", "dev").returncode == 0
    user.env["AWS_ENDPOINT_URL_SSO"] = f"http://127.0.0.1:{free_port()}"
    login = user.ecrlogin("-p", "dev", "-r", REGION, "-o", "json")
    assert login.returncode == 1, describe(login)
    assert "unreachable" in json.loads(login.stdout)["results"][0]["error"]
    assert not user.config_path.exists()
