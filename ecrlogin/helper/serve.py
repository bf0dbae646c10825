"""What the helper's commands do, on plain values: `get` (cache, else one fetch per identity and
region), `erase`, `list`, and `fill` (the `--to helper` sink's way in)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ecrlogin import registry as ecr
from ecrlogin.errors import ConfigFileError, EcrLoginError, UsageError
from ecrlogin.helper import cache, locate, quick, records
from ecrlogin.registry import Registry

if TYPE_CHECKING:
    from ecrlogin.helper.fetch import Fetcher

Clock = Callable[[], datetime]
Warn = Callable[[str], None]
DEFAULT_TTL = timedelta(hours=1)  # if AWS ever answers without an expiry


def utc_now() -> datetime:
    return datetime.now(UTC)


def stderr_warning(message: str) -> None:
    print(f"docker-credential-ecrlogin: {message}", file=sys.stderr)


class NotEcr(Exception):
    """Not an ECR registry: docker must carry on without credentials."""


class HelperFailure(EcrLoginError):
    """A fetch failed (now, or a moment ago and still remembered)."""


@dataclass(frozen=True)
class Answer:
    server_url: str
    secret: str = field(repr=False)
    fetched: bool  # False: served from the cache


def parse(server_url: str) -> Registry:
    try:
        return ecr.parse(server_url.strip())
    except UsageError:
        raise NotEcr(server_url) from None


def get(
    server_url: str,
    *,
    environ: Mapping[str, str] = os.environ,
    state_dir: Path | None = None,
    now: Clock = utc_now,
    fetcher: Fetcher | None = None,
    warn: Warn = stderr_warning,
) -> Answer:
    """The password for `server_url`: cached while valid >= 15 min, else fetched once.

    The full path: `quick.hit` (tried first by `main`) answers most hits with fewer imports.
    """
    registry = parse(server_url)
    directory = state_dir or locate.state_dir(environ)
    inputs = quick.inputs(str(directory), environ)  # before routing reads them
    where = locate.place(registry, directory, environ)
    answer = _answer(where, server_url, directory, now, fetcher, warn)
    if where.memo:
        quick.remember(str(directory), registry.host, where.directory.name, inputs)
    return answer


def _answer(
    where: locate.Place,
    server_url: str,
    directory: Path,
    now: Clock,
    fetcher: Fetcher | None,
    warn: Warn,
) -> Answer:
    if not where.cacheable:  # an opaque source that gives no credentials now: it reports why
        return _fetch_uncached(where, server_url, fetcher)
    try:
        entry = cache.read_entry(where.directory)
    except cache.CorruptEntry:
        entry = None  # dropped, with a warning, under the lock below
    if entry is not None and entry.usable(now()):
        return Answer(server_url, entry.password, fetched=False)
    remembered = cache.read_failure(where.directory, now())
    if remembered is not None:
        raise HelperFailure(remembered.message)
    try:
        return _fetch_once(where, server_url, directory, now, fetcher, warn)
    except CacheUnusable as unusable:  # a cache never fails a `get`: fetched without it
        warn(f"the token cache cannot be used ({unusable}); fetched without it")
        return _fetch_uncached(where, server_url, fetcher)


class CacheUnusable(Exception):
    """The entry's directory cannot be made or locked (its message says why)."""


def _fetch_uncached(where: locate.Place, server_url: str, fetcher: Fetcher | None) -> Answer:
    try:
        token = (fetcher or _real_fetcher())(where.registry, where.profile)
    except EcrLoginError as error:
        raise HelperFailure(error.one_line()) from None
    return Answer(server_url, token.password, fetched=True)


def _fetch_once(
    where: locate.Place,
    server_url: str,
    directory: Path,
    now: Clock,
    fetcher: Fetcher | None,
    warn: Warn,
) -> Answer:
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(cache.holding(where.directory))
        except (ConfigFileError, OSError) as error:
            raise CacheUnusable(_reason(error)) from None
        entry = _readable(where.directory, warn)
        if entry is not None and entry.usable(now()):
            return Answer(server_url, entry.password, fetched=False)  # fetched while we waited
        remembered = cache.read_failure(where.directory, now())
        if remembered is not None:
            raise HelperFailure(remembered.message)
        try:
            token = (fetcher or _real_fetcher())(where.registry, where.profile)
        except EcrLoginError as error:
            message = error.one_line()
            with contextlib.suppress(ConfigFileError, OSError):  # a cache: speed only
                cache.write_failure(where.directory, message, now())
            raise HelperFailure(message) from None
        hosts = (*(entry.hosts if entry else ()), where.registry.host)
        fresh = cache.Entry(
            token.password,
            token.expires_at or now() + DEFAULT_TTL,
            token.account,
            tuple(dict.fromkeys(hosts)),
        )
        try:
            cache.write_entry(where.directory, fresh)
        except (ConfigFileError, OSError) as error:
            warn(f"the token cache cannot be written ({_reason(error)}); the token is not kept")
    cache.sweep(directory, now())
    return Answer(server_url, fresh.password, fetched=True)


def _reason(error: Exception) -> str:
    if isinstance(error, ConfigFileError):
        return error.message
    return f"{getattr(error, 'filename', '') or ''}: {getattr(error, 'strerror', '') or error}"


def _readable(directory: Path, warn: Warn) -> cache.Entry | None:
    """The entry, the lock held; a corrupt one is dropped with a warning, never served."""
    try:
        return cache.read_entry(directory)
    except cache.CorruptEntry as error:
        warn(f"the cached token in {error} was unreadable; dropped it and fetching a new one")
        cache.drop(directory)
        return None


def _real_fetcher() -> Fetcher:
    from ecrlogin.helper.fetch import fetch

    return fetch


def erase(
    server_url: str, *, environ: Mapping[str, str] = os.environ, state_dir: Path | None = None
) -> bool:
    """Drop every cached token that opens `server_url` (any identity); True if one was there."""
    registry = parse(server_url)
    directory = state_dir or locate.state_dir(environ)
    service = "ecr-public" if registry.public else "ecr"
    prefix = cache.key(service, registry.region, "")
    dropped = False
    for entry_dir, _entry in list(cache.entries(directory)):
        if entry_dir.name.startswith(prefix):
            with cache.holding(entry_dir):
                dropped = cache.drop(entry_dir) or dropped
                cache.drop(entry_dir, cache.FAILURE_NAME)
    return dropped


def listing(
    *, environ: Mapping[str, str] = os.environ, state_dir: Path | None = None, now: Clock = utc_now
) -> dict[str, str]:
    """`{host: "AWS"}` for every host set up for the helper or served from a live token."""
    directory = state_dir or locate.state_dir(environ)
    hosts = list(records.load(directory))
    current = now()
    for _dir, entry in cache.entries(directory):
        if entry.expires_at > current:
            hosts += entry.hosts
    return dict.fromkeys(sorted(set(hosts)), "AWS")


def fill(
    registry: Registry,
    profile: str | None,
    password: str,
    expires_at: datetime | None,
    *,
    environ: Mapping[str, str] = os.environ,
    state_dir: Path | None = None,
    now: Clock = utc_now,
) -> Path:
    """Put a token ecrlogin just fetched where `get` will look for it; returns the entry dir."""
    directory = state_dir or locate.state_dir(environ)
    where = locate.entry_for(registry, profile, directory, environ)
    with cache.holding(where.directory):
        try:
            old = cache.read_entry(where.directory)
        except cache.CorruptEntry:
            old = None
        hosts = (*(old.hosts if old else ()), registry.host)
        entry = cache.Entry(
            password, expires_at or now() + DEFAULT_TTL, None, tuple(dict.fromkeys(hosts))
        )
        cache.write_entry(where.directory, entry)
    return where.directory
