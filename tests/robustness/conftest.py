"""Fixtures of the robustness suite: one real moto server (issuing realistic tokens) for the
session, a sandboxed user per test, and loopback fault servers. Every process started here is
stopped by its PID."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .sandbox import Sandbox
from .servers import FaultProxy, Listener, closed_port

LAUNCHER = Path(__file__).with_name("moto_launcher.py")


@dataclass(frozen=True)
class Moto:
    url: str
    auth_dir: Path

    def passwords(self) -> list[str]:
        """Every ECR password issued so far."""
        path = self.auth_dir / "passwords"
        lines = path.read_text().splitlines() if path.exists() else []
        return [line.split(" ", 1)[1] for line in lines]


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    auth_dir = tmp_path_factory.mktemp("moto-auth")
    (auth_dir / "issued").mkdir()
    (auth_dir / "faults").mkdir()
    port = closed_port()
    log = open(auth_dir / "moto.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        [
            sys.executable,
            str(LAUNCHER),
            "--auth-dir",
            str(auth_dir),
            "-H",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, url + "/moto-api/")
        yield Moto(url, auth_dir)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(proc: subprocess.Popen[bytes], probe: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto exited with {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(probe, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto did not answer within 30 s")


@pytest.fixture
def box(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path / "user")


@pytest.fixture
def proxy(moto: Moto) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of moto; tests add `Rule`s to `proxy.rules`."""
    server = FaultProxy(moto.url)
    yield server
    server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()
