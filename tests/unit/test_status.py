"""flows.status: every ECR registry ecrlogin can see, with what it knows of each token."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakehelper import FakeHelper, install

from ecrlogin import state
from ecrlogin.flows.model import Settings
from ecrlogin.flows.status import StatusRow, status
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


def rows(docker_dir: Path, state_dir: Path, now: datetime) -> list[StatusRow]:
    return list(status(Settings(docker_dir, state_dir), clock=lambda: now, environ={}).rows)


def test_status_lists_only_ecr_hosts_with_what_ecrlogin_knows(dirs: tuple[Path, Path]) -> None:
    assert rows(*dirs, NOW) == [
        StatusRow(GOOD, "prod", ARN, NOW + timedelta(hours=11), False, "config.json"),
        StatusRow(REWRITTEN, None, None, None, None, "config.json"),
        StatusRow(EXPIRED, "old", ARN, NOW - timedelta(minutes=1), True, "config.json"),
        StatusRow(UNKNOWN, None, None, None, None, "config.json"),
        StatusRow("public.ecr.aws", None, None, None, None, "config.json"),
        StatusRow(HELPED, None, ARN, NOW + timedelta(hours=1), False, "credHelpers:fake"),
        StatusRow(ECR_LOGIN, None, None, None, None, "credHelpers:ecr-login"),
    ]


def test_status_forgets_an_entry_rewritten_since(dirs: tuple[Path, Path]) -> None:
    docker_dir, state_dir = dirs
    with dockerconfig.editing(docker_dir) as config:
        dockerconfig.set_entry(config, GOOD, auth("docker-login-by-hand"))
    (good,) = [r for r in rows(docker_dir, state_dir, NOW) if r.registry == GOOD]
    assert (good.profile, good.identity, good.expires_at, good.expired) == (None,) * 4


def test_status_takes_the_latest_of_several_matching_records(dirs: tuple[Path, Path]) -> None:
    docker_dir, state_dir = dirs
    later = record(
        GOOD, CONFIG, NOW + timedelta(hours=30), docker_dir, source="profile:dev", profile="dev"
    )
    state.remember(state_dir, [later], {})
    (good,) = [r for r in rows(docker_dir, state_dir, NOW) if r.registry == GOOD]
    assert (good.profile, good.expires_at) == ("dev", NOW + timedelta(hours=30))


def test_status_marks_a_token_expiring_exactly_now_as_expired(dirs: tuple[Path, Path]) -> None:
    docker_dir, state_dir = dirs
    (good,) = [
        r for r in rows(docker_dir, state_dir, NOW + timedelta(hours=11)) if r.registry == GOOD
    ]
    assert good.expired is True


def test_status_of_an_empty_docker_config(sandbox: Path) -> None:
    assert rows(sandbox / "docker", sandbox / "state", NOW) == []
