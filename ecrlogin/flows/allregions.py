"""`ecrlogin all-regions`: log in to the caller's registry in every region enabled for each
profile's account (`ec2:DescribeRegions`, all profiles at once), filtered by --include/--exclude.

Where DescribeRegions is denied, and with --dry-run, the partition's region list from botocore's
data stands in, and a note says so.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ecrlogin import freshness, regionfilter, registry, state
from ecrlogin.aws import sdk
from ecrlogin.aws.calls import AwsCalls
from ecrlogin.aws.errors import AccessDeniedError
from ecrlogin.aws.keys import TokenKey
from ecrlogin.errors import ConfigFileError, EcrLoginError
from ecrlogin.flows import login as login_flow
from ecrlogin.flows.lazycalls import LazyCalls, forget
from ecrlogin.flows.model import Outcome, Request, Settings
from ecrlogin.identity import profiles
from ecrlogin.identity.identity import resolve

if TYPE_CHECKING:
    from ecrlogin.flows.signin import Prompt

FALLBACK_HOME_REGION = "us-east-1"


def all_regions(
    request: Request,
    settings: Settings,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    calls: object = None,
    environ: Mapping[str, str] = os.environ,
    clock: login_flow.Clock = login_flow.utc_now,
    daemon_client: Callable[[], object] | None = None,
    progress: Callable[[int, int], None] | None = None,
    prompt: Prompt | str | None = "terminal",
) -> Outcome:
    """Discover each profile's regions (the list remembered for its identity while younger
    than 24 h, else DescribeRegions, asking early for the tokens of regions stored before), then
    log in to all of them in one `login`. A profile that failed for want of an SSO session is
    offered a sign-in (`prompt`), then run again from discovery on."""

    runs: list[Request] = []

    def once(asked: Request) -> Outcome:
        runs.append(asked)
        if len(runs) > 1:
            forget(calls)
        return _all_regions(
            asked,
            settings,
            include=include,
            exclude=exclude,
            calls=calls,
            environ=environ,
            clock=clock,
            daemon_client=daemon_client,
            progress=progress,
        )

    return login_flow.with_sign_in(once, request, prompt, settings, progress)


def _all_regions(
    request: Request,
    settings: Settings,
    *,
    include: Sequence[str],
    exclude: Sequence[str],
    calls: object,
    environ: Mapping[str, str],
    clock: login_flow.Clock,
    daemon_client: Callable[[], object] | None,
    progress: Callable[[int, int], None] | None,
) -> Outcome:
    keys = {p: _identity_key(p, environ) for p in request.profiles_or_default}
    known = state.load(settings.state_dir)  # read once: discovery and login both use it
    remembered = _remembered(keys, known, settings, clock())
    login = functools.partial(
        login_flow.login,
        request,
        settings,
        known=known,
        environ=environ,
        clock=clock,
        daemon_client=daemon_client,
        progress=progress,
        prompt=None,  # all_regions asks, once, around the whole run
    )
    if all(p in remembered for p in keys):  # no AWS call needed to know the regions
        found = Discovery(
            {p: _filtered(regions, include, exclude) for p, regions in remembered.items()}
        )
        outcome = login(calls=calls, regions_of=found.regions_of)
        return replace(outcome, holds_until=_lists_end(keys.values(), known))
    with LazyCalls(calls, state_dir=settings.state_dir) as aws:
        found = discover(
            request.profiles_or_default,
            aws(),
            include=include,
            exclude=exclude,
            dry_run=settings.dry_run,
            environ=environ,
            likely=login_flow.regions_to_refresh(
                settings, known=known, environ=environ, clock=clock
            ),
            caller_known=_caller_known(known, environ),
            **({"remembered": remembered} if remembered else {}),
        )
        asked = {keys[p]: regions for p, regions in found.asked.items() if keys.get(p)}
        _remember(settings, {key: regions for key, regions in asked.items() if key}, clock())
        outcome = login(calls=aws(), regions_of=found.regions_of, notes=found.notes)
        return replace(outcome, holds_until=clock())  # AWS was asked: no answer to repeat


def _lists_end(keys: Iterable[str | None], known: state.State) -> datetime | None:
    """When the first of the remembered region lists of these identities is forgotten."""
    lists = known.regions or {}
    asked = [lists[key].get("at") for key in keys if key and isinstance(lists.get(key), dict)]
    moments = [datetime.fromisoformat(at) for at in asked if isinstance(at, str)]
    return min(moments) + freshness.REGION_LIST_LIFE if moments else None


def _identity_key(profile: str | None, environ: Mapping[str, str]) -> str | None:
    """The key its region list is remembered under; None for an opaque source (instance role,
    container, `credential_process`): its account may change with no input changing, so its
    regions are asked every run."""
    identity = resolve(profile, environ)
    return identity.key if identity.cacheable else None


def _caller_known(known: state.State, environ: Mapping[str, str]) -> Callable[[str | None], bool]:
    """Whether the state remembers who the profile is (then login asks STS nothing)."""
    remembered = login_flow.remembered_caller(known)
    return lambda profile: remembered(resolve(profile, environ)) is not None


def _remembered(
    keys: Mapping[str | None, str | None], known: state.State, settings: Settings, now: datetime
) -> dict[str | None, list[str]]:
    """The region lists still remembered (24 h) for these identities; none with --force (which
    asks again, so a region enabled since is picked up) or --dry-run."""
    if settings.force or settings.dry_run:
        return {}
    lists = known.regions or {}
    found = {p: freshness.remembered_regions(lists.get(key), now) for p, key in keys.items() if key}
    return {p: regions for p, regions in found.items() if regions is not None}


def _remember(settings: Settings, lists: Mapping[str, list[str]], now: datetime) -> None:
    if not lists or settings.dry_run:
        return
    entries = {key: freshness.region_list_entry(regions, now) for key, regions in lists.items()}
    with contextlib.suppress(ConfigFileError):  # the login's own save reports the directory
        state.remember_regions(settings.state_dir, entries)


@dataclass(frozen=True)
class Discovery:
    regions: Mapping[str | None, list[str] | EcrLoginError]
    notes: tuple[str, ...] = field(default=())
    asked: Mapping[str | None, list[str]] = field(default_factory=dict)  # DescribeRegions said

    def regions_of(self, profile: str | None) -> list[str]:
        found = self.regions[profile]
        if isinstance(found, EcrLoginError):
            raise found
        return found


def discover(
    profile_names: Sequence[str | None],
    calls: AwsCalls,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    dry_run: bool = False,
    environ: Mapping[str, str] = os.environ,
    likely: Callable[[str | None], Collection[str]] = lambda profile: (),
    remembered: Mapping[str | None, list[str]] | None = None,
    caller_known: Callable[[str | None], bool] = lambda profile: False,
) -> Discovery:
    """The regions of each profile.

    While DescribeRegions is in flight, the tokens of `likely(profile)` (regions whose token the
    run will fetch anyway and that were enabled last time) are already asked for, and ECR
    clients are made for the other candidates; a token of a region that turns out not to be
    enabled is simply not used. GetCallerIdentity goes out early too, unless `caller_known`.
    """
    found: dict[str | None, list[str] | EcrLoginError] = {}
    homes: dict[str | None, str] = {}
    asked_lists: dict[str | None, list[str]] = {}
    for profile in profile_names:
        if remembered and profile in remembered:
            found[profile] = _filtered(remembered[profile], include, exclude)
            continue
        try:
            home = profiles.configured_region(profile, environ)
            if home is None and not dry_run:
                home = calls.session_region(profile)
            if home is not None:
                registry.check_configured_region(home, profile)
        except EcrLoginError as error:
            found[profile] = error
            continue
        homes[profile] = home or FALLBACK_HOME_REGION
    partitions = {p: registry.partition_of(home).name for p, home in homes.items()}
    if dry_run:
        asked: dict[str | None, Future[list[str]]] = {}
    else:  # the round trip on the critical path goes out first; the rest overlaps it
        asked = {p: calls.regions(p, home, partitions[p]) for p, home in homes.items()}
        for profile, home in homes.items():
            if not caller_known(profile):
                calls.identity(profile, home)
        wanted = _likely_first(partitions, likely, include, exclude)
        for profile, region in wanted:
            if region in likely(profile):  # stored there before: almost surely still enabled
                calls.token(TokenKey(profile, region))
        calls.prepare_ecr_clients(wanted, until=list(asked.values()))
    notes = []
    for profile, partition in partitions.items():
        future = asked.get(profile)
        failure = future.exception() if future else None
        if future is not None and failure is None:
            asked_lists[profile] = future.result()
            found[profile] = _filtered(future.result(), include, exclude)
        elif future is None or isinstance(failure, AccessDeniedError):
            found[profile] = _filtered(sdk.partition_regions(partition), include, exclude)
            why = "--dry-run" if future is None else "ec2:DescribeRegions is denied"
            notes.append(
                f"{why}: using the {partition} partition's regions from botocore's data "
                f"for {profile or 'the default profile'} (some may not be enabled)"
            )
        elif isinstance(failure, EcrLoginError):
            found[profile] = failure
        elif failure is not None:
            raise failure  # a bug
    return Discovery(found, tuple(notes), asked_lists)


def _likely_first(
    partitions: Mapping[str | None, str],
    likely: Callable[[str | None], Collection[str]],
    include: Sequence[str],
    exclude: Sequence[str],
) -> list[tuple[str | None, str]]:
    """Every (profile, candidate region), the regions a profile used before first."""
    pairs = [
        (profile, region)
        for profile, partition in partitions.items()
        for region in _filtered(sdk.partition_regions(partition), include, exclude)
    ]
    return sorted(pairs, key=lambda pair: pair[1] not in likely(pair[0]))


def _filtered(regions: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> list[str]:
    return regionfilter.filtered(regions, include, exclude)
