"""`--to helper`: docker asks `docker-credential-ecrlogin` for ECR passwords; config.json never
holds one.

For each host: `credHelpers[host] = "ecrlogin"` in config.json (any token in `auths[host]`
removed, every other key kept), the profile used recorded for the helper's routing, and the
token put in the helper's cache so that the first pull needs no AWS call.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecrlogin import registry
from ecrlogin.errors import EcrLoginError
from ecrlogin.helper import cache, locate, records, serve
from ecrlogin.sinks import dockerconfig
from ecrlogin.sinks.base import Credential, Held, Stored

HELPER_NAME = "ecrlogin"
STORED_IN = f"credHelpers:{HELPER_NAME}"
log = logging.getLogger("ecrlogin")


@dataclass(frozen=True)
class HelperSink:
    config_dir: Path
    state_dir: Path
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    @property
    def place(self) -> str:
        return f"{self.config_dir / dockerconfig.CONFIG_NAME}#{STORED_IN}"

    def store(self, credentials: Sequence[Credential]) -> dict[str, Stored]:
        with dockerconfig.editing(self.config_dir) as config:
            for credential in credentials:
                set_up(config, credential.registry.host)
        records.remember(self.state_dir, {c.registry.host: c.profile for c in credentials})
        warn_if_not_on_path(self.environ)
        outcome: dict[str, Stored] = {}
        for credential in credentials:
            host = credential.registry.host
            try:
                serve.fill(
                    credential.registry,
                    credential.profile,
                    credential.password,
                    credential.expires_at,
                    environ=self.environ,
                    state_dir=self.state_dir,
                )
            except EcrLoginError as error:
                outcome[host] = Stored(host, STORED_IN, error=error)
                continue
            outcome[host] = Stored(host, STORED_IN, fingerprint=self._fingerprint(host, config))
        return outcome

    def erase(self, hosts: Sequence[str]) -> dict[str, Stored]:
        """Remove the credHelpers entries ecrlogin set, and their cached tokens; nothing else."""
        with dockerconfig.editing(self.config_dir) as config:
            ours = [host for host in hosts if take_down(config, host)]
        records.forget(self.state_dir, set(hosts))
        still_set_up = {_region_key(h) for h in records.load(self.state_dir) if _is_ecr(h)}
        for host in ours:
            if _is_ecr(host) and _region_key(host) not in still_set_up:
                serve.erase(host, environ=self.environ, state_dir=self.state_dir)
        return {host: Stored(host, STORED_IN if host in ours else None) for host in hosts}

    def held(self) -> dict[str, Held]:
        config = dockerconfig.load(self.config_dir)
        helpers = config.get("credHelpers") or {}
        return {
            host: Held(host, STORED_IN, self._fingerprint(host, config))
            for host, name in helpers.items()
            if name == HELPER_NAME and registry.is_ecr_host(host)
        }

    def _fingerprint(self, host: str, config: Mapping[str, Any]) -> str:
        """Changes when the credHelpers entry or the cached token changes; never the secret."""
        seen = f"{(config.get('credHelpers') or {}).get(host)}\0{self._token_digest(host)}"
        return hashlib.sha256(seen.encode()).hexdigest()[:16]

    def _token_digest(self, host: str) -> str:
        profile = records.load(self.state_dir).get(host)
        try:
            where = locate.entry_for(registry.parse(host), profile, self.state_dir, self.environ)
            entry = cache.read_entry(where.directory)
        except (EcrLoginError, cache.CorruptEntry):
            return "unreadable"
        if entry is None:
            return "none"
        material = f"{entry.password}\0{entry.expires_at.isoformat()}"
        return hashlib.sha256(material.encode()).hexdigest()


def warn_if_not_on_path(environ: Mapping[str, str]) -> None:
    """docker runs `docker-credential-ecrlogin` from its own PATH: say so when it is not there
    (the login is set up, but every pull would fail)."""
    import shutil

    searched = environ.get("PATH", "")
    if shutil.which(f"docker-credential-{HELPER_NAME}", path=searched) is None:
        log.warning(
            "docker-credential-%s is not on PATH (docker searches %s): docker pulls will fail "
            "until it is; install ecrlogin there, or link the program into one of those folders",
            HELPER_NAME,
            searched or "an empty PATH",
        )


def set_up(config: dict[str, Any], host: str) -> None:
    """`credHelpers[host] = "ecrlogin"`; `auths[host]` left empty, as docker leaves it."""
    helpers = config.setdefault("credHelpers", {})
    helpers[host] = HELPER_NAME
    dockerconfig.set_entry(config, host, {})


def take_down(config: dict[str, Any], host: str) -> bool:
    """Undo `set_up` for `host` if it is still ours; True if it was."""
    helpers = config.get("credHelpers") or {}
    if helpers.get(host) != HELPER_NAME:
        return False
    del helpers[host]
    if not helpers:
        config.pop("credHelpers", None)
    auths = config.get("auths") or {}
    if auths.get(host) == {}:
        del auths[host]
    return True


def _is_ecr(host: str) -> bool:
    return registry.is_ecr_host(host)


def _region_key(host: str) -> tuple[bool, str]:
    parsed = registry.parse(host)
    return parsed.public, parsed.region
