"""The Docker config and ecrlogin state that test_status and test_logout share: ECR hosts of
every kind beside foreign entries, and records of what ecrlogin stored."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakehelper import FakeHelper, install

from ecrlogin import state
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
        "entry_print": dockerconfig.fingerprint(config, host),
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
