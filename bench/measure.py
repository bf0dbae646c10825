"""Timing one command: wall time, and the CPU time and peak memory of the process itself and
of the children it waited for (`wait4`'s rusage), so the local AWS stand-in's own CPU is not
counted as ecrlogin's."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Command:
    label: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path | None = None


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its waited-for children
    rss_mb: float  # peak resident set size


def run_once(command: Command) -> Sample:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        child = subprocess.Popen(
            command.argv, env=command.env, cwd=command.cwd, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            sys.exit(f"bench: {command.label} failed ({child.returncode}): {err.read()[-2000:]!r}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


@dataclass(frozen=True)
class Summary:
    wall: float  # medians
    cpu: float
    rss_mb: float
    low: float  # the quartiles of the wall time: the noise of the machine
    high: float

    @classmethod
    def of(cls, samples: Sequence[Sample]) -> Summary:
        walls = sorted(s.wall for s in samples)
        quartiles = statistics.quantiles(walls, n=4) if len(walls) > 1 else [walls[0]] * 3
        return cls(
            statistics.median(walls),
            statistics.median(s.cpu for s in samples),
            max(s.rss_mb for s in samples),
            quartiles[0],
            quartiles[2],
        )
