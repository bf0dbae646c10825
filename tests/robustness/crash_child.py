"""A child that writes through ecrlogin's own write path as fast as it can, until it is killed:
`python crash_child.py config|state DIR`. Version n of the file is fully predictable (see
`expected_config` / `expected_state`), so the parent can tell a whole version from anything else.
"""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SEED = {"auths": {"registry.example.com": {"auth": "dXNlcjpwYXNz"}}, "currentContext": "x"}


def host(n: int) -> str:
    return f"{200000000000 + n}.dkr.ecr.eu-west-1.amazonaws.com"


def password(n: int) -> str:
    return (f"pw{n:05d}" * 320)[:2560]  # the size of a real ECR password


def expected_config(versions: int) -> dict[str, Any]:
    """config.json after the child stored hosts 0..versions-1 on top of SEED."""
    from ecrlogin.sinks.dockerconfig import encode_auth

    auths = dict(SEED["auths"])
    auths |= {host(n): {"auth": encode_auth(password(n))} for n in range(versions)}
    return {**SEED, "auths": auths}


def record(n: int) -> Any:
    from ecrlogin.state import Record

    return Record(
        host(n),
        "profile:default",
        "default",
        str(200000000000 + n),
        "eu-west-1",
        "arn:aws:iam::123456789012:user/x",
        datetime(2030, 1, 1, tzinfo=UTC),
        "config.json",
        f"{n:016x}",
    )


def expected_state(versions: int) -> dict[str, Any]:
    from ecrlogin import state

    return {
        "version": state.VERSION,
        "accounts": {"profile:default": "123456789012"} if versions else {},
        "records": [record(n).to_json() for n in range(versions)],
    }


def main() -> None:
    kind, directory = sys.argv[1], Path(sys.argv[2])
    from ecrlogin import state
    from ecrlogin.registry import parse
    from ecrlogin.sinks.base import Credential
    from ecrlogin.sinks.docker import DockerConfigSink

    def write(into: Path, n: int) -> None:
        if kind == "config":
            DockerConfigSink(into).store([Credential(parse(host(n)), password(n), None, None)])
        else:
            state.remember(into, [record(n)], {"profile:default": "123456789012"})

    write(directory / "warm-up", 0)  # lazy imports done: the kill lands among real writes
    shutil.rmtree(directory / "warm-up")
    print("ready", flush=True)
    n = 0
    while True:
        write(directory, n)
        n += 1


if __name__ == "__main__":
    main()
