"""SIGKILL at random moments while config.json or the state file is being written: the file is
always one whole version (the old one or a newer one), never empty, partial or a mix."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from . import crash_child
from .conftest import Moto
from .sandbox import ECRLOGIN, Sandbox, host

FAST_TRIALS = 200
CLI_TRIALS = 24
WORKERS = 4
CHILD = Path(crash_child.__file__)
# what a killed writer may leave: its temp file (removed by the next writer) and the lock file
# it held (taken over and removed by the next run)
TEMP_FILE = re.compile(r"\.(config|state)\.json\.[^/]+\.tmp|\.ecrlogin\.lock")


def kill_at_random(argv: list[str], env: dict[str, str] | None, delay: float) -> None:
    """Start `argv`, wait until it says ready (the fast child) or not, then SIGKILL it."""
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    try:
        if argv[1] == str(CHILD):
            assert proc.stdout is not None
            assert proc.stdout.readline() == b"ready\n"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


def versions_seen(path: Path, expected: Any) -> int:
    """Which whole version `path` holds; fails on anything that is not one."""
    data = json.loads(path.read_bytes())
    for versions in range(500):
        if data == expected(versions):
            return versions
    raise AssertionError(f"{path} is valid JSON but no version ever written: {str(data)[:200]}")


def fast_trial(kind: str, directory: Path, seed: int) -> tuple[int, list[str]]:
    rng = random.Random(seed)
    directory.mkdir(mode=0o700)
    name = "config.json" if kind == "config" else "state.json"
    expected = crash_child.expected_config if kind == "config" else crash_child.expected_state
    (directory / name).write_text(json.dumps(expected(0)))
    kill_at_random([sys.executable, str(CHILD), kind, str(directory)], None, rng.uniform(0, 0.04))
    debris = [p.name for p in directory.iterdir() if p.name != name]
    return versions_seen(directory / name, expected), debris


@pytest.mark.parametrize("kind", ["config", "state"])
def test_sigkill_during_writes_leaves_a_whole_version(kind: str, tmp_path: Path) -> None:
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(
            pool.map(
                lambda n: fast_trial(kind, tmp_path / f"trial{n}", n),
                range(FAST_TRIALS),
            )
        )
    versions = [v for v, _ in outcomes]
    debris = [name for _, names in outcomes for name in names]
    assert all(TEMP_FILE.fullmatch(name) for name in debris), debris
    assert sum(v > 0 for v in versions) > FAST_TRIALS // 2  # most kills landed among writes
    print(
        f"{kind}: {FAST_TRIALS} kills, versions {min(versions)}..{max(versions)}, "
        f"{len(debris)} temp files left behind"
    )


def cli_trial(moto: Moto, root: Path, n: int) -> str:
    sandbox = Sandbox(root)
    old = sandbox.write_config({"auths": {host(1): {"auth": "QVdTOm9sZA=="}}, "psFormat": "x"})
    target = host(300000000000 + n)
    delay = random.Random(n).uniform(0.2, 1.2)
    kill_at_random([ECRLOGIN, "-q", target], sandbox.env(moto.url), delay)
    now = sandbox.config_path.read_bytes()
    if now == old:
        return "old"
    data = json.loads(now)
    assert set(data["auths"]) == {host(1), target}
    assert data["auths"][host(1)] == {"auth": "QVdTOm9sZA=="}
    assert data["psFormat"] == "x"
    return "new"


def test_sigkill_of_the_real_cli_leaves_old_or_new(moto: Moto, tmp_path: Path) -> None:
    with ThreadPoolExecutor(2) as pool:
        seen = list(pool.map(lambda n: cli_trial(moto, tmp_path / f"cli{n}", n), range(CLI_TRIALS)))
    assert set(seen) <= {"old", "new"}
    print(f"real CLI: {CLI_TRIALS} kills: {seen.count('old')} old, {seen.count('new')} new")
