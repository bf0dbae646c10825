"""`ecrlogin login`: targets → (cached? planned?) → tokens, concurrently → the sink → state.

Each step returns values; nothing fills a shared dict. Collaborators (AWS calls, daemon client,
clock, environment) are keyword arguments that default to the real ones.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ecrlogin import registry, state
from ecrlogin.errors import EcrLoginError
from ecrlogin.flows import routes, tokens
from ecrlogin.flows.deliver import Delivered, deliver, save_state
from ecrlogin.flows.lazycalls import LazyCalls, forget
from ecrlogin.flows.model import Outcome, Request, Result, Settings
from ecrlogin.flows.onehost import Candidate, left_out
from ecrlogin.flows.targets import Target, plan
from ecrlogin.freshness import still_valid
from ecrlogin.identity import profiles
from ecrlogin.identity.identity import Identity
from ecrlogin.identity.routing import Hints
from ecrlogin.sinks.base import Held
from ecrlogin.sinks.choose import open_sink

if TYPE_CHECKING:
    from ecrlogin.flows.signin import Prompt
    from ecrlogin.flows.verify import Ask

Clock = Callable[[], datetime]
TOKEN_LIFE = timedelta(hours=12)  # what GetAuthorizationToken grants
RegionsOf = Callable[[str | None], Sequence[str]]
log = logging.getLogger("ecrlogin")


def utc_now() -> datetime:
    return datetime.now(UTC)


def login(
    request: Request,
    settings: Settings,
    *,
    regions_of: RegionsOf | None = None,
    calls: object = None,
    daemon_client: Callable[[], object] | None = None,
    clock: Clock = utc_now,
    environ: Mapping[str, str] = os.environ,
    progress: tokens.Progress | None = None,
    notes: Sequence[str] = (),
    hints: Hints | None = None,
    known: state.State | None = None,
    ask: Ask | None = None,
    prompt: Prompt | str | None = "terminal",
) -> Outcome:
    """Log in to every target of `request`.

    `regions_of(profile)` gives the regions of the profile's own registry (all-regions passes
    its discovered lists); by default the `-r` regions, else the profile's configured region.
    It may raise `EcrLoginError`: that profile then fails on its own row. `known`: the state,
    when the caller has read it already (all-regions). `prompt`: how to offer an SSO sign-in
    (`flows/signin.py`; "terminal": the real one; never with --no-input or --dry-run). `ask`:
    `flows.verify.ask` (--verify).
    """
    runs: list[Request] = []

    def once(asked: Request) -> Outcome:
        runs.append(asked)
        if len(runs) > 1:
            forget(calls)
        return _login(
            asked,
            settings,
            regions_of=regions_of,
            calls=calls,
            daemon_client=daemon_client,
            clock=clock,
            environ=environ,
            progress=progress,
            notes=notes,
            hints=hints,
            known=known if len(runs) == 1 else None,  # after a sign-in: read it again
            ask=ask,
        )

    return with_sign_in(once, request, prompt, settings, progress)


def with_sign_in(
    once: Callable[[Request], Outcome],
    request: Request,
    prompt: Prompt | str | None,
    settings: Settings,
    progress: tokens.Progress | None,
) -> Outcome:
    """`once(request)`, and where it failed for want of an SSO session, `flows/signin.py`'s
    question (imported only then: the cached path never needs it)."""
    outcome = once(request)
    if settings.no_input or settings.dry_run or prompt is None or not outcome.failed:
        return outcome
    from ecrlogin.flows import signin

    def pause() -> None:
        if progress:
            progress(0, 0)  # put the bar away: a question is coming

    asking = signin.TERMINAL if isinstance(prompt, str) else prompt
    return signin.with_sign_in(once, request, prompt=asking, pause=pause, first=outcome)


def _login(
    request: Request,
    settings: Settings,
    *,
    regions_of: RegionsOf | None,
    calls: object,
    daemon_client: Callable[[], object] | None,
    clock: Clock,
    environ: Mapping[str, str],
    progress: tokens.Progress | None,
    notes: Sequence[str],
    hints: Hints | None,
    known: state.State | None,
    ask: Ask | None,
) -> Outcome:
    sink = open_sink(
        settings.to,
        settings.docker_config,
        state_dir=settings.state_dir,
        daemon_client=daemon_client,
        environ=environ,
    )
    held = sink.held()  # a malformed config is refused here, before any AWS call
    known = state.load(settings.state_dir) if known is None else known
    log.debug(
        "read %s (%d ECR entries) and ecrlogin's state in %s",
        sink.place,
        len(held),
        settings.state_dir,
    )
    with LazyCalls(calls, state_dir=settings.state_dir) as aws:
        targets, failures, route_notes = targets_of(
            request, settings, aws, environ, known=known, hints=hints, regions_of=regions_of
        )
        if not settings.dry_run:
            targets = routes.bound(targets, aws)
        log.debug("%d target(s): %s", len(targets), ", ".join(map(_describe, targets)))
        decided = decide(targets, known, held, sink.place, settings, clock())
        verified = verify_cached(decided, settings, environ, ask) if settings.verify else {}
        refused = {t: r for t, r in decided.items() if verified.get(t) == REFUSED_NOTE}
        decided = {t: r for t, r in decided.items() if t not in refused}
        if settings.dry_run:  # fetch nothing: a refused one is what a real run would fetch
            decided |= {t: tokens.result_for(t, "planned", r.registry) for t, r in refused.items()}
        pending = [t for t in targets if t not in decided]
        fetched, failed = (
            tokens.fetch(pending, aws(), progress, remembered_caller(known))
            if pending
            else ([], {})
        )
        dropped, host_notes = left_out(_candidates(targets, decided, fetched, known))
        decided = {t: r for t, r in decided.items() if t not in dropped}
        fetched = [f for f in fetched if f.target not in dropped]
        delivered = deliver(fetched, sink) if fetched else Delivered({}, (), {})
    save_state(settings.state_dir, delivered)
    if delivered.records:
        log.debug("wrote %s and ecrlogin's state in %s", sink.place, settings.state_dir)
    results = {**decided, **failed, **delivered.results}
    for target, note in verified.items():
        if note and target in results:
            results[target] = dataclasses.replace(results[target], note=note)
    ordered = _one_per_host([results[t] for t in targets if t not in dropped])
    extra = []
    if settings.min_ttl > TOKEN_LIFE:
        extra.append(
            f"ECR tokens last 12h: --min-ttl {_hours(settings.min_ttl)} fetches on every run"
        )
    return Outcome((*failures, *ordered), (*notes, *route_notes, *host_notes, *extra))


def nowhere(note: str) -> Outcome:
    """A run that found nothing to log in to (a project or --from without an ECR image)."""
    return Outcome((), (note,))


def targets_of(
    request: Request,
    settings: Settings,
    aws: LazyCalls,
    environ: Mapping[str, str],
    *,
    known: state.State,
    hints: Hints | None = None,
    regions_of: RegionsOf | None = None,
) -> tuple[list[Target], list[Result], list[str]]:
    """The run's targets, each with the profile that opens it; the profiles that failed before
    any target (no region, unknown profile), and the routing's notes."""
    identities, failures = routes.identities(request, environ, check_files=settings.dry_run)
    find_regions = regions_of or own_regions(request, aws, environ, dry_run=settings.dry_run)
    regions: dict[Identity, Sequence[str]] = {}
    for identity in identities:
        try:
            regions[identity] = find_regions(identity.profile)
        except EcrLoginError as error:
            failures.append(Result("", identity.shown, "failed", failure=error))
    targets, notes = routes.route(
        plan(request, list(regions), regions.__getitem__),
        request,
        known,
        environ,
        routes.with_records(hints, settings.state_dir),
    )
    return targets, failures, notes


def _hours(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def decide(
    targets: Sequence[Target],
    known: state.State,
    held: Mapping[str, Held],
    place: str,
    settings: Settings,
    now: datetime,
) -> dict[Target, Result]:
    """The targets a run need not fetch: `cached` ones, and with --dry-run `planned` ones."""
    decided = {}
    for target in targets:
        identity = target.identity
        reg = target.registry(known.account_of(identity))
        cacheable = reg is not None and identity.cacheable
        record = known.find(identity.source, reg.host, place) if reg and cacheable else None
        entry = held.get(reg.host) if reg else None
        if (
            record
            and not settings.force
            and still_valid(
                record,
                identity_print=identity.fingerprint,
                place=place,
                held_fingerprint=entry.fingerprint if entry else None,
                now=now,
                min_ttl=settings.min_ttl,
            )
        ):
            log.info("%s: still valid until %s, skipped", record.host, record.expires_at)
            decided[target] = tokens.result_for(
                target,
                "cached",
                reg,
                record.identity,
                expires_at=record.expires_at,
                stored_in=record.stored_in,
            )
        elif settings.dry_run:
            decided[target] = tokens.result_for(target, "planned", reg)
    return decided


def _candidates(
    targets: Sequence[Target],
    decided: Mapping[Target, Result],
    fetched: Sequence[tokens.Fetched],
    known: state.State,
) -> list[Candidate]:
    """Every target of the run that stores (or keeps) a token, in the run's order (`-p`)."""
    found = {
        t: Candidate(t, r.registry.host, r.registry.account, known.account_of(t.identity))
        for t, r in decided.items()
        if r.registry is not None
    }
    for f in fetched:
        found[f.target] = Candidate(f.target, f.registry.host, f.registry.account, f.account)
    return [found[t] for t in targets if t in found]


REFUSED_NOTE = "the registry refused the stored credential: fetched again"


def verify_cached(
    decided: Mapping[Target, Result],
    settings: Settings,
    environ: Mapping[str, str],
    ask: Ask | None = None,
) -> dict[Target, str]:
    """--verify: ask every cached registry at once; a refused one is fetched again (its note
    says why), an unreachable one stays cached with a warning. Only notes are returned: the
    targets whose note is REFUSED_NOTE leave `decided`; the others keep theirs."""
    from ecrlogin.flows import verify

    cached = {t: r.registry.host for t, r in decided.items() if r.status == "cached" and r.registry}
    to = settings.to
    asking = ask or verify.ask
    answers = asking([(h, to) for h in cached.values()], settings.docker_config, environ)
    notes = {}
    for target, host in cached.items():
        answer = answers[(host, to)]
        if answer.accepted is False:
            notes[target] = REFUSED_NOTE
        elif answer.accepted is None:
            notes[target] = f"warning: could not ask the registry ({answer.why}); kept as cached"
    return notes


def remembered_caller(known: state.State) -> tokens.Remembered:
    """The caller identity STS named for this identity definition on an earlier run (its own
    account and ARN, both remembered), else None: ask STS."""

    def caller(identity: Identity) -> tokens.Caller | None:
        account, arn = known.account_of(identity), known.caller_of(identity)
        return tokens.Caller(account, arn) if account and arn else None

    return caller


def _describe(target: Target) -> str:
    where = target.named.host if target.named else f"own registry in {target.region}"
    why = f" ({target.why})" if target.why else ""
    return f"{where} as {target.identity.shown or 'environment keys'}{why}"


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


def own_regions(
    request: Request, calls: LazyCalls, environ: Mapping[str, str], *, dry_run: bool = False
) -> Callable[[str | None], list[str]]:
    """The `-r` regions; else none when registries are named; else the profile's own region
    (AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, then whatever the SDK resolves)."""

    def regions_of(profile: str | None) -> list[str]:
        if request.regions or request.registries:
            return list(request.regions)
        region = profiles.configured_region(profile, environ)
        if region is None and not dry_run:
            region = calls().session_region(profile)
        if region is None:
            raise EcrLoginError(
                f"no region set for {f'profile {profile!r}' if profile else 'the default profile'}",
                "pass -r REGION, set AWS_REGION, or run `aws configure set region REGION`",
            )
        return [registry.check_configured_region(region, profile)]

    return regions_of


def regions_to_refresh(
    settings: Settings,
    *,
    known: state.State,
    environ: Mapping[str, str] = os.environ,
    clock: Clock = utc_now,
) -> Callable[[str | None], set[str]]:
    """Per profile, the regions of its own registry that ecrlogin stored before and would fetch
    again now (expired, rewritten since, or --force): all-regions asks for those tokens while
    DescribeRegions is still in flight, instead of one round trip after it."""
    if settings.dry_run:
        return lambda profile: set()
    sink = open_sink("docker", settings.docker_config)
    try:
        held = sink.held()
    except EcrLoginError:
        return lambda profile: set()  # login() reports the file
    now = clock()

    @functools.cache  # asked once per (profile, candidate region): 340 times for 10 x 17
    def regions(profile: str | None) -> set[str]:
        from ecrlogin.identity.identity import resolve

        identity = resolve(profile, environ)
        own = known.account_of(identity)
        stored = [
            Target(identity, record.region)
            for record in known.records
            if record.source == identity.source
            and own is not None
            and record.host == registry.build(own, record.region).host
        ]
        fresh = decide(stored, known, held, sink.place, settings, now)
        return {target.region for target in stored if target not in fresh}

    return regions
