"""`.ecrlogin.toml`: the registries, files to scan and settings of a project.

Looked for in the current folder, then in each parent up to the root; the first one found is
the project's. Every mistake in it is one line naming the file and the key (exit 1): a project
file that is silently half-read would log in to the wrong places.

Cheap on purpose: the cached no-op `ecrlogin -q` looks for this file on every run, so `tomllib`
and host parsing are imported only once a file has been found.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from ecrlogin.errors import EcrLoginError
from ecrlogin.project.found import FoundRegistry

FILE_NAME = ".ecrlogin.toml"
MAX_FILE_BYTES = 1024 * 1024
SinkName = Literal["docker", "daemon", "helper", "podman", "helm"]
SINK_NAMES: tuple[SinkName, ...] = ("docker", "daemon", "helper", "podman", "helm")
KEYS = ("registries", "from", "min_ttl", "to", "profiles", "verify")
_Fail = Callable[[str, str], "ProjectFileError"]  # a key and what is wrong with its value
_HINT = "fix the project file, or run with --no-project"


class ProjectFileError(EcrLoginError):
    """A project file that cannot be read, or that says something ecrlogin cannot follow."""


@dataclass(frozen=True)
class ProjectFile:
    path: Path  # absolute
    registries: tuple[FoundRegistry, ...]  # in the file's order; source: the file's name
    from_paths: tuple[Path, ...]  # absolute, taken from the file's folder
    min_ttl: timedelta | None
    to: SinkName | None
    profiles_by_host: Mapping[str, str] = field(hash=False)
    profiles_by_account: Mapping[str, str] = field(hash=False)
    verify: bool = False  # as --verify

    @property
    def folder(self) -> Path:
        """The project's folder: `from` paths are taken from here, and sources shown from here."""
        return self.path.parent


def find_project_file(start: Path | None = None) -> Path | None:
    """The nearest `.ecrlogin.toml` in `start` (default: the current folder) or its parents."""
    folder = (start or Path.cwd()).absolute()
    for candidate in (folder, *folder.parents):
        path = candidate / FILE_NAME
        sys.audit("ecrlogin.read", str(path))  # looked for: an input of the run's answer
        try:
            if path.is_file():
                return path
        except OSError:  # a parent we may not look into: the search goes on above it
            continue
    return None


def load_project_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> ProjectFile:
    import tomllib

    path = path.absolute()
    text = _read_text(path, max_bytes)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # its message ends "(at line L, column C)"
        raise ProjectFileError(f"{path}: not valid TOML: {error}", _HINT) from None
    return _project(path, data)


def check_profiles(project: ProjectFile, known_profiles: Collection[str]) -> None:
    """Refuse a `[profiles]` entry that names a profile the AWS config does not have."""
    entries = [*project.profiles_by_host.items(), *project.profiles_by_account.items()]
    for key, profile in entries:
        if profile not in known_profiles:
            known = ", ".join(sorted(known_profiles)) or "none"
            raise ProjectFileError(
                f"{project.path}: {_profile_key(key)}: no profile named {profile!r} in the AWS "
                f"config (known profiles: {known})",
                "add that profile to the AWS config, or name one that exists",
            )


def _read_text(path: Path, max_bytes: int) -> str:
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ProjectFileError(f"{path}: cannot be read: {reason}", _HINT) from None
    if len(data) > max_bytes:
        raise ProjectFileError(f"{path}: larger than {max_bytes} bytes, not read", _HINT)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ProjectFileError(f"{path}: line {line}: not UTF-8 text", _HINT) from None


def _project(path: Path, data: dict[str, Any]) -> ProjectFile:
    def fail(key: str, problem: str) -> ProjectFileError:
        return ProjectFileError(f"{path}: {key}: {problem}", _HINT)

    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise fail(unknown[0], f"not a project file key (the keys are: {', '.join(KEYS)})")
    by_host, by_account = _profiles(data.get("profiles", {}), fail)
    return ProjectFile(
        path=path,
        registries=_registries(data.get("registries", []), path, fail),
        from_paths=_from_paths(data.get("from", []), path.parent, fail),
        min_ttl=_min_ttl(data.get("min_ttl"), fail),
        to=_to(data.get("to"), fail),
        profiles_by_host=MappingProxyType(by_host),
        profiles_by_account=MappingProxyType(by_account),
        verify=_verify(data.get("verify", False), fail),
    )


def _verify(value: object, fail: _Fail) -> bool:
    if not isinstance(value, bool):
        raise fail("verify", "not true or false")
    return value


def _strings(value: object, key: str, fail: _Fail) -> list[str]:
    if not isinstance(value, list):
        raise fail(key, "not a list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise fail(f"{key}[{index}]", "not a non-empty string")
    return cast(list[str], value)


def _registries(value: object, path: Path, fail: _Fail) -> tuple[FoundRegistry, ...]:
    from ecrlogin import registry
    from ecrlogin.errors import UsageError

    found = []
    for index, reference in enumerate(_strings(value, "registries", fail)):
        try:
            parsed = registry.parse(reference.strip())
        except UsageError as error:
            raise fail(f"registries[{index}]", error.message) from None
        found.append(FoundRegistry(parsed, reference.strip(), path.name))
    return tuple(found)


def _from_paths(value: object, folder: Path, fail: _Fail) -> tuple[Path, ...]:
    paths = []
    for index, entry in enumerate(_strings(value, "from", fail)):
        path = Path(os.path.normpath(folder / entry))
        sys.audit("ecrlogin.read", str(path))
        if not path.exists():
            raise fail(f"from[{index}]", f"{entry} does not exist (in {folder})")
        paths.append(path)
    return tuple(paths)


def _min_ttl(value: object, fail: _Fail) -> timedelta | None:
    from ecrlogin.durations import parse_duration

    if value is None:
        return None
    if not isinstance(value, str):
        raise fail("min_ttl", 'not a duration string such as "30m" or "2h"')
    try:
        return parse_duration(value)
    except ValueError as error:
        raise fail("min_ttl", str(error)) from None


def _to(value: object, fail: _Fail) -> SinkName | None:
    if value is None:
        return None
    if value not in SINK_NAMES:
        raise fail("to", f"{value!r} is not one of {', '.join(SINK_NAMES)}")
    return value


def _profiles(value: object, fail: _Fail) -> tuple[dict[str, str], dict[str, str]]:
    from ecrlogin import registry

    if not isinstance(value, dict):
        raise fail("profiles", "not a table of accounts or hosts to profile names")
    by_host: dict[str, str] = {}
    by_account: dict[str, str] = {}
    for key, profile in value.items():
        if isinstance(profile, dict):  # an unquoted host is a dotted key: nested tables
            raise fail(
                _profile_key(key),
                'a table, not a profile name (write a host in quotes: "ACCOUNT.dkr.ecr…" = "NAME")',
            )
        if not isinstance(profile, str) or not profile.strip():
            raise fail(_profile_key(key), "not a profile name")
        if registry.ACCOUNT_RE.fullmatch(key):
            by_account[key] = profile
        elif registry.is_ecr_host(key):
            by_host[key] = profile
        else:
            raise fail(_profile_key(key), "not a 12-digit account or an ECR host")
    return by_host, by_account


def _profile_key(key: str) -> str:
    import json  # TOML's basic strings quote as JSON's do

    return f"profiles.{json.dumps(key, ensure_ascii=False)}"
