"""Put passwords where Docker looks for them, in one locked read-modify-write of config.json."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ecrlogin.errors import EcrLoginError
from ecrlogin.sinks import credstore, dockerconfig


@dataclass(frozen=True)
class Secret:
    host: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Stored:
    """Where one host's credentials went, or why they did not."""

    host: str
    stored_in: str | None
    fingerprint: str | None = None
    needs_nothing: bool = False
    error: EcrLoginError | None = None


def store_all(config_dir: Path, secrets: Sequence[Secret]) -> dict[str, Stored]:
    """Store every secret as `docker login` would; a failing helper fails only its own host."""
    outcome: dict[str, Stored] = {}
    with dockerconfig.editing(config_dir) as config:
        for secret in secrets:
            dest = dockerconfig.destination(config, secret.host)
            if dest.needs_nothing:
                outcome[secret.host] = Stored(secret.host, dest.label, needs_nothing=True)
                continue
            try:
                if dest.helper:
                    credstore.store_secret(dest.helper, secret.host, secret.password)
                    dockerconfig.set_entry(config, secret.host, {})
                else:
                    entry = {"auth": dockerconfig.encode_auth(secret.password)}
                    dockerconfig.set_entry(config, secret.host, entry)
            except EcrLoginError as error:
                outcome[secret.host] = Stored(secret.host, dest.label, error=error)
                continue
            print_ = dockerconfig.fingerprint(config, secret.host)
            outcome[secret.host] = Stored(secret.host, dest.label, fingerprint=print_)
    return outcome


def erase_all(config_dir: Path, hosts: Sequence[str]) -> dict[str, Stored]:
    """Remove each host from config.json and from its store; `stored_in` None if it had none."""
    outcome: dict[str, Stored] = {}
    with dockerconfig.editing(config_dir) as config:
        for host in hosts:
            dest = dockerconfig.destination(config, host)
            try:
                if dest.helper and not dest.needs_nothing:
                    credstore.erase_secret(dest.helper, host)
            except EcrLoginError as error:
                outcome[host] = Stored(host, dest.label, error=error)
                continue
            had_entry = dockerconfig.remove_entry(config, host)
            held = had_entry or (dest.helper is not None and not dest.needs_nothing)
            outcome[host] = Stored(host, dest.label if held else None)
    return outcome
