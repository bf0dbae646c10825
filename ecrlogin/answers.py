"""The full CLI's stored answers, and the fast path's replay of them.

When a run of the full CLI ends in an answer that may be repeated (every row `cached`, nothing
written, stdout only; see `flows.recorder`), it stores that answer under a digest of every input
that could change it: the command line as given, the environment variables ecrlogin, botocore
and rich read (`environment`), the working directory, and the identity (device, inode, size,
mtime, ctime, mode, owner) of every file and folder the run looked at, with the mode and owner of
each folder on their way. A later run with the same inputs, before the answer's `valid_until`,
prints the stored text and exits with the stored code; anything else is the full CLI's.

This module decides nothing about registries, profiles or tokens: it compares. Standard library
only, and only its light parts: the fast path pays every import (see docs/performance.md).
"""

from __future__ import annotations

import os
import sys

from ecrlogin import lightjson
from ecrlogin.freshness import sha256

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

ANSWERS_NAME = "answers.json"  # in ecrlogin's state directory
VERSION = 1
MAX_ANSWERS = 32  # one per command line in use; the oldest go first
MAX_BYTES = 1 << 20
# Every variable with one of these prefixes, or one of these names, is an input of the answer.
ENV_PREFIXES = ("AWS_", "ECRLOGIN_", "XDG_", "DOCKER_", "BOTO", "HELM_", "REGISTRY_", "LC_")
ENV_NAMES = frozenset(
    {"HOME", "USERPROFILE", "LOCALAPPDATA", "APPDATA", "PATH", "LANG", "TZ", "TERM", "COLUMNS"}
    | {"LINES", "NO_COLOR", "FORCE_COLOR", "PYTHONIOENCODING", "PYTHONUTF8", "_ECRLOGIN_COMPLETE"}
)
NOT_INPUTS = frozenset({"ECRLOGIN_NO_FASTPATH"})  # it chooses the path, not the answer
# Read as a whole into the digest, never kept: only a digest of the digest is stored.
SECRETS = frozenset({"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"})


def environment(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """The variables that are inputs of an answer, sorted; secrets by their SHA-256."""
    chosen = []
    for name, value in environ.items():
        if name in NOT_INPUTS or not (name in ENV_NAMES or name.startswith(ENV_PREFIXES)):
            continue
        if name in SECRETS:
            value = "sha256:" + sha256(value.encode("utf-8", "surrogateescape")).hexdigest()
        chosen.append((name, value))
    return sorted(chosen)


def key(argv: Sequence[str], environ: Mapping[str, str], cwd: str) -> str:
    """Which stored answer a run would be: its command line, environment and folder."""
    parts = ["argv", *argv, "env", *(f"{n}={v}" for n, v in environment(environ))]
    parts += ["cwd", cwd, "python", sys.version, sys.executable, "ecrlogin", _package()]
    return _hash(parts)


def _package() -> str:
    """ecrlogin's own folder: an upgrade replaces its files (its mtime changes)."""
    return identity(os.path.dirname(os.path.abspath(__file__)))


def digest(answer_key: str, files: Iterable[str]) -> str:
    """The key and the identity of each file and folder read, each folder on their way too."""
    parts = [answer_key]
    on_the_way: dict[str, None] = {}
    for path in files:
        parts += [path, identity(path)]
        folder = os.path.dirname(path)
        while folder not in on_the_way:
            on_the_way[folder] = None
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    parts += [f"{folder}:{_owner_and_mode(folder)}" for folder in sorted(on_the_way)]
    return _hash(parts)


def identity(path: str) -> str:
    """What changes whenever the file (or the folder's list of entries) changes: a write that
    keeps size and mtime still moves ctime."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"error {error.errno}"
    return (
        f"{info.st_dev} {info.st_ino} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns}"
        f" {info.st_mode} {info.st_uid} {_owner_and_mode(path, follow=False)}"
    )


def _owner_and_mode(path: str, *, follow: bool = False) -> str:
    """A folder on the way (or a link in place of a file): who owns it, who may write to it."""
    try:
        info = os.stat(path, follow_symlinks=follow)
    except OSError as error:
        return f"error {error.errno}"
    return f"{info.st_ino} {info.st_mode} {info.st_uid} {info.st_gid}"


def _hash(parts: Sequence[str]) -> str:
    data = "\0".join(f"{len(part)}:{part}" for part in parts)
    return str(sha256(data.encode("utf-8", "surrogateescape")).hexdigest())


def answers_file(state_dir: str) -> str:
    return os.path.join(state_dir, ANSWERS_NAME)


def replay(
    argv: Sequence[str], environ: Mapping[str, str], *, cwd: str, now: float, state_dir: str
) -> tuple[str, int] | None:
    """(stdout, exit code) of the stored answer of this run, if every input is as it was and
    the answer still holds at `now` (seconds since the epoch); else None."""
    from ecrlogin.safepaths import trusted

    path = answers_file(state_dir)
    if not trusted(path):
        return None
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_BYTES + 1)
        stored = lightjson.loads(raw) if len(raw) <= MAX_BYTES else None
    except (OSError, ValueError, RecursionError):
        return None
    answers = stored.get("answers") if isinstance(stored, dict) else None
    if not isinstance(stored, dict) or stored.get("version") != VERSION:
        return None
    answer_key = key(argv, environ, cwd)
    answer = answers.get(answer_key) if isinstance(answers, dict) else None
    return _checked(answer, answer_key, now)


def _checked(answer: object, answer_key: str, now: float) -> tuple[str, int] | None:
    if not isinstance(answer, dict):
        return None
    files, stdout, code = answer.get("files"), answer.get("stdout"), answer.get("exit")
    valid_until = answer.get("valid_until")
    if not (
        isinstance(files, list)
        and all(isinstance(f, str) for f in files)
        and isinstance(stdout, str)
        and type(code) is int
        and isinstance(valid_until, int | float)
    ):
        return None
    if now >= valid_until:
        return None
    if answer.get("digest") != digest(answer_key, files):
        return None
    return stdout, code
