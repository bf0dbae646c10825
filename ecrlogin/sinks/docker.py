"""`--to docker`: store as `docker login` would, in one locked read-modify-write of config.json
(`credHelpers[host]` > `credsStore` > `auths[host].auth`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecrlogin import registry
from ecrlogin.errors import EcrLoginError
from ecrlogin.sinks import dockerconfig
from ecrlogin.sinks.base import Credential, Held, Stored

log = logging.getLogger("ecrlogin")


@dataclass(frozen=True)
class DockerConfigSink:
    config_dir: Path
    name: str = dockerconfig.CONFIG_NAME  # another file of its format: helm's registry config

    @property
    def place(self) -> str:
        return str(self.config_dir / self.name)

    def store(self, credentials: Sequence[Credential]) -> dict[str, Stored]:
        """Store every password as `docker login` would; a failing helper fails only its host."""
        with dockerconfig.editing(self.config_dir, self.name) as config:
            return store_all(config, credentials)

    def erase(self, hosts: Sequence[str]) -> dict[str, Stored]:
        """Remove each host from config.json and from its store."""
        outcome: dict[str, Stored] = {}
        with dockerconfig.editing(self.config_dir, self.name) as config:
            for host in hosts:
                dest = dockerconfig.destination(config, host)
                try:
                    if dest.helper and not dest.needs_nothing:
                        from ecrlogin.sinks import credstore

                        credstore.erase_secret(dest.helper, host)
                except EcrLoginError as error:
                    outcome[host] = Stored(host, dest.label, error=error)
                    continue
                had_entry = dockerconfig.remove_entry(config, host)
                held = had_entry or (dest.helper is not None and not dest.needs_nothing)
                outcome[host] = Stored(host, dest.label if held else None)
        return outcome

    def held(self) -> dict[str, Held]:
        config = dockerconfig.load(self.config_dir, self.name)
        return {
            host: Held(
                host,
                dockerconfig.destination(config, host).label,
                dockerconfig.fingerprint(config, host),
            )
            for host in dockerconfig.hosts(config)
            if registry.is_ecr_host(host) and not _served_by_ecrlogin(config, host)
        }


def store_all(config: dict[str, object], credentials: Sequence[Credential]) -> dict[str, Stored]:
    """Store each password into the loaded `config` as `docker login` would."""
    return {c.registry.host: _store_one(config, c.registry.host, c.password) for c in credentials}


def _store_one(config: dict[str, object], host: str, password: str) -> Stored:
    dest = dockerconfig.destination(config, host)
    if dest.needs_nothing:
        return Stored(host, dest.label, needs_nothing=True)
    if dest.helper == "ecrlogin":
        log.warning(
            "%s: config.json's credHelpers still send docker to docker-credential-ecrlogin (set "
            "up by --to helper), so it stays credHelpers:ecrlogin and the helper serves this "
            "host; `ecrlogin logout %s` first to store in config.json instead",
            host,
            host,
        )
    try:
        if dest.helper:
            from ecrlogin.sinks import credstore  # runs programs: only when a store is named

            credstore.store_secret(dest.helper, host, password)
            dockerconfig.set_entry(config, host, {})
        else:
            dockerconfig.set_entry(config, host, {"auth": dockerconfig.encode_auth(password)})
    except EcrLoginError as error:
        return Stored(host, dest.label, error=error)
    return Stored(host, dest.label, fingerprint=dockerconfig.fingerprint(config, host))


def _served_by_ecrlogin(config: Mapping[str, object], host: str) -> bool:
    """Hosts set up by `--to helper` are the helper sink's: nothing of theirs is in this file."""
    helpers = config.get("credHelpers")
    return isinstance(helpers, dict) and helpers.get(host) == "ecrlogin"
