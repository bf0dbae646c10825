"""Cheap answers about AWS profiles, read the way botocore reads them, without importing it.

The cached no-op must know which identity and region a run is about before deciding that
nothing needs doing; botocore costs ~150 ms to import, these lookups well under 1 ms. The rules
are botocore.configloader's: `[profile NAME]` (or `[default]`) and `[sso-session NAME]` in the
config file, `[NAME]` in the credentials file; a test holds them to botocore's own answers.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from ecrlogin import awsfiles
from ecrlogin.awsfiles import AwsFiles

Section = Mapping[str, str]


def identity_source(profile: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """Whose credentials a run uses (`awsfiles.identity_source`)."""
    return awsfiles.identity_source(profile, environ)


def display_profile(profile: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The profile name to show; None when the credentials come from environment keys."""
    source = identity_source(profile, environ)
    return source.removeprefix("profile:") if source.startswith("profile:") else None


def config_file(environ: Mapping[str, str] = os.environ) -> Path:
    """`AWS_CONFIG_FILE` ($VAR and ~ expanded, as botocore does), else ~/.aws/config."""
    path = environ.get("AWS_CONFIG_FILE") or awsfiles.DEFAULT_CONFIG_FILE
    return Path(awsfiles.expanded(path, environ))


def credentials_file(environ: Mapping[str, str] = os.environ) -> Path:
    path = environ.get("AWS_SHARED_CREDENTIALS_FILE") or awsfiles.DEFAULT_CREDENTIALS_FILE
    return Path(awsfiles.expanded(path, environ))


def aws_files(environ: Mapping[str, str] = os.environ) -> AwsFiles:
    return AwsFiles(_sections(config_file(environ)), _sections(credentials_file(environ)))


def _sections(path: Path) -> Mapping[str, Section]:
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _parsed(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size)


@cache
def _parsed(
    path: str, inode: int, mtime_ns: int, ctime_ns: int, size: int
) -> Mapping[str, Section]:
    """One parse per file version (inode, times and size are part of the key)."""
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
    return awsfiles.configured_region(aws_files(environ), profile, environ)
