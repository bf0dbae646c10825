"""Where a client looks for one host's credential, and what it finds there (doctor, --verify).

docker (also for `--to daemon` and `--to helper`: docker reads config.json; helm: its own
registry config, docker's format and rules):
`credHelpers[host]` > `credsStore` > `auths[host]` under every spelling docker matches; podman:
its auth file, its own `credHelpers[host]`, else `auths[host]` (its `credsStore` ignored). A
helper is asked with `get`, through the bounded runner that stores (`credstore`). Never a
secret in a returned text.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecrlogin.errors import CredentialStoreError
from ecrlogin.sinks import dockerconfig

SPELLINGS = ("{}", "{}/", "https://{}", "https://{}/", "https://{}/v2/", "http://{}")


@dataclass(frozen=True)
class Lookup:
    """Where the client looks: `label` as `stored_in` says it; `helper` the program it runs."""

    file: Path
    label: str  # config.json, credsStore:pass, credHelpers:pass, auth.json
    helper: str | None = None
    key: str | None = None  # credsStore or credHelpers: which setting named the helper
    config: Mapping[str, Any] = field(default_factory=dict, repr=False)
    detected: bool = False  # no store set in a file with no credentials: the platform's default

    @property
    def program(self) -> str | None:
        return f"docker-credential-{self.helper}" if self.helper else None


@dataclass(frozen=True)
class Found:
    username: str
    password: str = field(repr=False)


def lookup(
    host: str,
    to: str,
    docker_config: Path,
    environ: Mapping[str, str] = os.environ,
    *,
    which: Callable[[str], str | None] = shutil.which,
) -> Lookup:
    """Where `--to`'s client looks for `host`'s credential (ConfigFileError: a malformed file)."""
    if to == "podman":
        from ecrlogin.sinks.podman import STORED_IN, auth_file

        path = auth_file(environ)
        config = dockerconfig.load(path.parent, path.name) if path.exists() else {}
        helper = (config.get("credHelpers") or {}).get(host) or None
        label = f"credHelpers:{helper}" if helper else STORED_IN
        return Lookup(path, label, helper, "credHelpers" if helper else None, config)
    if to == "helm":
        from ecrlogin.sinks.helm import registry_config

        path = registry_config(environ)
        config = dockerconfig.load(path.parent, path.name) if path.exists() else {}
    else:
        path = docker_config / dockerconfig.CONFIG_NAME
        config = dockerconfig.load(docker_config)
    store = None
    if not (config.get("auths") or config.get("credsStore") or config.get("credHelpers")):
        # a file that configures nothing: docker (and helm's library) use the platform's store
        from ecrlogin.sinks.helm import default_store

        store = default_store(which=which)
        if store:
            config = {**config, "credsStore": store}
    dest = dockerconfig.destination(config, host)
    kind = dest.kind if dest.helper else None
    return Lookup(path, dest.label, dest.helper, kind, config, detected=store is not None)


def installed(found: Lookup) -> str | None:
    """The helper program's path, None if it is not on PATH (or there is no helper)."""
    if not found.helper:
        return None
    from ecrlogin.sinks.credstore import check_name

    check_name(found.helper)
    return shutil.which(f"docker-credential-{found.helper}")


def read(found: Lookup, host: str) -> Found | None:
    """The credential the client would send for `host`; None where there is none.

    A failing helper raises `CredentialStoreError` (its message names the helper)."""
    if found.helper:
        from ecrlogin.sinks import credstore

        if installed(found) is None:
            raise CredentialStoreError(
                f"{found.program} (named by {found.key}) is not installed (not on PATH)",
                f"install it, or remove {found.helper!r} from {found.key} in {found.file}",
            )
        secret = credstore.read_secret(found.helper, host)
        return Found(dockerconfig.USERNAME, secret) if secret else None
    auths = found.config.get("auths") or {}
    for spelling in SPELLINGS:
        entry = auths.get(spelling.format(host))
        if isinstance(entry, dict) and entry.get("auth"):
            return _decoded(str(entry["auth"]))
    return None


def _decoded(auth: str) -> Found | None:
    try:
        text = base64.b64decode(auth, validate=False).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    username, sep, password = text.partition(":")
    return Found(username, password) if sep and password else None
