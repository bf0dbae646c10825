"""`ecrlogin` (the stored answer replayed) says exactly what `ECRLOGIN_NO_FASTPATH=1 ecrlogin`
says, in every generated case: AWS files, Docker configs, states, projects, environments, file
modes and command lines, run once through the full CLI (which stores what may be repeated),
then through both."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from replaycases import (
    ACCOUNT,
    PROFILES,
    Case,
    argvs,
    cached_argvs,
    cached_files,
    console,
    files,
    full_cli,
    utc_now,
    write,
)

from ecrlogin import fastpath

_counter = itertools.count()
TOUCHES = (*["nothing"] * 6, "config.json", "state", "aws config", "env", "cwd")


def touch(root: Path, env: dict[str, str], what: str) -> tuple[dict[str, str], Path]:
    """One input changed after the answer was stored (most runs: none)."""
    cwd = root / "work"
    if what == "config.json":
        (root / "docker" / "config.json").write_text('{"auths": {}}')
    elif what == "state":
        state_dir = next(root.glob("**/state.json")).parent
        (state_dir / "state.json").write_text("{}")
    elif what == "aws config":
        with (root / "aws" / "config").open("a") as config:
            config.write("[profile other]\nregion = eu-west-1\n")
    elif what == "env":
        env = {**env, "AWS_REGION": "us-east-1"}
    elif what == "cwd":
        cwd = root
    return env, cwd


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=files, argv=argvs, what=st.sampled_from(TOUCHES))
def test_ecrlogin_says_what_the_full_cli_says_in_every_case(
    case: Case, argv: list[str], what: str, tmp_path: Path
) -> None:
    root = tmp_path / str(next(_counter))
    env = write(root, case, utc_now())
    stored = full_cli(argv, env, root / "work")  # stores the answer where it may be repeated
    event(
        "first run: answer stored"
        if next(root.glob("**/answers.json"), None)
        else "first run: none"
    )
    env, cwd = touch(root, env, what)
    *answered, replayed = console(argv, env, cwd)
    note(f"first run: {stored!r}; replayed: {replayed}")
    event("compared: replayed" if replayed else "compared: full CLI both times")
    assert tuple(answered) == full_cli(argv, env, cwd)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=cached_files, argv=cached_argvs)
def test_a_replay_repeats_the_full_cli_exactly(case: Case, argv: list[str], tmp_path: Path) -> None:
    root = tmp_path / str(next(_counter))
    env = write(root, case, utc_now())
    full_cli(argv, env, root / "work")
    *answered, replayed = console(argv, env, root / "work")
    event("compared: replayed" if replayed else "compared: full CLI both times")
    assert tuple(answered) == full_cli(argv, env, root / "work")


def test_a_cached_run_is_stored_then_replayed(tmp_path: Path) -> None:
    env = write(tmp_path, cached_case(), utc_now())
    argv = ["-o", "json", "-r", "eu-west-1"]
    assert console(argv, env, tmp_path / "work")[3] is False  # nothing stored yet
    first = full_cli(argv, env, tmp_path / "work")
    assert first[0] == 0
    assert '"status": "cached"' in first[1]
    assert console(argv, env, tmp_path / "work") == (*first, True)


def cached_case(**changes: object) -> Case:
    lives = {(None, "eu-west-1"): (timedelta(hours=11), False, False)}
    fields: dict[str, object] = {
        "region_of": {"": "eu-west-1"},
        "account_of": {"": ACCOUNT, **dict.fromkeys(PROFILES, ACCOUNT)},
        "role_account": dict.fromkeys(PROFILES),
        "credentials": "aws_access_key_id = AKIA0\naws_secret_access_key = s\n",
        "env": {},
        "state_at": "ECRLOGIN_STATE_DIR",
        "entries": lives,
        "regions_fresh": True,
        "creds_store": False,
        "project": None,
        "helper_records": False,
        "modes": (0o600, 0o700, 0o600),
    }
    return Case(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "argv"),
    [
        ({"credentials": "credential_process = /bin/false\n"}, ["-q"]),  # opaque: never kept
        ({"credentials": ""}, ["-q"]),  # the instance role or container credentials
        ({}, []),  # a table: "in 11h 59m" moves with the clock
        ({}, ["-q", "--force"]),
        ({}, ["-q", "--dry-run"]),
        ({}, ["-q", "--to", "daemon"]),  # only --to docker's cached path is known to be closed
    ],
)
def test_answers_that_are_not_kept(
    tmp_path: Path, changes: dict[str, object], argv: list[str]
) -> None:
    env = write(tmp_path, cached_case(**changes), utc_now())
    full_cli(argv, env, tmp_path / "work")
    assert not (tmp_path / "state" / "answers.json").exists()


SLOW = {"click", "re", "enum", "json", "configparser", "tomllib", "datetime", "pathlib", "typing"}


@pytest.mark.parametrize("state_at", ["ECRLOGIN_STATE_DIR", "XDG_STATE_HOME", ""])
def test_the_console_entry_replays_without_click_or_re_unless_disabled(
    tmp_path: Path, state_at: str
) -> None:
    env = write(tmp_path, cached_case(state_at=state_at), utc_now())
    argv = [sys.executable, "-X", "importtime", "-m", "ecrlogin", "-q"]
    runs = []
    for extra in ({"ECRLOGIN_NO_FASTPATH": "1"}, {}):
        done = subprocess.run(
            argv, env={**env, **extra}, cwd=tmp_path / "work", capture_output=True, text=True
        )
        loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
        runs.append((done.returncode, done.stdout, loaded & SLOW))
    assert runs[0][:2] == runs[1][:2] == (0, "")
    assert runs[0][2]  # the first run is the full CLI's: it stores its answer
    assert not runs[1][2]  # the second replays it


def test_shell_completion_is_never_replayed(tmp_path: Path) -> None:
    env = write(tmp_path, cached_case(), utc_now())
    full_cli(["-q"], env, tmp_path / "work")
    assert fastpath.answer(["-q"], env, cwd=str(tmp_path / "work"), now=0) is not None
    completing = {**env, "_ECRLOGIN_COMPLETE": "bash_complete"}
    assert fastpath.answer(["-q"], completing, cwd=str(tmp_path / "work"), now=0) is None
