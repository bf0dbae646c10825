"""Files made to break a JSON reader: deep nesting, endless numbers, NaN, FIFOs, devices, huge
files. config.json: one line naming the file, exit 1, the file untouched, in bounded time.
state.json (a cache): a warning, then a normal run; never exit 2 or 3, never a hang."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import Moto
from .sandbox import Sandbox, host

HOST = host(123456789012)
COMMANDS = {"login": ["-q", HOST], "logout": [HOST], "status": ["status"]}
BAD_JSON = {
    "100,000 deep": b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "65 deep": b'{"a": ' + b"[" * 65 + b"]" * 65 + b"}",
    "5,000-digit integer": b'{"auths": {}, "n": ' + b"9" * 5000 + b"}",
    "NaN": b'{"auths": {}, "n": NaN}',
    "Infinity": b'{"auths": {}, "n": Infinity}',
    "-Infinity": b'{"auths": {}, "n": [-Infinity]}',
}
QUICK = 20.0  # seconds: anything that hangs fails instead of waiting for ever


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("content", BAD_JSON.values(), ids=BAD_JSON.keys())
def test_config_python_would_choke_on_is_refused_in_one_line(
    box: Sandbox, moto: Moto, content: bytes, command: str
) -> None:
    box.write_config(content)
    run = box.run(*COMMANDS[command], env=box.env(moto.url), timeout=QUICK)
    assert run.returncode == 1, run.stderr
    [line] = run.error_lines()
    assert f"{box.config_path} is not valid JSON" in line
    assert box.config_path.read_bytes() == content
    assert box.debris() == []


def _fifo(path: Path) -> str:
    os.mkfifo(path, 0o600)
    return "a FIFO"


def _dev_zero(path: Path) -> str:
    path.symlink_to("/dev/zero")
    return "a device"


def _huge(path: Path) -> str:
    with path.open("wb") as handle:  # valid JSON, just too big: 17 MiB
        handle.write(b'{"psFormat": "' + b"x" * (17 * 1024 * 1024) + b'"}')
    return "larger than 16 MiB"


SPECIAL = {"FIFO": _fifo, "/dev/zero link": _dev_zero, "17 MiB": _huge}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("make", SPECIAL.values(), ids=SPECIAL.keys())
def test_a_config_that_is_no_regular_file_or_too_big_is_refused_quickly(
    box: Sandbox,
    moto: Moto,
    make,
    command: str,  # type: ignore[no-untyped-def]
) -> None:
    box.docker_dir.mkdir(mode=0o700)
    problem = make(box.config_path)
    run = box.run(*COMMANDS[command], env=box.env(moto.url), timeout=QUICK)
    assert run.returncode == 1, run.stderr
    [line] = run.error_lines()
    assert str(box.config_path) in line
    assert problem in line
    assert "MemoryError" not in run.stderr


@pytest.mark.parametrize("make", SPECIAL.values(), ids=SPECIAL.keys())
def test_a_state_file_that_is_no_regular_file_is_moved_aside_and_the_run_goes_on(
    box: Sandbox,
    moto: Moto,
    make,  # type: ignore[no-untyped-def]
) -> None:
    box.state_dir.mkdir(mode=0o700)
    make(box.state_path)
    run = box.run("-q", HOST, env=box.env(moto.url), timeout=QUICK * 2)
    assert run.returncode == 0, run.stderr
    assert "ignoring ecrlogin state" in run.stderr
    assert "moved it to state.json.corrupt-" in run.stderr
    assert box.state_hosts() == [HOST]
    assert len(list(box.state_dir.glob("state.json.corrupt-*Z"))) == 1


BAD_STATES = {
    "100,000 deep": b'{"version": 1, "records": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "5,000-digit integer": b'{"version": 1' + b"0" * 5000 + b"}",
}
BAD_RECORDS: dict[str, dict[str, object]] = {
    "expires_at without a time zone": {"expires_at": "2099-01-01T00:00:00"},
    "profile an object": {"profile": {"name": "prod"}},
    "region not a region": {"region": "moon-base-1"},
    "region a path": {"region": "../../../etc/passwd"},
    "host a list": {"host": [HOST]},
    "expires_at a number": {"expires_at": 4102444800},
}


@pytest.mark.parametrize(
    "content",
    [*BAD_STATES.values(), *BAD_RECORDS.values()],
    ids=[*BAD_STATES.keys(), *BAD_RECORDS.keys()],
)
def test_a_state_file_ecrlogin_cannot_use_is_a_cache_miss_with_a_warning(
    box: Sandbox, moto: Moto, content: bytes | dict[str, object]
) -> None:
    if isinstance(content, bytes):
        box.state_dir.mkdir(mode=0o700)
    else:
        assert box.run("-q", HOST, env=box.env(moto.url)).returncode == 0
        data = json.loads(box.state_path.read_bytes())
        [record] = [r for r in data["records"] if r["host"] == HOST]
        record |= {"expires_at": "2099-01-01T00:00:00+00:00"} | content  # cached, but spoilt
        content = json.dumps(data).encode()
    for command in (["status"], ["-q", HOST], ["-q", HOST], ["logout", HOST]):
        box.state_path.write_bytes(content)
        run = box.run(*command, env=box.env(moto.url), timeout=QUICK * 2)
        assert run.returncode == 0, (command, run.stderr)
        said = ("ignoring ecrlogin state", "was not an ecrlogin state file; moved it to")
        assert any(words in run.stderr for words in said), (command, run.stderr)
        assert "Traceback" not in run.stderr


def test_nan_is_never_written_back(box: Sandbox, moto: Moto) -> None:
    """Before: NaN was accepted and written back, and docker could no longer read the file."""
    box.write_config(b'{"auths": {}, "x": NaN}')
    run = box.run("-q", HOST, env=box.env(moto.url))
    assert run.returncode == 1
    assert "NaN is not a JSON number" in run.stderr
    assert b"NaN" in box.config_path.read_bytes()  # left as it was, not rewritten
