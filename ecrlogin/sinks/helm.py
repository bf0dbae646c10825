"""`--to helm`: store as `helm registry login` does, in helm's registry config.

Which file, as helm 3/4 decides (pkg/cli/environment.go, pkg/helmpath): `$HELM_REGISTRY_CONFIG`;
else `registry/config.json` under helm's config home: `$HELM_CONFIG_HOME`, else
`$XDG_CONFIG_HOME/helm`, else the platform's default + `/helm` (`~/.config` on Linux and other
Unixes, `~/Library/Preferences` on macOS, `%APPDATA%` on Windows).

The file is docker's config format, stored by docker's rules (`credHelpers[host]` >
`credsStore` > `auths[host].auth`) with config.json's safe writes (`sinks/docker.py`). As helm's
credential library (oras) does, a file that configures no credentials at all (no `credsStore`,
`credHelpers` or `auths`) gets the platform's default credential store when its program is
installed (`pass` on Linux when `pass` is found, else `secretservice`; `osxkeychain`; `wincred`),
and keeps it once a credential went there.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ecrlogin.platforms import MACOS, home_dir, is_windows
from ecrlogin.sinks import dockerconfig
from ecrlogin.sinks.base import Credential, Held, Stored
from ecrlogin.sinks.docker import DockerConfigSink, store_all

STORED_IN = "helm"
Which = Callable[[str], str | None]


def registry_config(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """The registry config `helm registry login` writes, for this environment and platform."""
    if environ.get("HELM_REGISTRY_CONFIG"):
        return Path(environ["HELM_REGISTRY_CONFIG"]).expanduser()
    return config_home(environ, platform) / "registry" / "config.json"


def config_home(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """helm's own config directory (`helm env HELM_CONFIG_HOME`)."""
    if environ.get("HELM_CONFIG_HOME"):
        return Path(environ["HELM_CONFIG_HOME"])
    if environ.get("XDG_CONFIG_HOME"):
        return Path(environ["XDG_CONFIG_HOME"]) / "helm"
    if is_windows(platform):
        return Path(environ.get("APPDATA", "")) / "helm"
    home = home_dir(environ, platform)
    if platform == MACOS:
        return home / "Library" / "Preferences" / "helm"
    return home / ".config" / "helm"


def default_store(platform: str = sys.platform, which: Which = shutil.which) -> str | None:
    """The credential store helm's library picks for a file that names none, if installed."""
    if is_windows(platform):
        name = "wincred"
    elif platform == MACOS:
        name = "osxkeychain"
    elif platform.startswith("linux"):
        name = "pass" if which("pass") else "secretservice"
    else:
        return None
    return name if which(f"docker-credential-{name}") else None


@dataclass(frozen=True)
class HelmSink:
    path: Path
    detect: Callable[[], str | None] = field(default=default_store)

    @property
    def place(self) -> str:
        return str(self.path)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> HelmSink:
        return cls(registry_config(environ))

    def store(self, credentials: Sequence[Credential]) -> dict[str, Stored]:
        with dockerconfig.editing(self.path.parent, self.path.name) as config:
            detected = None if _configured(config) else self.detect()
            if detected:
                config["credsStore"] = detected
            stored = store_all(config, credentials)
            if detected and all(s.error for s in stored.values()):
                del config["credsStore"]  # helm keeps a detected store only once it held one
        return {host: replace(s, stored_in=STORED_IN) for host, s in stored.items()}

    def erase(self, hosts: Sequence[str]) -> dict[str, Stored]:
        erased = self._docker.erase(hosts)
        return {h: replace(s, stored_in=s.stored_in and STORED_IN) for h, s in erased.items()}

    def held(self) -> dict[str, Held]:
        return {h: replace(held, stored_in=STORED_IN) for h, held in self._docker.held().items()}

    @property
    def _docker(self) -> DockerConfigSink:
        return DockerConfigSink(self.path.parent, self.path.name)


def _configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("credsStore") or config.get("credHelpers") or config.get("auths"))
