"""A user of ecrlogin made of real files: HOME, Docker config, state dir, AWS config, a bin dir
for fake credential helpers; and a way to run the real `ecrlogin` console script in it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VENV_BIN = Path(sys.executable).parent
ECRLOGIN = str(VENV_BIN / "ecrlogin")
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REGION = "eu-west-1"
OTHER_REGION = "us-east-1"
KEY_ID = "AKIAROBUSTNESSTEST01"
AWS_SECRET = "robustness/aws/secret/key/not/an/ecr/token/0001"


def host(account: str | int, region: str = REGION) -> str:
    return f"{int(account):012d}.dkr.ecr.{region}.amazonaws.com"


@dataclass(frozen=True)
class Run:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data

    def results(self) -> dict[str | None, dict[str, Any]]:
        """JSON results by registry (failed rows whose registry is unknown: by profile)."""
        rows = self.json()["results"]
        return {r["registry"] or f"profile:{r['profile']}": r for r in rows}

    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


class Sandbox:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.docker_dir = root / "docker"
        self.config_path = self.docker_dir / "config.json"
        self.state_dir = root / "state"
        self.state_path = self.state_dir / "state.json"
        self.aws_dir = root / "aws"
        self.bin_dir = root / "bin"
        for d in (self.home, self.aws_dir, self.bin_dir):
            d.mkdir(parents=True, exist_ok=True)

    def env(self, endpoint: str | None = None, keys: bool = True, **extra: str) -> dict[str, str]:
        """A complete environment: nothing of the real user's, only loopback endpoints."""
        env = {
            "PATH": f"{self.bin_dir}:{VENV_BIN}:{SYSTEM_PATH}",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "DOCKER_CONFIG": str(self.docker_dir),
            "ECRLOGIN_STATE_DIR": str(self.state_dir),
            "AWS_CONFIG_FILE": str(self.aws_dir / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.aws_dir / "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_COLOR": "1",
        }
        if keys:
            env |= {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": AWS_SECRET}
        if endpoint:
            env["AWS_ENDPOINT_URL"] = endpoint
        return env | extra

    def run(
        self,
        *args: str,
        env: dict[str, str],
        prefix: tuple[str, ...] = (),
        timeout: float = 90.0,
    ) -> Run:
        argv = [*prefix, ECRLOGIN, *args]
        began = time.monotonic()
        done = subprocess.run(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Run(argv, done.returncode, done.stdout, done.stderr, time.monotonic() - began)

    def config(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.config_path.read_bytes() or b"{}")
        return data

    def write_config(self, data: dict[str, Any] | bytes, mode: int = 0o600) -> bytes:
        raw = data if isinstance(data, bytes) else json.dumps(data, indent=2).encode()
        self.docker_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.config_path.write_bytes(raw)
        self.config_path.chmod(mode)
        return raw

    def state_hosts(self) -> list[str]:
        data = json.loads(self.state_path.read_bytes())
        return [record["host"] for record in data["records"]]

    def write_aws(self, config: str, credentials: str = "") -> None:
        (self.aws_dir / "config").write_text(config)
        (self.aws_dir / "credentials").write_text(credentials)

    def helper(self, name: str, script: str) -> Path:
        """A fake `docker-credential-<name>` (a shell or Python script) on this user's PATH."""
        path = self.bin_dir / f"docker-credential-{name}"
        path.write_text(script)
        path.chmod(0o755)
        return path

    def debris(self) -> list[str]:
        """Temp or lock files left in the Docker config and state directories."""
        names = [
            p.name for d in (self.docker_dir, self.state_dir) if d.exists() for p in d.iterdir()
        ]
        models = self.state_dir / "models"  # cut service models: *.json, nothing else
        kept = [f"models/{p.name}" for p in models.iterdir()] if models.exists() else []
        own = ("config.json", "state.json", "answers.json", "models")  # answers: the fast path's
        return [n for n in names if n not in own] + [
            n for n in kept if n.startswith("models/.") or not n.endswith(".json")
        ]


def secret_forms(password: str) -> dict[str, str]:
    """Every form an ECR password could leak in, plus slices that survive truncation."""
    token = base64.b64encode(f"AWS:{password}".encode()).decode()
    forms = {"password": password, "token": token}
    for offset in (0, len(password) // 2, len(password) - 40):
        forms[f"password[{offset}:+40]"] = password[offset : offset + 40]
        forms[f"token[{offset}:+40]"] = token[offset : offset + 40]
    return forms


def find_secrets(texts: dict[str, str | bytes], passwords: list[str]) -> list[str]:
    """`where: form` for every leak of any password in any text."""
    hits = []
    for where, text in texts.items():
        blob = text if isinstance(text, str) else text.decode(errors="replace")
        for password in passwords:
            hits += [f"{where}: {form}" for form, s in secret_forms(password).items() if s in blob]
    return hits


def files_under(*roots: Path, skip: tuple[Path, ...] = ()) -> dict[str, bytes]:
    found = {}
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink() and path not in skip:
                found[str(path)] = path.read_bytes()
    return found


def drop_root_override() -> tuple[str, ...]:
    """A prefix that makes file permissions apply to root too (no CAP_DAC_OVERRIDE)."""
    if os.geteuid() != 0:
        return ()
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--")
