"""docker-credential-ecrlogin under load and faults, as real processes against real moto:
20 cold `get`s make one fetch; a corrupt cache is replaced with a warning, never served; an
unreachable AWS costs bounded time once, then is remembered for a while."""

from __future__ import annotations

import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .conftest import Moto
from .sandbox import VENV_BIN, Sandbox, files_under, find_secrets, host
from .servers import FaultProxy, Listener

HELPER = str(VENV_BIN / "docker-credential-ecrlogin")
CONCURRENT = 20


def get(server: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HELPER, "get"], input=server, env=env, capture_output=True, text=True, timeout=60
    )


def token_files(box: Sandbox) -> list[Path]:
    return sorted(box.state_dir.glob("helper-cache/*/token.json"))


def test_twenty_cold_gets_make_one_fetch(box: Sandbox, proxy: FaultProxy, moto: Moto) -> None:
    env = box.env(proxy.url)
    hosts = [host(100000000000 + n) for n in range(CONCURRENT)]  # one region, many accounts
    with ThreadPoolExecutor(CONCURRENT) as pool:
        runs = list(pool.map(lambda h: get(f"https://{h}", env), hosts))
    assert [r.returncode for r in runs] == [0] * CONCURRENT, [r.stdout for r in runs]
    secrets = {json.loads(r.stdout)["Secret"] for r in runs}
    assert proxy.count("ecr", "GetAuthorizationToken") == 1
    assert len(secrets) == 1
    assert secrets <= set(moto.passwords())
    (path,) = token_files(box)
    assert path.stat().st_mode & 0o777 == 0o600
    # the token is in its cache file and on stdout, nowhere else
    outputs = {f"stderr {n}": r.stderr for n, r in enumerate(runs)}
    files = files_under(box.root, skip=(path,))
    assert find_secrets(outputs | files, moto.passwords()) == []


def test_corrupt_cache_is_replaced_with_a_warning(box: Sandbox, moto: Moto) -> None:
    env = box.env(moto.url)
    first = json.loads(get(host(1), env).stdout)["Secret"]
    (path,) = token_files(box)
    path.write_bytes(path.read_bytes()[:300])  # a torn file, the old password's first bytes
    second = get(host(1), env)
    assert second.returncode == 0, second.stdout
    assert "unreadable" in second.stderr
    assert json.loads(second.stdout)["Secret"] != first
    assert json.loads(path.read_bytes())["password"] == json.loads(second.stdout)["Secret"]
    third = get(host(1), env)
    assert (third.stdout, third.stderr) == (second.stdout, "")


def test_unreachable_aws_is_bounded_and_remembered(box: Sandbox, listener: Listener) -> None:
    env = box.env(f"http://127.0.0.1:{listener.port}")  # accepts, never answers
    began = time.monotonic()
    first = get(host(1), env)
    assert time.monotonic() - began < 20
    assert first.returncode == 1
    assert first.stdout.count("\n") == 1
    assert "unreachable" in first.stdout
    tried = listener.connections
    began = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        again = list(pool.map(lambda _: get(host(2), env), range(8)))
    assert {(r.returncode, r.stdout) for r in again} == {(1, first.stdout)}
    assert listener.connections == tried  # nobody tried AWS again...
    assert time.monotonic() - began < 15  # ...nor waited for it (8 processes on a busy machine)
    assert token_files(box) == []
