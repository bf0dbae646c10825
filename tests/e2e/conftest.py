"""Fixtures of the end-to-end suite: one local ECR per test run, one fresh client per test.

Outside CI a missing part skips the suite with one line that names it and the command that
provisions it; under CI=true a missing part is an error, never a skip.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

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


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: a missing part is a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def local_ecr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalEcr]:
    missing = missing_parts()
    try:
        ecrlogin_path()
    except FileNotFoundError:
        missing.append("the ecrlogin console script (pip install -e '.[dev]')")
    if missing:
        _unavailable(describe_missing(missing))
    began = time.monotonic()
    with LocalEcr.start(tmp_path_factory.mktemp("localecr")) as env:
        print(
            f"\nlocal ECR up in {time.monotonic() - began:.1f}s at {env.workdir}", file=sys.stderr
        )
        yield env


@pytest.fixture
def client(local_ecr: LocalEcr, tmp_path: Path) -> Client:
    """A user with an empty HOME, Docker config, ecrlogin state and pass store; the daemon's
    image cache emptied so that every pull really goes to the registry."""
    c = Client(local_ecr, tmp_path / "client")
    ids = c.docker("image", "ls", "--quiet", "--no-trunc").stdout.split()
    if ids:
        c.docker("rmi", "--force", *sorted(set(ids)))
    return c
