"""Fifty ecrlogin processes write one config.json at once: nothing lost, nothing torn."""

from __future__ import annotations

import base64
import json
import subprocess
import threading
from dataclasses import dataclass, field

import pytest

from .conftest import Moto
from .sandbox import ECRLOGIN, Sandbox, host

PROCESSES = 50
UNRELATED = {"auths": {"registry.example.com": {"auth": "dXNlcjpwYXNz"}}, "psFormat": "{{.ID}}"}


@dataclass
class Reader:
    """Reads config.json in a tight loop; keeps whatever it saw that was not a whole config."""

    sandbox: Sandbox
    reads: int = 0
    versions: set[int] = field(default_factory=set)
    bad: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            raw = self.sandbox.config_path.read_bytes()
            self.reads += 1
            try:
                data = json.loads(raw)
                assert (
                    data["auths"]["registry.example.com"]
                    == UNRELATED["auths"]["registry.example.com"]
                )
                self.versions.add(len(data["auths"]))
            except (ValueError, KeyError, TypeError, AssertionError) as error:
                self.bad.append(f"{len(raw)} bytes: {error!r}")


@dataclass
class Storm:
    sandbox: Sandbox
    hosts: list[str]
    returncodes: list[int]
    stderr: list[str]
    reader: Reader


@pytest.fixture(scope="module")
def storm(moto: Moto, tmp_path_factory: pytest.TempPathFactory) -> Storm:
    sandbox = Sandbox(tmp_path_factory.mktemp("storm"))
    sandbox.write_config(UNRELATED)
    hosts = [host(100000000000 + n) for n in range(PROCESSES)]
    env = sandbox.env(moto.url)
    reader = Reader(sandbox)
    thread = threading.Thread(target=reader.run)
    thread.start()
    procs = [
        subprocess.Popen(
            [ECRLOGIN, "-q", h],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for h in hosts
    ]
    try:
        stderr = [p.communicate(timeout=170)[1] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        reader.stop.set()
        thread.join()
    return Storm(sandbox, hosts, [p.returncode for p in procs], stderr, reader)


def test_every_process_succeeded(storm: Storm) -> None:
    assert storm.returncodes == [0] * PROCESSES, storm.stderr
    assert not any(storm.stderr)


def test_all_entries_present_and_valid(storm: Storm, moto: Moto) -> None:
    auths = storm.sandbox.config()["auths"]
    assert sorted(auths) == sorted([*storm.hosts, "registry.example.com"])
    issued = set(moto.passwords())
    for h in storm.hosts:
        user, _, password = base64.b64decode(auths[h]["auth"]).decode().partition(":")
        assert user == "AWS"
        assert password in issued
    assert storm.sandbox.config()["psFormat"] == "{{.ID}}"


def test_no_temp_or_lock_debris(storm: Storm) -> None:
    assert storm.sandbox.debris() == []


def test_state_file_has_one_record_per_host(storm: Storm) -> None:
    recorded = storm.sandbox.state_hosts()
    assert sorted(recorded) == sorted(storm.hosts)


def test_reader_never_saw_a_partial_file(storm: Storm) -> None:
    assert storm.reader.bad == []
    assert storm.reader.reads > PROCESSES  # it really read during the writes
    assert len(storm.reader.versions) > 2  # and saw intermediate versions
