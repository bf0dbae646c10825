"""flows.status: every ECR registry ecrlogin can see, with what it knows of each token."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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
from ecrlogin.flows.model import Settings
from ecrlogin.flows.status import StatusRow, status
from ecrlogin.sinks import dockerconfig


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


def test_verify_marks_each_row_and_check_fails_a_refused_one(dirs: tuple[Path, Path]) -> None:
    from ecrlogin.flows.status import StatusQuery
    from ecrlogin.flows.verify import Answer

    def ask(asked: Any, docker_config: Path, environ: Any) -> dict[Any, Answer]:
        return {key: Answer(key[0] != GOOD if key[0] != UNKNOWN else None) for key in asked}

    query = StatusQuery(check=True, min_ttl=timedelta(0), verify=True)
    report = status(Settings(*dirs), query, clock=lambda: NOW, environ={}, ask=ask)
    accepted = {r.registry: r.accepted for r in report.rows}
    assert (accepted[GOOD], accepted[UNKNOWN], accepted[HELPED]) == (False, None, True)
    assert GOOD in report.failing
