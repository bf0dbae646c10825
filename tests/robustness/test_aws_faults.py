"""AWS and network faults, each next to a working target: the failing one is reported with the
next step, the others are stored, and the run ends in bounded time. Faults moto cannot make come
from the loopback fault proxy in front of it, or from botocore itself (SSO, MFA, credentials)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from .conftest import Moto
from .sandbox import ECRLOGIN, KEY_ID, OTHER_REGION, REGION, Run, Sandbox, host
from .servers import (
    FaultProxy,
    Listener,
    Rule,
    b64,
    closed_port,
    json_error,
    token_answer,
    token_item,
)

OWN = host(123456789012)  # moto's account
HANG_GUARD = 60.0  # seconds: a run taking longer than this is a hang


def aws_files(box: Sandbox, proxy: str, hang: str = "", refused: str = "") -> None:
    keys = f"aws_access_key_id = {KEY_ID}\naws_secret_access_key = secret\n"
    box.write_aws(
        f"""[profile good]
endpoint_url = {proxy}
[profile nocreds]
endpoint_url = {proxy}
[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = dev
endpoint_url = {proxy}
[sso-session corp]
sso_start_url = https://corp.example/start
sso_region = {REGION}
[profile mfa]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = good
mfa_serial = arn:aws:iam::123456789012:mfa/alice
endpoint_url = {proxy}
[profile refused]
endpoint_url = {refused or proxy}
[profile hang]
endpoint_url = {hang or proxy}
""",
        f"[good]\n{keys}[refused]\n{keys}[hang]\n{keys}",
    )


def run_profiles(box: Sandbox, proxy: FaultProxy, *args: str) -> Run:
    env = box.env(keys=False, AWS_ENDPOINT_URL_SSO=proxy.url, AWS_ENDPOINT_URL_SSO_OIDC=proxy.url)
    return box.run("-o", "json", *args, env=env, timeout=HANG_GUARD)


def assert_one_failed(run: Run, box: Sandbox, profile: str, hint: str) -> None:
    rows = run.json()["results"]
    assert run.returncode == 1, run.stderr
    assert [r["status"] for r in rows if r["registry"] == OWN and r["profile"] == "good"] == ["ok"]
    failed = [r for r in rows if r["profile"] == profile]
    assert [r["status"] for r in failed] == ["failed"]
    assert hint in failed[0]["error"]
    assert list(box.config()["auths"]) == [OWN]
    assert hint in run.stderr  # the failing target is reported on stderr too
    print(f"{profile}: {run.seconds:.1f}s: {failed[0]['error']}")


def _cached_expired_sso(box: Sandbox) -> None:
    import hashlib

    cache = box.home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    token = {
        "startUrl": "https://corp.example/start",
        "region": REGION,
        "accessToken": "expired-sso-access-token",
        "expiresAt": past,
    }
    (cache / f"{hashlib.sha1(b'corp').hexdigest()}.json").write_text(json.dumps(token))


PROFILE_FAULTS = {
    "no credentials": ("nocreds", "no AWS credentials", None),
    "unknown profile": ("nosuch", "unknown AWS profile", None),
    "SSO never logged in": ("sso", "ecrlogin sso login -p sso", None),
    "SSO token expired": ("sso", "ecrlogin sso login -p sso", _cached_expired_sso),
    "MFA without a terminal": ("mfa", "MFA", None),
    "connection refused": ("refused", "unreachable", None),
}


@pytest.mark.parametrize("fault", PROFILE_FAULTS)
def test_profile_fault_beside_a_good_profile(box: Sandbox, proxy: FaultProxy, fault: str) -> None:
    profile, hint, prepare = PROFILE_FAULTS[fault]
    aws_files(box, proxy.url, refused=f"http://127.0.0.1:{closed_port()}")
    if prepare:
        prepare(box)
    run = run_profiles(box, proxy, "-p", "good", "-p", profile, "-r", REGION)
    assert_one_failed(run, box, profile, hint)
    assert proxy.count("sso", "") + proxy.count("sts", "AssumeRole") == 0


SIGNATURE_EXPIRED = "Signature expired: 20200101T000000Z is now earlier than 20200101T000500Z"
REGION_FAULTS = {
    "AccessDenied": (json_error("AccessDeniedException"), "ecr:GetAuthorizationToken"),
    "UnrecognizedClientException": (json_error("UnrecognizedClientException"), "region enabled"),
    "SignatureDoesNotMatch": (json_error("SignatureDoesNotMatch", status=403), "clock"),
    "Signature expired": (json_error("InvalidSignatureException", SIGNATURE_EXPIRED, 403), "clock"),
    "throttled for good": (json_error("ThrottlingException"), "throttled"),
    "bad base64": (token_answer([token_item("not base64!!", "https://" + OWN)]), "malformed"),
    "no colon": (token_answer([token_item(b64("AWSnocolon"), "https://" + OWN)]), "malformed"),
    "empty user": (token_answer([token_item(b64(":pw"), "https://" + OWN)]), "malformed"),
    "empty list": (token_answer([]), "no authorization data"),
    "non-ECR proxyEndpoint": (
        token_answer([token_item(b64("AWS:pw"), f"https://{OWN}.evil.example")]),
        "not ECR",
    ),
}


@pytest.mark.parametrize("fault", REGION_FAULTS)
def test_region_fault_beside_a_good_region(box: Sandbox, proxy: FaultProxy, fault: str) -> None:
    answer, hint = REGION_FAULTS[fault]
    proxy.rules.append(Rule("ecr", "GetAuthorizationToken", OTHER_REGION, answer))
    aws_files(box, proxy.url)
    run = run_profiles(box, proxy, "-p", "good", "-r", REGION, "-r", OTHER_REGION)
    rows = run.json()["results"]
    failed = [r for r in rows if r["region"] == OTHER_REGION]
    assert run.returncode == 1, run.stderr
    assert [r["status"] for r in rows if r["region"] == REGION] == ["ok"]
    assert [r["status"] for r in failed] == ["failed"]
    assert hint in failed[0]["error"]
    assert list(box.config()["auths"]) == [OWN]  # nothing written for the failing region
    calls = proxy.count("ecr", "GetAuthorizationToken", OTHER_REGION)
    print(f"{fault}: {run.seconds:.1f}s, {calls} calls")


def test_throttling_then_success_is_retried(box: Sandbox, proxy: FaultProxy) -> None:
    throttle = json_error("ThrottlingException", "Rate exceeded")
    proxy.rules.append(Rule("ecr", "GetAuthorizationToken", OTHER_REGION, throttle, times=2))
    aws_files(box, proxy.url)
    run = run_profiles(box, proxy, "-p", "good", "-r", REGION, "-r", OTHER_REGION)
    assert run.returncode == 0, run.stderr
    assert proxy.count("ecr", "GetAuthorizationToken", OTHER_REGION) == 3
    assert sorted(box.config()["auths"]) == sorted([OWN, host(123456789012, OTHER_REGION)])
    print(f"throttled twice, then stored: {run.seconds:.1f}s")


@dataclass
class Background:
    box: Sandbox
    proc: subprocess.Popen[str]
    listener: Listener
    began: float


@pytest.fixture(scope="module", autouse=True)
def hanging_endpoint(tmp_path_factory: pytest.TempPathFactory, moto: Moto) -> Iterator[Background]:
    """The slow case runs in the background while the rest of this module runs: an endpoint that
    accepts connections and never answers (each attempt waits for the read timeout)."""
    box = Sandbox(tmp_path_factory.mktemp("hang"))
    listener = Listener()
    aws_files(box, moto.url, hang=f"http://127.0.0.1:{listener.port}")
    argv = [ECRLOGIN, "-o", "json", "-p", "good", "-p", "hang", "-r", REGION]
    proc = subprocess.Popen(
        argv,
        env=box.env(keys=False),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield Background(box, proc, listener, time.monotonic())
    if proc.poll() is None:
        proc.kill()
    proc.communicate()
    listener.close()


def test_endpoint_that_never_answers_is_bounded(hanging_endpoint: Background) -> None:
    out, err = hanging_endpoint.proc.communicate(timeout=HANG_GUARD)
    seconds = time.monotonic() - hanging_endpoint.began
    run = Run([], hanging_endpoint.proc.returncode, out, err, seconds)
    assert hanging_endpoint.listener.connections > 0, err  # it really connected and waited
    assert_one_failed(run, hanging_endpoint.box, "hang", "unreachable")
    assert seconds < HANG_GUARD
