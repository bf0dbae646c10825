"""The fast path says exactly what the full CLI says, or hands the run over: generated config,
state and AWS files, and command lines, run through both (the full CLI in-process, as
`ECRLOGIN_NO_FASTPATH` would)."""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from fastcases import ACCOUNT, Files, argvs, files, utc_now, write
from hypothesis import HealthCheck, event, given, note, settings

from ecrlogin.cli.app import main
from ecrlogin.fast import path as fast_path

_counter = itertools.count()


def answer(argv: list[str], env: dict[str, str], **options: object) -> str | None:
    """The fast path's answer in a process whose environment is `env`, as the console script's
    (the identity key covers the process's identity variables)."""
    with mock.patch.dict(os.environ, env, clear=True):
        return fast_path.answer(argv, env, **options)  # type: ignore[arg-type]


def full_cli(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    out, err, code = io.StringIO(), io.StringIO(), 0
    with (
        mock.patch.dict(os.environ, env, clear=True),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            main(argv)
        except SystemExit as done:
            code = int(done.code or 0)
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=files, argv=argvs)
def test_the_fast_path_answers_as_the_full_cli_or_not_at_all(
    case: Files, argv: list[str], tmp_path: Path
) -> None:
    root = tmp_path / str(next(_counter))
    env = write(root, case, utc_now())
    fast = answer(argv, env, cwd=str(root / "work"), now=utc_now())
    note(f"fast: {fast!r}")
    event("answered" if fast is not None else "handed over")
    if fast is not None:
        with contextlib.chdir(root / "work"):
            assert full_cli(argv, env) == (0, fast, "")


def test_a_cached_run_is_answered_and_matches(tmp_path: Path) -> None:
    lives = {(None, "eu-west-1"): (timedelta(hours=11), False, False)}
    case = Files(
        {"prod": None, "dev": None}, {"prod": None, "dev": None}, {}, lives, True, False, None
    )
    env = write(tmp_path / "case", case, utc_now())
    for argv in (
        ["-o", "json", "-r", "eu-west-1"],
        ["-q", "-r", "eu-west-1"],
        ["all-regions", "-o", "json", "--include", "eu-*"],
    ):
        fast = answer(argv, env, cwd=str(tmp_path), now=utc_now())
        assert fast is not None
        assert full_cli(argv, env) == (0, fast, "")


def test_a_cached_project_is_answered_with_its_source(tmp_path: Path) -> None:
    lives = {(None, "eu-west-1"): (timedelta(hours=11), False, False)}
    project = 'registries = ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"]\n'
    case = Files(
        {"prod": None, "dev": None}, {"prod": None, "dev": None}, {}, lives, True, False, project
    )
    env = write(tmp_path / "case", case, utc_now())
    fast = answer(["-o", "json"], env, cwd=str(tmp_path / "case" / "work"), now=utc_now())
    assert fast is not None
    assert '"source": ".ecrlogin.toml"' in fast
    with contextlib.chdir(tmp_path / "case" / "work"):
        assert full_cli(["-o", "json"], env) == (0, fast, "")


# what a cached run must not import: ~20-35 ms of the standard library's own (re, enum…)
SLOW_STANDARD = {"re", "enum", "json", "configparser", "tomllib", "datetime", "fnmatch", "hashlib"}
PROJECT = (
    f'registries = [\n  "{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:1", # app\n]\n'
    'min_ttl = "30m"\n'
)


@pytest.mark.parametrize(("args", "project"), [(["-r", "eu-west-1"], None), ([], PROJECT)])
def test_the_console_entry_answers_without_click_or_re_unless_disabled(
    tmp_path: Path, args: list[str], project: str | None
) -> None:
    lives = {(None, "eu-west-1"): (timedelta(hours=11), False, False)}
    case = Files(
        {"prod": None, "dev": None}, {"prod": None, "dev": None}, {}, lives, True, False, project
    )
    env = write(tmp_path / "case", case, utc_now())
    argv = [sys.executable, "-X", "importtime", "-m", "ecrlogin", "-q", *args]
    for extra, slow in (({}, False), ({"ECRLOGIN_NO_FASTPATH": "1"}, True)):
        done = subprocess.run(
            argv,
            env={**env, **extra},
            cwd=tmp_path / "case" / "work",
            capture_output=True,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stdout) == (0, "")
        loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
        assert ("click" in loaded) is slow
        assert (loaded & SLOW_STANDARD == set()) is not slow


def test_a_host_with_a_profile_recorded_by_the_helper_is_handed_over(tmp_path: Path) -> None:
    import json

    host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    lives = {(None, "eu-west-1"): (timedelta(hours=11), False, False)}
    case = Files(
        {"prod": None, "dev": None}, {"prod": None, "dev": None}, {}, lives, True, False, None
    )
    env = write(tmp_path / "case", case, utc_now())
    assert answer(["-q", host], env, cwd=str(tmp_path), now=utc_now()) is not None
    recorded = {"version": 1, "hosts": {host: {"profile": "dev"}}}  # rule 3: dev opens it
    (Path(env["ECRLOGIN_STATE_DIR"]) / "helper-hosts.json").write_text(json.dumps(recorded))
    assert answer(["-q", host], env, cwd=str(tmp_path), now=utc_now()) is None


def test_an_own_registry_the_project_names_too_has_no_source_as_in_the_full_cli(
    tmp_path: Path,
) -> None:
    lives = {(None, "eu-west-1"): (timedelta(hours=3), False, False)}
    project = 'registries = ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"]\n'
    case = Files(
        {"prod": None, "dev": None}, {"prod": None, "dev": None}, {}, lives, True, False, project
    )  # found by the property test: -r names the host the project file names
    env = write(tmp_path / "case", case, utc_now())
    argv = ["-o", "json", "-r", "eu-west-1"]
    fast = answer(argv, env, cwd=str(tmp_path / "case" / "work"), now=utc_now())
    assert fast is not None
    assert '"source": null' in fast
    with contextlib.chdir(tmp_path / "case" / "work"):
        assert full_cli(argv, env) == (0, fast, "")
