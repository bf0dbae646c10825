"""What every place that holds ECR credentials offers the flows: store, erase, tell what it holds.

A sink is chosen once per run from `--to` (docker, daemon, helper, podman); the login flow only
ever talks to this interface, so a new place to store tokens is a new module, not a new branch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ecrlogin.errors import EcrLoginError
from ecrlogin.registry import Registry


@dataclass(frozen=True)
class Credential:
    """One registry's token, ready to be stored; the password never shows in a repr."""

    registry: Registry
    password: str = field(repr=False)
    expires_at: datetime | None
    profile: str | None  # the profile that fetched it (a helper sink records it per host)


@dataclass(frozen=True)
class Stored:
    """Where one host's credentials went, or why they did not."""

    host: str
    stored_in: str | None
    fingerprint: str | None = None  # of the entry as stored: a later change means not ours
    needs_nothing: bool = False  # e.g. credHelpers ecr-login: the helper fetches its own tokens
    error: EcrLoginError | None = None


@dataclass(frozen=True)
class Held:
    """What a sink holds for one host right now (read without running any helper)."""

    host: str
    stored_in: str
    fingerprint: str | None


class Sink(Protocol):
    @property
    def place(self) -> str:
        """Where this sink keeps things (a cached record belongs to one place)."""
        ...

    def store(self, credentials: Sequence[Credential]) -> Mapping[str, Stored]:
        """Store every credential; a failing host fails alone (its `Stored.error`)."""
        ...

    def erase(self, hosts: Sequence[str]) -> Mapping[str, Stored]:
        """Remove these hosts; `stored_in` None where the sink held nothing for a host."""
        ...

    def held(self) -> Mapping[str, Held]:
        """Every host the sink holds credentials for, by host (cheap: no helper is run)."""
        ...
