"""A profile resolved once into the identity a run is about: who, how to show it, and a
fingerprint of everything that decides who it is (so a cached token follows the identity, not
the profile's name).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ecrlogin import freshness
from ecrlogin.identity import profiles


@dataclass(frozen=True)
class Identity:
    profile: str | None  # as handed to botocore; None: the SDK's default chain
    source: str  # the state's key: "profile:NAME", or "key:<digest>" for environment keys
    shown: str | None  # the profile name people see; None for environment keys
    fingerprint: str  # a digest of the definition (never reversible to a secret)


def resolve(profile: str | None, environ: Mapping[str, str] = os.environ) -> Identity:
    source = profiles.identity_source(profile, environ)
    shown = source.removeprefix("profile:") if source.startswith("profile:") else None
    return Identity(profile or None, source, shown, fingerprint(source, environ))


def fingerprint(source: str, environ: Mapping[str, str] = os.environ) -> str:
    """A digest of the profile's sections (following source_profile and sso_session) in the
    config and credentials files, or of the environment's access key id. The rule itself lives
    in `ecrlogin.freshness`, shared with the fast path."""
    return freshness.identity_fingerprint(source, profiles.aws_files(environ).sections_of)
