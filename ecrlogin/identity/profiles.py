"""Cheap answers about AWS profiles, read the way botocore reads them, without importing it.

The cached no-op must know which identity and region a run is about before deciding that
nothing needs doing; botocore costs ~150 ms to import, these lookups well under 1 ms. The rules
are botocore.configloader's: `[profile NAME]` (or `[default]`) and `[sso-session NAME]` in the
config file, `[NAME]` in the credentials file; a test holds them to botocore's own answers.
"""

from __future__ import annotations

import configparser
import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

Section = Mapping[str, str]


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


def credentials_file(environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials").expanduser()


@dataclass(frozen=True)
class AwsFiles:
    """The sections of the AWS config and credentials files, by (kind, name)."""

    config: Mapping[tuple[str, str], Section]
    credentials: Mapping[str, Section]

    def sections_of(self, kind: str, name: str) -> Iterator[tuple[str, Section]]:
        if (kind, name) in self.config:
            yield "config", self.config[kind, name]
        if kind == "profile" and name in self.credentials:
            yield "credentials", self.credentials[name]

    def profile_names(self) -> list[str]:
        names = [name for kind, name in self.config if kind == "profile"]
        return sorted({*names, *self.credentials})

    def value(self, profile: str, key: str) -> str | None:
        section = self.config.get(("profile", profile), {})
        return section.get(key, "").strip() or None


def aws_files(environ: Mapping[str, str] = os.environ) -> AwsFiles:
    config = _sections(config_file(environ))
    by_kind: dict[tuple[str, str], Section] = {}
    for title, section in config.items():
        kind, _, name = title.strip().partition(" ")
        if title == "default":
            by_kind.setdefault(("profile", "default"), section)
        elif kind in ("profile", "sso-session") and name.strip():
            by_kind[kind, name.strip()] = section  # botocore: [profile default] wins
    return AwsFiles(by_kind, _sections(credentials_file(environ)))


def _sections(path: Path) -> Mapping[str, Section]:
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _parsed(str(path), stat.st_mtime_ns, stat.st_size)


@cache
def _parsed(path: str, mtime_ns: int, size: int) -> Mapping[str, Section]:
    """One parse per file version (mtime and size are part of the key)."""
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return {}  # botocore will give the real error on the slow path
    return {title: dict(parser.items(title)) for title in parser.sections()}


def known_profiles(environ: Mapping[str, str] = os.environ) -> list[str]:
    return aws_files(environ).profile_names()


def configured_region(profile: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` (aws-cli v2's order)."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if environ.get(variable):
            return environ[variable]
    return aws_files(environ).value(profile or _named_profile(environ), "region")
