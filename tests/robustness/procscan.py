"""Look for secrets in every process's command line and environment (/proc/*/cmdline, environ).

Used two ways: by the tests, as a thread scanning while ecrlogin runs; and as a spy credential
helper (`python procscan.py helper REPORT store|get|erase`) that, while ecrlogin waits for it,
scans all processes for the secret it was just given and writes what it found to REPORT.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path


def scan(secrets: list[str]) -> tuple[list[str], int]:
    """(hits as `pid/file`, number of processes scanned) over all of /proc."""
    needles = [s.encode() for s in secrets if s] + [s[:40].encode() for s in secrets if s]
    hits, scanned = [], 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        scanned += 1
        for name in ("cmdline", "environ"):
            try:
                blob = (entry / name).read_bytes()
            except OSError:
                continue  # gone, or a kernel thread
            if any(needle in blob for needle in needles):
                hits.append(f"{entry.name}/{name}")
    return hits, scanned


class Scanner:
    """Scans /proc in a loop for whatever `secrets()` returns, until stopped."""

    def __init__(self, secrets: Callable[[], list[str]]) -> None:
        self.secrets = secrets
        self.hits: set[str] = set()
        self.rounds = 0
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Scanner:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            hits, scanned = scan(self.secrets())
            self.hits.update(hits)
            self.rounds += 1
            self.processes = max(self.processes, scanned)


def helper(report: Path, action: str) -> None:
    request = sys.stdin.read()
    secret = json.loads(request).get("Secret", "") if action == "store" else ""
    hits, scanned = scan([secret]) if secret else ([], 0)
    line = {"action": action, "hits": hits, "scanned": scanned, "env": sorted(os.environ)}
    with open(report, "a") as out:
        out.write(json.dumps(line) + "\n")
    if action == "get":
        print(json.dumps({"ServerURL": request.strip(), "Username": "AWS", "Secret": "x"}))


if __name__ == "__main__":
    helper(Path(sys.argv[2]), sys.argv[3])
