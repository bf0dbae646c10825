"""The core's values: what a run is asked to do (`Settings`) and what came of it (`Result`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ecrlogin.flows.targets import Target
from ecrlogin.identity import profiles
from ecrlogin.registry import Registry


@dataclass(frozen=True)
class Settings:
    docker_config: Path
    state_dir: Path
    to: str = "docker"  # or "daemon": have the Docker daemon check the token first
    min_ttl: timedelta = timedelta(hours=1)
    force: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class Result:
    region: str
    profile: str | None
    status: str  # ok, cached, planned, failed
    registry: Registry | None = None  # None while the caller's own account is unknown
    identity: str | None = None
    expires_at: datetime | None = None
    stored_in: str | None = None
    error: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Outcome:
    results: tuple[Result, ...]
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)


@dataclass(frozen=True)
class Fetched:
    target: Target
    registry: Registry
    password: str = field(repr=False)
    expires_at: datetime | None
    identity: str | None
    account: str | None

    def result(self, environ: Mapping[str, str], status: str, **fields: Any) -> Result:
        profile = profiles.display_profile(self.target.profile, environ)
        return Result(self.target.region, profile, status, self.registry, self.identity, **fields)
