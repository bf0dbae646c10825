"""`status` and `logout`: what Docker holds for ECR registries, and taking it away again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ecrlogin import registry, state
from ecrlogin.sinks import dockerconfig


@dataclass(frozen=True)
class StatusRow:
    registry: str
    profile: str | None
    identity: str | None
    expires_at: datetime | None
    expired: bool | None
    stored_in: str


@dataclass(frozen=True)
class Removal:
    registry: str
    removed: bool
    stored_in: str | None = None
    error: str | None = None


def status(config_dir: Path, state_dir: Path, now: datetime) -> list[StatusRow]:
    """Every ECR registry in the Docker config, with what ecrlogin knows of its token."""
    config = dockerconfig.load(config_dir)
    known = state.load(state_dir)
    rows = []
    for host in dockerconfig.hosts(config):
        if not registry.is_ecr_host(host):
            continue
        current = dockerconfig.fingerprint(config, host)
        mine = [r for r in known.for_host(host) if r.fingerprint == current]
        record = max(mine, key=lambda r: r.expires_at or now, default=None)
        expires = record.expires_at if record else None
        rows.append(
            StatusRow(
                host,
                record.profile if record else None,
                record.identity if record else None,
                expires,
                None if expires is None else expires <= now,
                dockerconfig.destination(config, host).label,
            )
        )
    return rows


def logout(
    config_dir: Path, state_dir: Path, hosts: Sequence[str], *, everything: bool
) -> list[Removal]:
    """Remove ECR hosts from config.json and their stores; other entries are never touched."""
    from ecrlogin.sinks.docker import DockerConfigSink

    if everything:
        hosts = [
            h for h in dockerconfig.hosts(dockerconfig.load(config_dir)) if registry.is_ecr_host(h)
        ]
    erased = DockerConfigSink(config_dir).erase(list(dict.fromkeys(hosts))) if hosts else {}
    state.forget(state_dir, {host for host, outcome in erased.items() if outcome.error is None})
    return [
        Removal(
            host,
            removed=outcome.error is None and outcome.stored_in is not None,
            stored_in=outcome.stored_in,
            error=outcome.error.one_line() if outcome.error else None,
        )
        for host, outcome in erased.items()
    ]
