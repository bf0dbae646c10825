"""Fixtures of the end-to-end suite: one local ECR per test run, one fresh client per test.

Outside CI a missing part skips the suite with one line that names it and the command that
provisions it; under CI=true a missing part is an error, never a skip.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from types import FrameType

import pytest

# The suite imports the environment as `tests.localecr`, wherever pytest was started from.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.localecr import (
    Client,
    LocalEcr,
    describe_missing,
    ecrlogin_path,
    missing_parts,
)


def _missing() -> list[str]:
    missing = missing_parts()
    try:
        ecrlogin_path()
    except FileNotFoundError:
        missing.append("the ecrlogin console script (make venv)")
    return missing


_skip_reason: list[str] = []
# What the summary line at the end of the run reports about the environment.
_timings: dict[str, float] = {}


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Outside CI, skip the whole suite up front when a part is missing."""
    e2e = [item for item in items if item.get_closest_marker("e2e")]
    if not e2e or os.environ.get("CI") == "true":
        return
    missing = _missing()
    if missing:
        _skip_reason.append(describe_missing(missing))
        skip = pytest.mark.skip(reason=_skip_reason[0])
        for item in e2e:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Report every one of those skips at this file, so that `-rs` folds them into one line
    (pytest folds skips by file and line)."""
    report = yield
    if _skip_reason and report.skipped and isinstance(report.longrepr, tuple):
        report.longrepr = (__file__, 1, f"Skipped: {_skip_reason[0]}")
    return report


@pytest.fixture(scope="session")
def local_ecr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalEcr]:
    missing = _missing()
    if missing:
        # Only under CI=true (otherwise the tests were skipped at collection).
        pytest.fail(
            f"{describe_missing(missing)} (CI=true: a missing part is a failure)", pytrace=False
        )
    # `kill <pytest>` then tears the environment down as Ctrl-C does.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    with LocalEcr.start(tmp_path_factory.mktemp("localecr")) as env:
        _timings["up"] = env.startup_seconds
        _timings["hosts"] = len(env.hosts)
        yield env
        began = time.monotonic()
    _timings["down"] = time.monotonic() - began
    left = env.leftovers()
    if left:
        pytest.fail("local ECR left processes running:\n" + "\n".join(left), pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if "up" in _timings:
        down = f", torn down in {_timings['down']:.1f}s" if "down" in _timings else ""
        terminalreporter.write_line(
            f"local ECR: up in {_timings['up']:.1f}s ({_timings['hosts']:.0f} registry hosts){down}"
        )


@pytest.fixture
def client(local_ecr: LocalEcr, tmp_path: Path) -> Client:
    """A user with an empty HOME, Docker config, ecrlogin state and pass store; the daemon's
    image cache emptied so that every pull really goes to the registry."""
    c = Client(local_ecr, tmp_path / "client")
    ids = c.docker("image", "ls", "--quiet", "--no-trunc").stdout.split()
    if ids:
        c.docker("rmi", "--force", *sorted(set(ids)))
    return c
