"""The core's values: what a run is asked (`Request`, `Settings`) and what came of it (`Result`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ecrlogin.errors import EcrLoginError
from ecrlogin.registry import Registry


@dataclass(frozen=True)
class Settings:
    """How a run stores and when it may skip; every path already worked out."""

    docker_config: Path
    state_dir: Path
    to: str = "docker"  # docker, daemon (have the Docker daemon check the token first), …
    min_ttl: timedelta = timedelta(hours=1)
    force: bool = False
    dry_run: bool = False
    verify: bool = False  # ask each registry before trusting a cached record
    no_input: bool = False  # never ask (an SSO sign-in), even on a terminal

    @classmethod
    def resolve(
        cls,
        docker_config: str | None = None,
        *,
        to: str = "docker",
        min_ttl: timedelta = timedelta(hours=1),
        force: bool = False,
        dry_run: bool = False,
        verify: bool = False,
        no_input: bool = False,
        environ: Mapping[str, str] = os.environ,
    ) -> Settings:
        """From command-line values: `--docker-config`, else $DOCKER_CONFIG, else ~/.docker; and
        ecrlogin's state directory ($ECRLOGIN_STATE_DIR, else the platform's own)."""
        from ecrlogin import state
        from ecrlogin.sinks import dockerconfig

        return cls(
            dockerconfig.config_dir(docker_config, environ),
            state.state_dir(environ),
            to=to,
            min_ttl=min_ttl,
            force=force,
            dry_run=dry_run,
            verify=verify,
            no_input=no_input,
        )


@dataclass(frozen=True)
class Request:
    """What to log in to; registries already parsed (each argument once)."""

    profiles: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    public: bool = False
    registries: tuple[Registry, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)  # host -> where it was found

    @property
    def profiles_or_default(self) -> tuple[str | None, ...]:
        return self.profiles or (None,)

    @classmethod
    def from_arguments(
        cls,
        *,
        profiles: tuple[str, ...] = (),
        regions: tuple[str, ...] = (),
        accounts: tuple[str, ...] = (),
        public: bool = False,
        references: tuple[str, ...] = (),
    ) -> Request:
        """Every command-line value checked (UsageError, exit 2) before any AWS call; each
        registry argument parsed here, once."""
        from ecrlogin import registry

        return cls(
            profiles,
            tuple(registry.check_typed_region(region) for region in regions),
            tuple(registry.check_account(account) for account in accounts),
            public,
            tuple(registry.parse(reference) for reference in references),
        )


@dataclass(frozen=True)
class Result:
    region: str
    profile: str | None
    status: str  # ok, cached, planned, failed
    registry: Registry | None = None  # None while the caller's own account is unknown
    identity: str | None = None
    expires_at: datetime | None = None
    stored_in: str | None = None
    failure: EcrLoginError | None = None  # kept typed; the output layer renders it
    note: str | None = None
    source: str | None = None  # the project file or scanned file that named the registry

    @property
    def error(self) -> str | None:
        return self.failure.one_line() if self.failure else None


@dataclass(frozen=True)
class Outcome:
    results: tuple[Result, ...]
    notes: tuple[str, ...] = ()
    holds_until: datetime | None = None  # what the answer rests on is good until then (regions)

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)
