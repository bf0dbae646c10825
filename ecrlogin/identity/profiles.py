"""Cheap answers about AWS profiles, read the way botocore reads them, without importing it.

The cached no-op must know which identity and region a run is about before deciding that
nothing needs doing; botocore costs ~150 ms to import, these lookups well under 1 ms.
"""

from __future__ import annotations

import configparser
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path


def _named_profile(environ: Mapping[str, str]) -> str:
    return environ.get("AWS_DEFAULT_PROFILE") or environ.get("AWS_PROFILE") or "default"


def identity_source(profile: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """Whose credentials a run uses: a profile name, or a digest of an environment key.

    Mirrors botocore's order: an explicit profile wins; else keys in the environment; else
    AWS_DEFAULT_PROFILE / AWS_PROFILE / "default".
    """
    if profile:
        return f"profile:{profile}"
    key_id = environ.get("AWS_ACCESS_KEY_ID")
    if key_id:
        return "key:" + hashlib.sha256(key_id.encode()).hexdigest()[:12]
    return f"profile:{_named_profile(environ)}"


def display_profile(profile: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The profile name to show; None when the credentials come from environment keys."""
    source = identity_source(profile, environ)
    return source.removeprefix("profile:") if source.startswith("profile:") else None


def config_file(environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ.get("AWS_CONFIG_FILE") or "~/.aws/config").expanduser()


def configured_region(profile: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """AWS_DEFAULT_REGION, else the profile's `region` in the config file (botocore's order)."""
    if environ.get("AWS_DEFAULT_REGION"):
        return environ["AWS_DEFAULT_REGION"]
    name = profile or _named_profile(environ)
    parser = configparser.RawConfigParser()
    try:
        parser.read(config_file(environ), encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None  # botocore will give the real error on the slow path
    for section in (f"profile {name}", name) if name == "default" else (f"profile {name}",):
        if parser.has_option(section, "region"):
            return parser.get(section, "region").strip() or None
    return None
