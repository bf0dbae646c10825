"""SIGKILL while the helper's cache is written: the entry is always whole (some version, or
none yet), never torn, and the next `get` serves."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ecrlogin.helper import cache

from .conftest import Moto
from .sandbox import VENV_BIN, Sandbox, host

HELPER = str(VENV_BIN / "docker-credential-ecrlogin")
TRIALS = 100
# Writes version n of one entry as fast as it can through the helper's own write path.
WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from ecrlogin.helper import cache
directory = Path(sys.argv[1])
def entry(n):
    return cache.Entry(f"v{n:06d}" * 420, datetime(2030, 1, 1, tzinfo=UTC), None, (str(n),))
with cache.holding(directory):
    cache.write_entry(directory, entry(0))
print("ready", flush=True)
n = 1
while True:
    with cache.holding(directory):
        cache.write_entry(directory, entry(n))
    n += 1
"""


def kill_after(argv: list[str], delay: float, env: dict[str, str] | None = None) -> None:
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        if argv[1] == "-c":
            assert proc.stdout.readline() == b"ready\n"
        else:
            proc.stdin.write(host(1).encode())
            proc.stdin.close()
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def writer_trial(directory: Path, seed: int) -> int:
    kill_after([sys.executable, "-c", WRITER, str(directory)], random.Random(seed).uniform(0, 0.03))
    entry = cache.read_entry(directory)  # raises CorruptEntry on anything torn
    assert entry is not None
    n = int(entry.hosts[0])
    assert entry.password == f"v{n:06d}" * 420
    return n


def test_sigkill_during_cache_writes_leaves_a_whole_entry(tmp_path: Path) -> None:
    with ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(lambda n: writer_trial(tmp_path / f"t{n}", n), range(TRIALS)))
    assert sum(n > 0 for n in seen) > TRIALS // 2  # most kills landed among writes


def test_sigkill_of_the_real_helper_mid_fetch(moto: Moto, tmp_path: Path) -> None:
    outcomes = []
    for n in range(12):
        box = Sandbox(tmp_path / f"u{n}")
        env = box.env(moto.url)
        kill_after([HELPER, "get"], random.Random(n).uniform(0.2, 1.5), env)
        (entry,) = list(box.state_dir.glob("helper-cache/ecr-*")) or [None]
        outcomes.append("none" if entry is None or cache.read_entry(entry) is None else "whole")
        done = subprocess.run(
            [HELPER, "get"], input=host(1), env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout
        assert json.loads(done.stdout)["Secret"] in moto.passwords()
        assert done.stderr == ""
    print(f"helper killed 12 times mid-get: {outcomes}")
