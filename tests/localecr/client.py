"""One user of the local ECR: their own HOME, Docker config, ecrlogin state and pass store."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from .env import LocalEcr
from .tool import ecrlogin


class Client:
    """Runs ecrlogin, docker, skopeo and the pass helper as one user of `env` would."""

    def __init__(self, env: LocalEcr, home: Path, endpoint_url: str | None = None) -> None:
        self.local_ecr = env
        self.home = home
        self.env = env.client_env(home, endpoint_url)
        self.docker_config = Path(self.env["DOCKER_CONFIG"])
        self.config_path = self.docker_config / "config.json"

    def ecrlogin(
        self, *args: str, input: str | None = None, timeout: float = 120.0, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return ecrlogin(*args, env=self.env, input=input, timeout=timeout, cwd=cwd)

    def use_profiles(self, config: str, credentials: str) -> None:
        """Credentials from the AWS files (profiles), not from environment keys."""
        aws = self.home / ".aws"
        aws.mkdir(mode=0o700, exist_ok=True)
        (aws / "config").write_text(config)
        (aws / "credentials").write_text(credentials)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
            self.env.pop(name, None)

    def docker(
        self, *args: str, input: str | None = None, timeout: float = 120.0
    ) -> subprocess.CompletedProcess[str]:
        return self.local_ecr.docker(*args, env=self.env, input=input, timeout=timeout)

    def skopeo(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.local_ecr.skopeo(*args, env=self.env)

    def pull(self, image: str) -> subprocess.CompletedProcess[str]:
        return self.docker("pull", "--quiet", image)

    def config(self) -> dict[str, Any]:
        """config.json as written, `{}` if there is none."""
        if not self.config_path.exists():
            return {}
        data: dict[str, Any] = json.loads(self.config_path.read_text())
        return data

    def write_config(self, data: dict[str, Any]) -> bytes:
        raw = json.dumps(data, indent=2).encode()
        self.config_path.write_bytes(raw)
        return raw

    def credential_helper(
        self, name: str, action: str, input: str
    ) -> subprocess.CompletedProcess[str]:
        """Run `docker-credential-<name> <action>` as docker would."""
        return subprocess.run(
            [f"docker-credential-{name}", action],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    def pass_ls(self) -> str:
        return subprocess.run(
            ["pass", "ls"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
