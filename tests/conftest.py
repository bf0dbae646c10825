"""Every test runs in a sandbox of its own: no real ~/.docker, ~/.aws or state directory is ever
read or written, and botocore never reaches for the instance metadata service."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests read and write files; on a loaded 2-core CI machine one example can take more
# than hypothesis' default 200 ms deadline, which would fail a run that found no bug.
settings.register_profile("ecrlogin", deadline=None)
settings.load_profile("ecrlogin")

_AWS_VARIABLES = [name for name in os.environ if name.startswith("AWS_")]
_DOCKER_VARIABLES = ["DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"]
_HELM_VARIABLES = ["HELM_REGISTRY_CONFIG", "HELM_CONFIG_HOME", "XDG_CONFIG_HOME"]


@pytest.fixture(autouse=True)
def fresh_logging() -> Iterator[None]:
    """`main` installs ecrlogin's log handler once per process; each test starts without it."""
    from ecrlogin.cli import logs

    logs.reset()
    yield
    logs.reset()


@pytest.fixture(autouse=True)
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME, Docker config, AWS config and state directory for one test."""
    for name in [
        *_AWS_VARIABLES,
        *_DOCKER_VARIABLES,
        *_HELM_VARIABLES,
        "ECRLOGIN_STATE_DIR",
        "NO_COLOR",
    ]:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
    monkeypatch.setenv("ECRLOGIN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path
