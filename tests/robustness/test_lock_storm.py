"""The lock alone, without AWS: fifty processes increment one counter file under `locked` as
fast as they can. Every increment must survive (a lost update means two holders at once), and
the lock file must be gone afterwards, also when some holders were killed in the middle."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROCESSES = 50
ROUNDS = 20
COUNTER = """
import json, sys
from pathlib import Path
from ecrlogin.files import locked, read_json_object, write_json_atomic
directory, rounds = Path(sys.argv[1]), int(sys.argv[2])
for _ in range(rounds):
    with locked(directory, timeout=120):
        data = read_json_object(directory / "counter.json")
        data["n"] = data.get("n", 0) + 1
        write_json_atomic(directory / "counter.json", data)
"""
HOLD_FOREVER = """
import sys, time
from pathlib import Path
from ecrlogin.files import locked
with locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def start(code: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE)


def test_fifty_processes_never_hold_the_lock_at_once(tmp_path: Path) -> None:
    tmp_path = tmp_path / "shared"
    began = time.monotonic()
    procs = [start(COUNTER, str(tmp_path), str(ROUNDS)) for _ in range(PROCESSES)]
    try:
        codes = [p.wait(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            assert p.stdout is not None
            p.stdout.close()
    assert codes == [0] * PROCESSES
    assert json.loads((tmp_path / "counter.json").read_text()) == {"n": PROCESSES * ROUNDS}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter.json"]
    print(f"{PROCESSES * ROUNDS} locked increments in {time.monotonic() - began:.1f}s")


def test_a_killed_holder_releases_the_lock_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    tmp_path = tmp_path / "shared"
    holder = start(HOLD_FOREVER, str(tmp_path))
    assert holder.stdout is not None
    assert holder.stdout.readline() == b"held\n"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    assert (tmp_path / ".ecrlogin.lock").exists()  # left behind by SIGKILL
    counter = start(COUNTER, str(tmp_path), "1")
    assert counter.wait(timeout=30) == 0  # the kernel dropped the dead holder's lock
    assert counter.stdout is not None
    counter.stdout.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["counter.json"]
