"""Docker's `config.json`: where it is, what it says, and storing credentials exactly as
`docker login` does (`credHelpers[host]` > `credsStore` > `auths[host].auth`).

Every key ecrlogin does not own is kept as it is; the file is only ever replaced whole, under a
lock (see `ecrlogin.files`).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrlogin.errors import ConfigFileError
from ecrlogin.files import locked, read_json_object, real_path, write_json_atomic
from ecrlogin.platforms import home_dir
from ecrlogin.safepaths import check_trusted

CONFIG_NAME = "config.json"
ECR_LOGIN_HELPER = "ecr-login"  # amazon-ecr-credential-helper fetches its own tokens
USERNAME = "AWS"
log = logging.getLogger("ecrlogin")


def config_dir(
    explicit: str | None = None,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
) -> Path:
    """`--docker-config`, else `DOCKER_CONFIG`, else `.docker` in the home the docker CLI uses
    (%USERPROFILE% on Windows, $HOME elsewhere)."""
    if explicit:
        return Path(explicit).expanduser()
    if environ.get("DOCKER_CONFIG"):
        return Path(environ["DOCKER_CONFIG"]).expanduser()
    return home_dir(environ, platform) / ".docker"


@dataclass(frozen=True)
class Destination:
    """Where docker keeps the credentials of one host."""

    kind: str  # "config.json", "credsStore" or "credHelpers"
    helper: str | None = None

    @property
    def label(self) -> str:
        return self.kind if self.helper is None else f"{self.kind}:{self.helper}"

    @property
    def needs_nothing(self) -> bool:
        # credHelpers[host] or credsStore "ecr-login" (its README offers both) fetches its own
        # tokens, and its `store` is not implemented: nothing to store, nothing to erase
        return self.helper == ECR_LOGIN_HELPER


def destination(config: Mapping[str, Any], host: str) -> Destination:
    helper = (config.get("credHelpers") or {}).get(host)
    if helper:
        return Destination("credHelpers", helper)
    if config.get("credsStore"):
        return Destination("credsStore", config["credsStore"])
    return Destination("config.json")


def encode_auth(password: str) -> str:
    return base64.b64encode(f"{USERNAME}:{password}".encode()).decode()


def fingerprint(config: Mapping[str, Any], host: str) -> str | None:
    """A short digest of what docker holds for `host` (never reversible to the secret); the
    cache rules' own, so that a stored entry and the check of it cannot drift apart."""
    from ecrlogin.freshness import entry_fingerprint

    return entry_fingerprint(config, host)


def load(directory: Path, name: str = CONFIG_NAME) -> dict[str, Any]:
    """The config (or another file of its format: podman's auth.json), refused
    (ConfigFileError) when it is malformed or another user could have planted it (see
    `ecrlogin.safepaths`); a refused file is never written."""
    path = directory / name
    check_trusted(path)
    try:
        data = read_json_object(path)
    except ConfigFileError as error:
        raise ConfigFileError(f"{error.message}; left untouched", error.hint) from None
    _validate(data, path)
    return data


def _validate(data: Mapping[str, Any], path: Path) -> None:
    def refuse(problem: str) -> ConfigFileError:
        return ConfigFileError(f"{path}: {problem}; left untouched", "fix or remove that key")

    auths = data.get("auths", {})
    if not isinstance(auths, dict):
        raise refuse('"auths" is not an object')
    for host, entry in auths.items():
        if not isinstance(entry, dict):
            raise refuse(f'"auths" entry {host!r} is not an object')
        if not isinstance(entry.get("auth", ""), str):
            raise refuse(f'"auth" of {host!r} is not a string')
    helpers = data.get("credHelpers", {})
    if not isinstance(helpers, dict) or not all(isinstance(v, str) for v in helpers.values()):
        raise refuse('"credHelpers" is not an object of strings')
    if not isinstance(data.get("credsStore", ""), str):
        raise refuse('"credsStore" is not a string')


@contextlib.contextmanager
def editing(directory: Path, name: str = CONFIG_NAME) -> Iterator[dict[str, Any]]:
    """Lock, load, let the caller change the config, and write it back if it changed.

    `name`: another file of the same format (podman's auth.json).
    """
    path = directory / name
    check_trusted(path)  # before the lock creates a planted link's missing directories
    target = real_path(path)
    with locked(target.parent):
        data = load(directory, name)
        before = copy.deepcopy(data)
        yield data
        if data != before:
            # written through the checked link: a token never lands in a file others can read
            # (write_json_atomic makes a group- or world-readable file 0600, with a warning)
            write_json_atomic(path, data)


def docker_hostname(key: str) -> str:
    """The host docker reads a config key as (its ConvertToHostname): scheme and path dropped,
    so `HOST`, `HOST/`, `https://HOST`, `https://HOST/` and `https://HOST/v2/` are one host."""
    for scheme in ("https://", "http://"):
        key = key.removeprefix(scheme)
    return key.split("/", 1)[0]


def spellings(config: Mapping[str, Any], host: str) -> list[str]:
    """Every key of `auths` that docker matches to `host`."""
    return [key for key in config.get("auths") or {} if docker_hostname(key) == host]


def set_entry(config: dict[str, Any], host: str, entry: dict[str, str]) -> None:
    """Set `auths[host]`, dropping the other spellings of that host docker may still hold."""
    auths = config.setdefault("auths", {})
    for key in spellings(config, host):
        if key != host:
            auths.pop(key)
    auths[host] = entry


def remove_entry(config: dict[str, Any], host: str) -> bool:
    """Remove `host` in every spelling docker matches; whether there was one."""
    auths = config.get("auths") or {}
    removed = [auths.pop(key) for key in spellings(config, host)]
    return bool(removed)


def hosts(config: Mapping[str, Any]) -> list[str]:
    """Every host named in `auths` or `credHelpers` as docker reads it, in first-seen order."""
    names = [*(config.get("auths") or {}), *(config.get("credHelpers") or {})]
    return list(dict.fromkeys(docker_hostname(name) for name in names))
