"""A profile resolved once into the identity a run is about: who, how to show it, and a
fingerprint of everything that decides who it is (so a cached token follows the identity, not
the profile's name).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from ecrlogin.identity import profiles

# Values that change with every credential refresh, or that are secrets: never hashed in.
_VOLATILE_KEYS = frozenset(
    {"aws_secret_access_key", "aws_session_token", "aws_security_token", "x_security_token_expires"}
)
_CHAIN_KEYS = ("source_profile", "sso_session")


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
    config and credentials files, or of the environment's access key id."""
    digest = hashlib.sha256(source.encode())
    if source.startswith("profile:"):
        for line in definition(source.removeprefix("profile:"), environ):
            digest.update(b"\0" + line.encode())
    return digest.hexdigest()[:16]


def definition(name: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    """`section key=value` lines that define profile `name`, secrets and refresh data left out."""
    files = profiles.aws_files(environ)
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    pending = [("profile", name)]
    while pending:
        kind, current = pending.pop()
        if (kind, current) in seen:
            continue  # a source_profile loop: botocore refuses it; the digest just stops
        seen.add((kind, current))
        for label, section in files.sections_of(kind, current):
            for key in sorted(section):
                if key not in _VOLATILE_KEYS:
                    lines.append(f"{label} {kind} {current} {key}={section[key]}")
            for key in _CHAIN_KEYS:
                if key in section:
                    pending.append(
                        ("sso-session" if key == "sso_session" else "profile", section[key])
                    )
    return lines
