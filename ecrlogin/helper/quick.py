"""The cache hit in as few imports as possible (os, time, _blake2, `lightjson`, `platforms`,
`awsfiles`): a memo of which cache entry answered a host, valid only while nothing that decides
the identity changed.

Routing and identity (`ecrlogin.helper.locate`) need dataclasses, pathlib, configparser and the
registry's partition data: about as much again as the interpreter's own start. Their answer for
a host depends only on the environment variables and files listed here, so the full path
records it with a digest of those inputs (every `AWS_*` variable but the secret key, and each
file's inode, size, mtime and ctime); a hit re-reads the token itself every time. Files are
read only when the effective user owns them and no one else may write them (a memo or token
planted by another user is no answer). An opaque source's entry is never remembered here: which
identity it is needs its credentials (`locate.entry_for`). Anything unexpected here means "no
quick answer": the full path decides, and warns where it must.
"""

from __future__ import annotations

import os
import stat
import time

from ecrlogin import lightjson, platforms
from ecrlogin.awsfiles import DEFAULT_CONFIG_FILE, DEFAULT_CREDENTIALS_FILE, expanded

try:  # hashlib would load OpenSSL first (~3 ms); the same BLAKE2 either way
    from _blake2 import blake2b
except ImportError:  # not CPython
    from hashlib import blake2b

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and collections cost a cache hit a few milliseconds
    from collections.abc import Mapping
    from typing import Any

MEMO_NAME = "routes.json"
VERSION = 2  # 2: every AWS_* variable and each file's ctime count (a version-1 memo is no answer)
TOKEN_VERSION = 1  # cache.VERSION
MIN_VALIDITY_SECONDS = 15 * 60  # as cache.MIN_VALIDITY (a unit test holds them equal)
MAX_BYTES = 1024 * 1024
# What routing.choose, identity.resolve and the state directory read besides AWS_* variables.
_VARIABLES = ("HOME", "ECRLOGIN_STATE_DIR", "XDG_STATE_HOME")
_SECRET = "AWS_SECRET_ACCESS_KEY"  # the key id names the key: the secret is never digested
_STATE_FILES = ("helper-hosts.json", "state.json")  # records.RECORDS_NAME, state.STATE_NAME
_OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def host_of(server_url: str) -> str | None:
    """As `registry.host_of`, without the registry module: None where it would refuse."""
    scheme, sep, rest = server_url.strip().partition("://")
    if sep and scheme not in ("https", "http"):
        return None
    return (rest if sep else scheme).split("/", 1)[0]


def inputs(directory: str, environ: Mapping[str, str]) -> str:
    """A digest of every input of routing and identity (variables and file versions)."""
    config = expanded(environ.get("AWS_CONFIG_FILE") or DEFAULT_CONFIG_FILE, environ)
    credentials = environ.get("AWS_SHARED_CREDENTIALS_FILE") or DEFAULT_CREDENTIALS_FILE
    paths = [config, expanded(credentials, environ)]
    paths += [os.path.join(directory, name) for name in _STATE_FILES]
    names = sorted(n for n in environ if n.startswith("AWS_") and n != _SECRET)
    seen: list[object] = [
        [(name, environ.get(name)) for name in (*_VARIABLES, *names)],
    ]
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            seen.append([path, None])
            continue
        seen.append([path, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns])
    return blake2b(repr(seen).encode(), digest_size=20).hexdigest()


def memo_path(directory: str) -> str:
    return os.path.join(directory, "helper-cache", MEMO_NAME)


def hit(server_url: str, environ: Mapping[str, str], now: float | None = None) -> str | None:
    """The cached password for `server_url` if the memo and the token both say so; else None."""
    directory = platforms.state_dir(environ)
    host = host_of(server_url)
    if not host:
        return None
    try:
        memo = _read(memo_path(directory))
        route = memo["routes"][host] if memo["version"] == VERSION else None
        if route is None or route["inputs"] != inputs(directory, environ):
            return None
        entry = os.path.join(directory, "helper-cache", os.path.basename(route["entry"]))
        token = _read(os.path.join(entry, "token.json"))
        expires, password = token["expires_epoch"], token["password"]
        ok = token["version"] == TOKEN_VERSION and isinstance(password, str) and password
        left = float(expires) - (time.time() if now is None else now)
        if ok and left >= MIN_VALIDITY_SECONDS:
            return str(password)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None


def _read(path: str) -> Any:
    """The JSON in `path`, a regular file the effective user owns and no one else may write
    (not followed if it is a symlink); else OSError."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()  # Windows: no owner
        if not stat.S_ISREG(info.st_mode) or not mine:
            raise OSError(f"{path}: not a file of this user's")
        if info.st_mode & _OTHERS_WRITE:
            raise OSError(f"{path}: others may write it")
        return lightjson.loads(handle.read(MAX_BYTES))


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
