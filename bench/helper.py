"""Bench case F: a `docker-credential-ecrlogin get` served from its cache against the Go
helper's (`docker-credential-ecr-login` 0.6) served from its own, both offline.

Both caches are pre-filled with a token for the same host and key; the Go helper's
`HTTPS_PROXY` points at a dead loopback port, so a miss on its side would fail, not reach AWS.
Both are started through the same `sh -c 'exec … get < file'` (the protocol's stdin), so the
shell costs both sides alike. The lead wires `helper_case` into `bench/__main__.py`'s cases.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shlex
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.__main__ import Case

BIN = Path(sys.executable).parent
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
HOST = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
KEY_ID = "AKIABENCHHELPER00001"
PASSWORD = base64.b64encode(bytes(range(256)) * 8).decode()[:2600]  # a real token's size


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(home: Path) -> dict[str, str]:
    return {
        "PATH": f"{BIN}:{SYSTEM_PATH}",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": "bench-helper-secret",
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "HTTPS_PROXY": f"http://127.0.0.1:{dead_port()}",
        "HTTP_PROXY": f"http://127.0.0.1:{dead_port()}",
    }


def fill_ours(env: dict[str, str], expires: datetime) -> None:
    from ecrlogin.helper import serve
    from ecrlogin.registry import parse

    serve.fill(parse(HOST), None, PASSWORD, expires, environ=env)


def fill_theirs(cache_dir: Path, now: datetime, expires: datetime) -> None:
    """The Go helper's cache.json (see docs/testing.md notes): its key's checksum is base64 of
    the access key id followed by MD5 of the empty string (its code appends, not hashes)."""
    checksum = base64.b64encode(KEY_ID.encode() + hashlib.md5(b"").digest()).decode()  # noqa: S324
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    entry = {
        "AuthorizationToken": base64.b64encode(f"AWS:{PASSWORD}".encode()).decode(),
        "RequestedAt": now.strftime(stamp),
        "ExpiresAt": expires.strftime(stamp),
        "ProxyEndpoint": f"https://{HOST}",
        "Service": "ecr",
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    registries = {f"{REGION}-{checksum}-{ACCOUNT}": entry}
    (cache_dir / "cache.json").write_text(json.dumps({"Registries": registries, "Version": "1.0"}))


def cases(*, ecr: object, ours: object, theirs: object, ours_bin: Path) -> list[Case]:
    """bench/__main__.py's hook: case F, the helper's cache hit (no local ECR needed)."""
    import tempfile

    return [helper_case(Path(tempfile.mkdtemp(prefix="bench-helper-")), ours_bin)]


def helper_case(work: Path, ours_bin: Path = BIN) -> Case:
    """The helper-hit case: ours <= 30 ms and <= 3x the Go helper's cache hit, both medians."""
    from bench.__main__ import Case
    from bench.measure import Command

    go = shutil.which("docker-credential-ecr-login", path=SYSTEM_PATH)
    if go is None:
        sys.exit("bench: docker-credential-ecr-login missing (Debian amazon-ecr-credential-helper)")
    work.mkdir(parents=True, exist_ok=True)
    (work / "server-url").write_text(HOST + "\n")
    now = datetime.now(UTC).replace(microsecond=0)
    expires = now + timedelta(hours=12)
    ours_env = base_env(work / "ours") | {"ECRLOGIN_STATE_DIR": str(work / "ours" / "state")}
    theirs_env = base_env(work / "theirs") | {"AWS_ECR_CACHE_DIR": str(work / "theirs" / "ecr")}
    (work / "ours").mkdir(exist_ok=True)
    fill_ours(ours_env, expires)
    fill_theirs(work / "theirs" / "ecr", now, expires)

    def get(program: str) -> list[str]:
        stdin = shlex.quote(str(work / "server-url"))
        return ["sh", "-c", f"exec {shlex.quote(program)} get < {stdin}"]

    ours = get(str(ours_bin / "docker-credential-ecrlogin"))
    # The first get takes the full path (routing, identity) and leaves the memo hits use.
    subprocess.run(ours, env=ours_env, capture_output=True, check=True)
    return Case(
        "K. credential helper, cache hit",
        Command("docker-credential-ecrlogin get", ours, ours_env),
        Command("docker-credential-ecr-login get (Go)", get(go), theirs_env),
        "<= 30 ms and <= 3x",
        lambda ours, theirs: ours.wall <= 0.030 and ours.wall <= 3 * theirs.wall,
        cheap=True,
    )
