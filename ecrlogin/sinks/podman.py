"""`--to podman`: store as `podman login` would, in the containers auth file.

Which file, as the installed podman decides: `$REGISTRY_AUTH_FILE`; else, while `DOCKER_CONFIG`
is set and the installed podman is 4.x or older, `$DOCKER_CONFIG/config.json` (podman 4 takes it
as its auth file *instead of* the others, and refuses to pull when it is missing); else
`$XDG_RUNTIME_DIR/containers/auth.json` (the directory must exist); else, for root on Linux,
`/run/containers/0/auth.json`; else `~/.config/containers/auth.json` (`$XDG_CONFIG_HOME`), which
podman always reads too. The file's own `credHelpers[host]` are honoured; its `credsStore` is
ignored, as podman ignores it. Writes are config.json's: locked, whole, atomic, modes kept,
symlinks followed, a malformed file refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrlogin import registry
from ecrlogin.errors import ConfigFileError, EcrLoginError
from ecrlogin.sinks import credstore, dockerconfig
from ecrlogin.sinks.base import Credential, Held, Stored

STORED_IN = "auth.json"


PodmanMajor = Callable[[Mapping[str, str]], int | None]


def installed_major(environ: Mapping[str, str]) -> int | None:
    """The major version of the podman on PATH (`podman --version`, ~45 ms), None without one."""
    import shutil
    import subprocess

    program = shutil.which("podman", path=environ.get("PATH"))
    if program is None:
        return None
    try:
        said = subprocess.run(
            [program, "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    version = said.strip().rsplit(" ", 1)[-1]  # "podman version 4.3.1"
    major = version.split(".", 1)[0]
    return int(major) if major.isdigit() else None


def auth_file(
    environ: Mapping[str, str] = os.environ,
    *,
    uid: int | None = None,
    platform: str = sys.platform,
    podman_major: PodmanMajor = installed_major,
) -> Path:
    """The auth file the installed podman reads (and `podman login` writes), for this
    environment. `podman_major` is asked only while DOCKER_CONFIG is set."""
    if environ.get("REGISTRY_AUTH_FILE"):
        return Path(environ["REGISTRY_AUTH_FILE"]).expanduser()
    docker_config = environ.get("DOCKER_CONFIG")
    if docker_config and (podman_major(environ) or 5) < 5:
        return Path(docker_config).expanduser() / "config.json"
    home = Path(environ.get("HOME") or os.path.expanduser("~"))
    if platform != "linux":
        return home / ".config" / "containers" / "auth.json"
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime:
        if not Path(runtime).is_dir():
            raise ConfigFileError(
                f"XDG_RUNTIME_DIR ({runtime}) does not exist; podman would refuse it too",
                "create that directory or unset XDG_RUNTIME_DIR",
            )
        return Path(runtime) / "containers" / "auth.json"
    if (_euid() if uid is None else uid) == 0:
        return Path("/run/containers/0/auth.json")
    config_home = environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    return Path(config_home) / "containers" / "auth.json"


@dataclass(frozen=True)
class PodmanSink:
    path: Path  # `auth_file(environ)` unless given (`--authfile`)
    # podman 4 with DOCKER_CONFIG set: the file is docker's config.json, so entries are
    # fingerprinted as docker's are (status and the docker sink then see ecrlogin's record)
    docker_file: bool = False

    @property
    def place(self) -> str:
        return str(self.path)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> PodmanSink:
        path = auth_file(environ)
        docker = environ.get("DOCKER_CONFIG")
        in_docker = bool(docker) and not environ.get("REGISTRY_AUTH_FILE")
        return cls(path, in_docker and path == Path(str(docker)).expanduser() / "config.json")

    def store(self, credentials: Sequence[Credential]) -> dict[str, Stored]:
        outcome: dict[str, Stored] = {}
        with self._editing() as config:
            for credential in credentials:
                host = credential.registry.host
                outcome[host] = _store_one(config, host, credential.password, self.docker_file)
        return outcome

    def erase(self, hosts: Sequence[str]) -> dict[str, Stored]:
        outcome: dict[str, Stored] = {}
        with self._editing() as config:
            for host in hosts:
                helper = _helper(config, host)
                try:
                    if helper:
                        credstore.erase_secret(helper, host)
                except EcrLoginError as error:
                    outcome[host] = Stored(host, STORED_IN, error=error)
                    continue
                had_entry = dockerconfig.remove_entry(config, host)
                outcome[host] = Stored(host, STORED_IN if had_entry or helper else None)
        return outcome

    def held(self) -> dict[str, Held]:
        config = dockerconfig.load(self.path.parent, self.path.name)
        return {
            host: Held(host, STORED_IN, _print(config, host, self.docker_file))
            for host in dockerconfig.hosts(config)
            if registry.is_ecr_host(host)
        }

    def _editing(self) -> AbstractContextManager[dict[str, Any]]:
        return dockerconfig.editing(self.path.parent, self.path.name)


def _helper(config: Mapping[str, Any], host: str) -> str | None:
    """The file's own credHelpers entry for `host` (its credsStore is ignored, as podman does)."""
    helper = (config.get("credHelpers") or {}).get(host)
    return helper or None


def _store_one(config: dict[str, Any], host: str, password: str, docker_file: bool) -> Stored:
    helper = _helper(config, host)
    try:
        if helper:
            credstore.store_secret(helper, host, password)
            if docker_file:
                dockerconfig.set_entry(config, host, {})  # as docker leaves it
        else:
            dockerconfig.set_entry(config, host, {"auth": dockerconfig.encode_auth(password)})
    except EcrLoginError as error:
        return Stored(host, STORED_IN, error=error)
    return Stored(host, STORED_IN, fingerprint=_print(config, host, docker_file))


def _print(config: Mapping[str, Any], host: str, docker_file: bool) -> str | None:
    return dockerconfig.fingerprint(config, host) if docker_file else fingerprint(config, host)


def fingerprint(config: Mapping[str, Any], host: str) -> str:
    """A short digest of what the file holds for `host` (never reversible to the secret)."""
    entry = (config.get("auths") or {}).get(host)
    seen = json.dumps([entry, _helper(config, host)], sort_keys=True)
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def _euid() -> int | None:
    """The effective uid; None on Windows, which has no root (and no /run)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid else None
