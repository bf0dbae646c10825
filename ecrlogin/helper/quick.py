"""The cache hit in as few imports as possible (os, time, _blake2, `lightjson`): a memo of
which cache entry answered a host, valid only while nothing that decides the identity changed.

Routing and identity (`ecrlogin.helper.locate`) need dataclasses, pathlib, configparser and the
registry's partition data: about as much again as the interpreter's own start. Their answer for
a host depends only on the environment variables and files listed here, so the full path
records it with a digest of those inputs; a hit re-reads the token itself every time. Anything
unexpected here means "no quick answer": the full path decides, and warns where it must.
"""

from __future__ import annotations

import os
import sys
import time

from ecrlogin import lightjson

try:  # hashlib would load OpenSSL first (~3 ms); the same BLAKE2 either way
    from _blake2 import blake2b
except ImportError:  # not CPython
    from hashlib import blake2b

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and collections cost a cache hit a few milliseconds
    from collections.abc import Mapping
    from typing import Any

MEMO_NAME = "routes.json"
VERSION = 1
MIN_VALIDITY_SECONDS = 15 * 60  # as cache.MIN_VALIDITY (a unit test holds them equal)
# Everything routing.choose and identity.resolve read from the environment.
_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "HOME",
)
_STATE_FILES = ("helper-hosts.json", "state.json")  # records.RECORDS_NAME, state.STATE_NAME


def state_dir(environ: Mapping[str, str]) -> str | None:
    """ecrlogin's state directory where it is knowable without platformdirs (else None)."""
    if environ.get("ECRLOGIN_STATE_DIR"):
        return os.path.expanduser(environ["ECRLOGIN_STATE_DIR"])
    if sys.platform == "linux":
        base = environ.get("XDG_STATE_HOME", "").strip() or os.path.expanduser("~/.local/state")
        return os.path.join(base, "ecrlogin")
    return None


def host_of(server_url: str) -> str | None:
    """As `registry.host_of`, without the registry module: None where it would refuse."""
    scheme, sep, rest = server_url.strip().partition("://")
    if sep and scheme not in ("https", "http"):
        return None
    return (rest if sep else scheme).split("/", 1)[0]


def inputs(directory: str, environ: Mapping[str, str]) -> str:
    """A digest of every input of routing and identity (variables and file versions)."""
    config = environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
    credentials = environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    paths = [os.path.expanduser(config), os.path.expanduser(credentials)]
    paths += [os.path.join(directory, name) for name in _STATE_FILES]
    seen: list[object] = [[environ.get(name) for name in _VARIABLES]]
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            seen.append([path, None])
            continue
        seen.append([path, st.st_ino, st.st_size, st.st_mtime_ns])
    return blake2b(repr(seen).encode(), digest_size=20).hexdigest()


def memo_path(directory: str) -> str:
    return os.path.join(directory, "helper-cache", MEMO_NAME)


def hit(server_url: str, environ: Mapping[str, str], now: float | None = None) -> str | None:
    """The cached password for `server_url` if the memo and the token both say so; else None."""
    directory = state_dir(environ)
    host = host_of(server_url)
    if directory is None or not host:
        return None
    try:
        route = _read(memo_path(directory))["routes"][host]
        if route["inputs"] != inputs(directory, environ):
            return None
        entry = os.path.join(directory, "helper-cache", os.path.basename(route["entry"]))
        token = _read(os.path.join(entry, "token.json"))
        expires, password = token["expires_epoch"], token["password"]
        ok = token["version"] == VERSION and isinstance(password, str) and password
        left = float(expires) - (time.time() if now is None else now)
        if ok and left >= MIN_VALIDITY_SECONDS:
            return str(password)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None


def _read(path: str) -> Any:
    with open(path, "rb") as handle:
        return lightjson.loads(handle.read())


def remember(directory: str, host: str, entry: str, digest: str) -> None:
    """Record that `entry` answers `host` while `inputs()` is `digest` (taken before routing)."""
    from pathlib import Path

    from ecrlogin.errors import ConfigFileError
    from ecrlogin.files import locked, read_json_object, write_json_atomic

    path = Path(memo_path(directory))
    try:
        with locked(path.parent, timeout=2):
            try:
                data = read_json_object(path)
            except ConfigFileError:  # torn or foreign: a memo is rebuilt, never repaired
                data = {}
            routes = data.get("routes") if data.get("version") == VERSION else None
            routes = routes if isinstance(routes, dict) else {}
            if routes.get(host) != {"inputs": digest, "entry": entry}:
                routes[host] = {"inputs": digest, "entry": entry}
                write_json_atomic(path, {"version": VERSION, "routes": routes})
    except Exception:  # a memo that cannot be written costs speed, never correctness
        return
