"""flows.status: every ECR registry ecrlogin can see, with what it knows of each token."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from ecrhosts import (
    ARN,
    CONFIG,
    ECR_LOGIN,
    EXPIRED,
    GOOD,
    HELPED,
    NOW,
    REWRITTEN,
    UNKNOWN,
    auth,
    record,
)

from ecrlogin import state
from ecrlogin.errors import UsageError
from ecrlogin.flows.model import Settings
from ecrlogin.flows.status import StatusQuery, StatusRow, status
from ecrlogin.identity.identity import resolve
from ecrlogin.sinks import dockerconfig


def rows(docker_dir: Path, state_dir: Path, now: datetime) -> list[StatusRow]:
    return list(status(Settings(docker_dir, state_dir), clock=lambda: now, environ={}).rows)


def test_status_lists_only_ecr_hosts_with_what_ecrlogin_knows(dirs: tuple[Path, Path]) -> None:
    by_host = sorted(rows(*dirs, NOW), key=lambda row: row.registry)
    assert rows(*dirs, NOW) == by_host  # sorted by host, not in config.json's order
    assert by_host == sorted(
        [
            StatusRow(GOOD, "prod", ARN, NOW + timedelta(hours=11), False, "config.json"),
            StatusRow(REWRITTEN, None, None, None, None, "config.json"),
            StatusRow(EXPIRED, "old", ARN, NOW - timedelta(minutes=1), True, "config.json"),
            StatusRow(UNKNOWN, None, None, None, None, "config.json"),
            StatusRow("public.ecr.aws", None, None, None, None, "config.json"),
            StatusRow(HELPED, None, ARN, NOW + timedelta(hours=1), False, "credHelpers:fake"),
            StatusRow(ECR_LOGIN, None, None, None, None, "credHelpers:ecr-login"),
        ],
        key=lambda row: row.registry,
    )


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


@pytest.mark.parametrize(
    ("keys", "later", "changed"),
    [
        ("aws_access_key_id = AKIDPROD\n", {}, False),
        ("aws_access_key_id = AKIDPROD\n", {"AWS_ROLE_ARN": "arn:aws:iam::2:role/b"}, True),
        ("credential_process = /bin/true\n", {}, None),  # opaque: unknown without its key
    ],
)
def test_status_says_whether_the_identity_in_effect_is_the_one_that_fetched(
    sandbox: Path, keys: str, later: dict[str, str], changed: bool | None
) -> None:
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text(f"[profile prod]\n{keys}")
    environ = {"AWS_CONFIG_FILE": str(sandbox / "aws" / "config")}
    docker_dir = sandbox / "docker"
    docker_dir.mkdir()
    (docker_dir / "config.json").write_text(json.dumps(CONFIG))
    printed = resolve("prod", environ).fingerprint
    mine = record(GOOD, CONFIG, NOW + timedelta(hours=11), docker_dir, identity_print=printed)
    state.remember(sandbox / "state", [mine], {})
    settings = Settings(docker_dir, sandbox / "state")
    report = status(settings, clock=lambda: NOW, environ={**environ, **later})
    assert [r.profile_changed for r in report.rows if r.registry == GOOD] == [changed]


@pytest.mark.parametrize("check", [False, True])
def test_check_fails_when_nothing_is_listed(sandbox: Path, check: bool) -> None:
    settings, query = Settings(sandbox / "docker", sandbox / "state"), StatusQuery(check=check)
    report = status(settings, query, clock=lambda: NOW, environ={})
    assert (report.rows, report.fails_check) == ((), check)


def test_a_filter_that_selects_nothing_names_the_unknown_profile(
    dirs: tuple[Path, Path], sandbox: Path
) -> None:
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text("[profile prod]\n")
    environ = {"AWS_CONFIG_FILE": str(sandbox / "aws" / "config")}
    query = StatusQuery(profiles=("prod", "nosuch"), regions=("eu-north-1",))
    report = status(Settings(*dirs), query, clock=lambda: NOW, environ=environ)
    assert report.rows == ()
    assert report.empty_filter == (
        "no ECR registry matches -p prod -p nosuch -r eu-north-1 "
        "('nosuch': no such AWS profile in the AWS config or credentials file)"
    )


def test_a_region_filter_that_is_no_region_is_refused(dirs: tuple[Path, Path]) -> None:
    with pytest.raises(UsageError, match="'nowhere' is not an AWS region"):
        status(Settings(*dirs), StatusQuery(regions=("nowhere",)), clock=lambda: NOW, environ={})
