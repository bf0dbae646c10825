"""Logging in: targets → (cached? planned?) → tokens, concurrently → daemon check → stores → state.

The core of ecrlogin. It takes plain values, returns frozen `Result`s, never prints, and takes
its collaborators (session factory, daemon client, clock, environment) as keyword arguments.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, as_completed
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrlogin import registry, state
from ecrlogin.errors import EcrLoginError
from ecrlogin.flows.model import Fetched, Outcome, Result, Settings
from ecrlogin.flows.targets import Request, Target, TokenKey, plan
from ecrlogin.identity import profiles
from ecrlogin.sinks import dockerconfig

__all__ = ["Outcome", "Result", "Settings", "login", "password", "utc_now"]

if TYPE_CHECKING:  # the cached path must not pay for threads and botocore's error types
    from ecrlogin.aws.calls import AwsCalls

Clock = Callable[[], datetime]
Progress = Callable[[int, int], None]
log = logging.getLogger("ecrlogin")


def utc_now() -> datetime:
    return datetime.now(UTC)


def login(
    request: Request,
    settings: Settings,
    *,
    regions_of: Callable[[str | None], Sequence[str]] | None = None,
    calls: AwsCalls | None = None,
    daemon_client: Callable[[], Any] | None = None,
    clock: Clock = utc_now,
    environ: Mapping[str, str] = os.environ,
    progress: Progress | None = None,
    notes: Sequence[str] = (),
) -> Outcome:
    """Log in to every target of `request`.

    `regions_of(profile)` gives the regions of the profile's own registry (all-regions passes
    its discovered lists); by default the `-r` regions, else the profile's configured region.
    It may raise `EcrLoginError`: that profile then fails on its own row.
    """
    config = dockerconfig.load(settings.docker_config)  # refuse a bad file before any call
    known = state.load(settings.state_dir)
    aws_calls = _LazyCalls(calls)
    try:
        failures: list[Result] = []
        find_regions = regions_of or default_regions(request, settings, aws_calls, environ)

        def regions_or_failure(profile: str | None) -> Sequence[str]:
            try:
                return find_regions(profile)
            except EcrLoginError as error:
                shown = profiles.display_profile(profile, environ)
                failures.append(Result("", shown, "failed", error=error.one_line()))
                return []

        targets = plan(request, regions_or_failure)
        log.debug("%d target(s): %s", len(targets), ", ".join(map(_describe, targets)))
        results: dict[Target, Result] = {}
        pending: list[Target] = []
        now = clock()
        for target in targets:
            source = profiles.identity_source(target.profile, environ)
            reg = target.registry(None if target.public else known.account_of(source))
            record = known.find(source, reg.host) if reg else None
            if settings.dry_run:
                shown = profiles.display_profile(target.profile, environ)
                results[target] = Result(target.region, shown, "planned", reg)
            elif cached := _cached(record, config, now, settings):
                log.info(
                    "%s: still valid until %s, skipped",
                    cached.registry and cached.registry.host,
                    cached.expires_at,
                )
                results[target] = cached
            else:
                pending.append(target)
        if pending:
            began = time.monotonic()
            fetched = _fetch(pending, aws_calls(), environ, progress, results)
            log.debug("AWS calls done in %.0f ms", (time.monotonic() - began) * 1000)
            from ecrlogin.flows.deliver import deliver

            deliver(fetched, settings, daemon_client, environ, results)
    finally:
        aws_calls.close()
    ordered = [results[t] for t in targets if t in results]
    return Outcome((*failures, *_one_per_host(ordered)), tuple(notes))


def _one_per_host(results: list[Result]) -> list[Result]:
    """Your own account named again with -a is one registry, shown once."""
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for result in results:
        key = (result.registry.host, result.profile) if result.registry else None
        if key is None or key not in seen:
            kept.append(result)
        if key is not None:
            seen.add(key)
    return kept


class _LazyCalls:
    """The run's `AwsCalls`, made on first use: the cached no-op never needs one."""

    def __init__(self, given: AwsCalls | None) -> None:
        self._given = given
        self._made: AwsCalls | None = None

    def __call__(self) -> AwsCalls:
        if self._given is not None:
            return self._given
        if self._made is None:
            from ecrlogin.aws.calls import AwsCalls

            self._made = AwsCalls()
        return self._made

    def close(self) -> None:
        if self._made is not None:
            self._made.close()


def _describe(target: Target) -> str:
    account = "public" if target.public else target.account or "own"
    return f"{target.profile or 'default'}/{target.region}/{account}"


def default_regions(
    request: Request,
    settings: Settings,
    calls: Callable[[], AwsCalls],
    environ: Mapping[str, str],
) -> Callable[[str | None], list[str]]:
    """The `-r` regions; else none when registries are named; else the profile's own region."""

    def regions_of(profile: str | None) -> list[str]:
        if request.regions or request.registries:
            return list(request.regions)
        region = profiles.configured_region(profile, environ)
        if region is None and not settings.dry_run:
            region = calls().session_region(profile)
        if region is None:
            raise EcrLoginError(
                f"no region set for {f'profile {profile!r}' if profile else 'the default profile'}",
                "pass -r REGION, or run `aws configure set region REGION`",
            )
        return [registry.check_configured_region(region, profile)]

    return regions_of


def regions_to_refresh(
    settings: Settings, *, environ: Mapping[str, str] = os.environ, clock: Clock = utc_now
) -> Callable[[str | None], set[str]]:
    """Per profile, the regions of its own registry that ecrlogin stored before and would fetch
    again now (expired, rewritten since, or --force): all-regions asks for those tokens while
    DescribeRegions is still in flight, instead of one round trip after it."""
    if settings.dry_run:
        return lambda profile: set()
    known = state.load(settings.state_dir)
    try:
        config = dockerconfig.load(settings.docker_config)
    except EcrLoginError:
        return lambda profile: set()  # login() reports the file
    now = clock()

    def regions(profile: str | None) -> set[str]:
        source = profiles.identity_source(profile, environ)
        account = known.account_of(source)
        return {
            record.region
            for record in known.records
            if record.source == source
            and account is not None
            and record.host == registry.build(account, record.region).host
            and _cached(record, config, now, settings) is None
        }

    return regions


def _cached(
    record: state.Record | None, config: Mapping[str, Any], now: datetime, settings: Settings
) -> Result | None:
    """A `cached` result if ecrlogin's own entry is still there and valid for min-ttl."""
    if settings.force or record is None or record.expires_at is None:
        return None
    if record.fingerprint is None or record.fingerprint != dockerconfig.fingerprint(
        config, record.host
    ):
        return None  # removed, or rewritten since by another tool
    if record.expires_at - now < settings.min_ttl:
        return None
    from ecrlogin import registry

    return Result(
        record.region,
        record.profile,
        "cached",
        registry.parse(record.host),
        record.identity,
        record.expires_at,
        record.stored_in,
    )


def _fetch(
    pending: list[Target],
    calls: AwsCalls,
    environ: Mapping[str, str],
    progress: Progress | None,
    results: dict[Target, Result],
) -> list[Fetched]:
    """One token per (profile, region) and one identity per profile, all at once."""
    keys = list(dict.fromkeys(t.token_key for t in pending))
    log.info("fetching %d token(s) for %d target(s)", len(keys), len(pending))
    token_futures: dict[TokenKey, Future[Any]] = {k: calls.token(k) for k in keys}
    # AwsCalls asks once per profile (all-regions may have asked already).
    identity_futures = {k.profile: calls.identity(k.profile, k.region) for k in keys}
    everything = [*token_futures.values(), *identity_futures.values()]
    for done, _ in enumerate(as_completed(everything), start=1):
        if progress:
            progress(done, len(everything))
    fetched = []
    for target in pending:
        profile = profiles.display_profile(target.profile, environ)
        token_future = token_futures[target.token_key]
        identity_future = identity_futures[target.profile]
        identity = None if identity_future.exception() else identity_future.result()
        error = token_future.exception()
        if error is None:
            token = token_future.result()
            account = token.account or (identity.account if identity else None)
            reg = target.registry(account)
            if reg is not None:
                fetched.append(
                    Fetched(
                        target,
                        reg,
                        token.password,
                        token.expires_at,
                        identity.arn if identity else None,
                        account,
                    )
                )
                continue
            error = EcrLoginError("the caller's account could not be learned")
        if not isinstance(error, EcrLoginError):
            raise error  # a bug: the one handler at the top reports it
        known_account = identity.account if identity else None  # STS may answer where ECR fails
        results[target] = Result(
            target.region,
            profile,
            "failed",
            target.registry(known_account),
            identity.arn if identity else None,
            error=error.one_line(),
        )
    return fetched


def password(
    profile: str | None,
    region: str | None,
    *,
    public: bool = False,
    calls: AwsCalls | None = None,
    environ: Mapping[str, str] = os.environ,
) -> str:
    """One registry password, for `ecrlogin password` (a drop-in for get-login-password)."""
    aws_calls = _LazyCalls(calls)
    try:
        if public:
            from ecrlogin.registry import PUBLIC_REGION

            key = TokenKey(profile, PUBLIC_REGION, public=True)
        else:
            request = Request(regions=(region,) if region else ())
            settings = Settings(Path(), Path())
            (found,) = default_regions(request, settings, aws_calls, environ)(profile)
            key = TokenKey(profile, found)
        secret: str = aws_calls().token(key).result().password
        return secret
    finally:
        aws_calls.close()
