"""flows.logout: ECR registries taken away again, and nothing else touched."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from ecrhosts import (
    CONFIG,
    ECR_LOGIN,
    EXPIRED,
    GOOD,
    HELPED,
    REWRITTEN,
    UNKNOWN,
)
from fakehelper import FakeHelper

from ecrlogin import state
from ecrlogin.errors import UsageError
from ecrlogin.flows.logout import LogoutRequest, Removal, logout
from ecrlogin.flows.model import Settings
from ecrlogin.sinks import dockerconfig


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


def test_a_profile_filter_follows_the_record_of_the_token_held(dirs: tuple[Path, Path]) -> None:
    docker_dir, state_dir = dirs
    request = LogoutRequest(profiles=("old",), regions=("eu-west-1",))
    removals = logout(Settings(docker_dir, state_dir), request, environ={})
    assert removals == [Removal(EXPIRED, removed=True, stored_in="config.json")]
    assert GOOD in dockerconfig.load(docker_dir)["auths"]


@pytest.mark.parametrize(
    ("request_", "named"),
    [
        (LogoutRequest(profiles=("nosuch",)), "-p nosuch ('nosuch': no such AWS profile"),
        (LogoutRequest(regions=("ca-central-1",)), "no ECR registry matches -r ca-central-1"),
    ],
)
def test_a_filter_that_selects_nothing_says_so(
    dirs: tuple[Path, Path], caplog: pytest.LogCaptureFixture, request_: LogoutRequest, named: str
) -> None:
    assert logout(Settings(*dirs), request_, environ={}) == []
    assert "nothing logged out: no ECR registry matches " in caplog.text
    assert named in caplog.text


def test_a_region_filter_that_is_no_region_is_refused(dirs: tuple[Path, Path]) -> None:
    with pytest.raises(UsageError, match="'nowhere' is not an AWS region"):
        logout(Settings(*dirs), LogoutRequest(regions=("nowhere",)), environ={})
