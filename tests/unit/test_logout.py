"""flows.logout: ECR registries taken away again, and nothing else touched."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakehelper import FakeHelper, install

from ecrlogin import state
from ecrlogin.flows.logout import LogoutRequest, Removal, logout
from ecrlogin.flows.model import Settings
from ecrlogin.sinks import dockerconfig

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
GOOD = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
REWRITTEN = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
EXPIRED = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
UNKNOWN = "210987654321.dkr.ecr.us-west-2.amazonaws.com"
HELPED = "210987654321.dkr.ecr.ap-south-1.amazonaws.com"
ECR_LOGIN = "210987654321.dkr.ecr.sa-east-1.amazonaws.com"
ARN = "arn:aws:sts::123456789012:assumed-role/dev/alice"


def auth(password: str) -> dict[str, str]:
    return {"auth": dockerconfig.encode_auth(password)}


CONFIG: dict[str, Any] = {
    "auths": {
        "https://index.docker.io/v1/": auth("hub"),
        GOOD: auth("good"),
        "ghcr.io": {"auth": "Z2g6dG9rZW4=", "identitytoken": "opaque"},
        REWRITTEN: auth("written-by-docker-login"),
        EXPIRED: auth("expired"),
        f"https://{UNKNOWN}": auth("unknown"),
        "public.ecr.aws": auth("public"),
        "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example": auth("evil"),
        HELPED: {},
    },
    "credHelpers": {"gcr.io": "gcloud", ECR_LOGIN: "ecr-login", HELPED: "fake"},
    "psFormat": "table {{.ID}}",
    "HttpHeaders": {"X-Meta": "kept"},
}


def record(
    host: str, config: dict[str, Any], expires: datetime, docker_dir: Path, **changes: Any
) -> state.Record:
    fields: dict[str, Any] = {
        "host": host,
        "source": "profile:prod",
        "profile": "prod",
        "account": host[:12],
        "region": host.split(".")[3],
        "identity": ARN,
        "expires_at": expires,
        "stored_in": dockerconfig.destination(config, host).label,
        "fingerprint": dockerconfig.fingerprint(config, host),
        "place": str(docker_dir / "config.json"),
    }
    return state.Record(**{**fields, **changes})


@pytest.fixture
def dirs(sandbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    docker_dir, state_dir = sandbox / "docker", sandbox / "state"
    docker_dir.mkdir()
    (docker_dir / "config.json").write_text(json.dumps(CONFIG, indent="\t"))
    before_rewrite = copy.deepcopy(CONFIG)
    before_rewrite["auths"][REWRITTEN] = auth("ecrlogin-wrote-this")
    state.remember(
        state_dir,
        [
            record(GOOD, CONFIG, NOW + timedelta(hours=11), docker_dir),
            record(REWRITTEN, before_rewrite, NOW + timedelta(hours=11), docker_dir),
            record(EXPIRED, CONFIG, NOW - timedelta(minutes=1), docker_dir, profile="old"),
            record(
                HELPED, CONFIG, NOW + timedelta(hours=1), docker_dir, profile=None, source="key:abc"
            ),
        ],
        {},
    )
    return docker_dir, state_dir


@pytest.fixture
def helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHelper:
    fake = install(tmp_path / "bin", monkeypatch, "fake")
    fake.put(HELPED, "helped-secret")
    fake.put("gcr.io", "not-ours")
    return fake


def log_out(
    docker_dir: Path, state_dir: Path, hosts: list[str], *, everything: bool
) -> list[Removal]:
    request = LogoutRequest(tuple(hosts), everything)
    return logout(Settings(docker_dir, state_dir), request, environ={})


def other_keys(config: dict[str, Any], removed: set[str]) -> dict[str, Any]:
    kept = copy.deepcopy(config)
    kept["auths"] = {k: v for k, v in kept["auths"].items() if k not in removed}
    return kept


def test_logout_of_one_host_keeps_everything_else(dirs: tuple[Path, Path]) -> None:
    docker_dir, state_dir = dirs
    removals = log_out(docker_dir, state_dir, [GOOD], everything=False)
    assert removals == [Removal(GOOD, removed=True, stored_in="config.json")]
    assert dockerconfig.load(docker_dir) == other_keys(CONFIG, {GOOD})
    known = state.load(state_dir)
    assert known.for_host(GOOD) == []
    assert len(known.for_host(EXPIRED)) == 1


def test_logout_of_a_host_in_a_helper_erases_it_there(
    dirs: tuple[Path, Path], helper: FakeHelper
) -> None:
    removals = log_out(*dirs, [HELPED], everything=False)
    assert removals == [Removal(HELPED, removed=True, stored_in="credHelpers:fake")]
    assert set(helper.secrets()) == {"gcr.io"}
    assert dockerconfig.load(dirs[0]) == other_keys(CONFIG, {HELPED})


def test_logout_of_a_host_that_is_not_there(dirs: tuple[Path, Path]) -> None:
    absent = "999999999999.dkr.ecr.eu-west-1.amazonaws.com"
    path = dirs[0] / "config.json"
    before = path.read_bytes()
    assert log_out(*dirs, [absent], everything=False) == [Removal(absent, removed=False)]
    assert path.read_bytes() == before


def test_logout_all_touches_only_ecr_hosts(dirs: tuple[Path, Path], helper: FakeHelper) -> None:
    docker_dir, state_dir = dirs
    removals = log_out(docker_dir, state_dir, [], everything=True)
    by_host = {r.registry: r for r in removals}
    assert set(by_host) == {GOOD, REWRITTEN, EXPIRED, UNKNOWN, "public.ecr.aws", HELPED, ECR_LOGIN}
    assert all(r.removed for h, r in by_host.items() if h != ECR_LOGIN)
    assert by_host[ECR_LOGIN] == Removal(ECR_LOGIN, removed=False)
    ecr_keys = {GOOD, REWRITTEN, EXPIRED, f"https://{UNKNOWN}", "public.ecr.aws", HELPED}
    assert dockerconfig.load(docker_dir) == other_keys(CONFIG, ecr_keys)
    assert set(helper.secrets()) == {"gcr.io"}
    assert state.load(state_dir).records == ()


def test_logout_all_with_no_ecr_host_writes_nothing(sandbox: Path) -> None:
    docker_dir = sandbox / "docker"
    docker_dir.mkdir()
    path = docker_dir / "config.json"
    path.write_text(json.dumps({"auths": {"ghcr.io": {}}}))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    assert log_out(docker_dir, sandbox / "state", [], everything=True) == []
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_logout_reports_a_failing_helper_as_an_error(
    dirs: tuple[Path, Path], helper: FakeHelper
) -> None:
    helper.behave(fail="The user keychain is locked.")
    (removal,) = log_out(*dirs, [HELPED], everything=False)
    assert removal.removed is False
    assert removal.error is not None
    assert "unlock" in removal.error
    assert HELPED in dockerconfig.load(dirs[0])["auths"]
