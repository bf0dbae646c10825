"""The AWS step of a login: one token per (identity, region) and one caller identity per profile,
all at once; each target comes back fetched or failed.

The caller identity (account and ARN) of an identity definition seen before comes from the
state (`remembered`): no GetCallerIdentity then, also with --force, which is about tokens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecrlogin.errors import EcrLoginError
from ecrlogin.flows.model import Result
from ecrlogin.flows.targets import Target
from ecrlogin.identity.identity import Identity
from ecrlogin.registry import Registry

if TYPE_CHECKING:
    from ecrlogin.aws.calls import AwsCalls

Progress = Callable[[int, int], None]  # (done, total); (0, 0): put the bar away (a question)
log = logging.getLogger("ecrlogin")


@dataclass(frozen=True)
class Caller:
    """Who a profile is: its own account and the ARN STS named (as `sdk.Identity`)."""

    account: str
    arn: str


Remembered = Callable[[Identity], Caller | None]


@dataclass(frozen=True)
class Fetched:
    target: Target
    registry: Registry
    password: str = field(repr=False)
    expires_at: datetime | None
    identity: str | None  # the caller's ARN, as STS reported it
    account: str | None  # the caller's own account

    def result(self, status: str, **fields: Any) -> Result:
        return result_for(self.target, status, self.registry, self.identity, **fields)


def result_for(
    target: Target, status: str, registry: Registry | None, arn: str | None = None, **fields: Any
) -> Result:
    return Result(
        target.region, target.identity.shown, status, registry, arn, source=target.source, **fields
    )


def fetch(
    pending: Sequence[Target],
    calls: AwsCalls,
    progress: Progress | None = None,
    remembered: Remembered = lambda identity: None,
) -> tuple[list[Fetched], dict[Target, Result]]:
    keys = list(dict.fromkeys(t.token_key for t in pending))
    log.info("fetching %d token(s) for %d target(s)", len(keys), len(pending))
    tokens = {k: calls.token(k) for k in keys}
    identities: dict[str | None, Future[Any]] = {}
    for target in pending:
        profile = target.identity.profile
        if profile not in identities:
            identities[profile] = _caller(target, calls, remembered)
    everything: list[Future[Any]] = [*tokens.values(), *identities.values()]
    for done, _ in enumerate(as_completed(everything), start=1):
        if progress:
            progress(done, len(everything))
    fetched, failed = [], {}
    for target in pending:
        identity_future = identities[target.identity.profile]
        caller = None if identity_future.exception() else identity_future.result()
        outcome = _one(target, tokens[target.token_key], caller)
        if isinstance(outcome, Fetched):
            fetched.append(outcome)
        else:
            failed[target] = outcome
    return fetched, failed


def _caller(target: Target, calls: AwsCalls, remembered: Remembered) -> Future[Any]:
    """The remembered caller of this identity definition, else `sts:GetCallerIdentity`."""
    known = remembered(target.identity)
    if known is None:
        return calls.identity(target.identity.profile, target.token_key.region)
    log.debug(
        "%s: caller %s, remembered in ecrlogin's state for this profile definition "
        "(no sts:GetCallerIdentity)",
        target.identity.shown or "environment keys",
        known.arn,
    )
    done: Future[Any] = Future()
    done.set_result(known)
    return done


def _one(target: Target, token_future: Future[Any], caller: Any) -> Fetched | Result:
    arn = caller.arn if caller else None
    error = token_future.exception()
    if error is None:
        token = token_future.result()
        account = token.account or (caller.account if caller else None)
        reg = target.registry(account)
        if reg is not None:
            return Fetched(target, reg, token.password, token.expires_at, arn, account)
        error = EcrLoginError("the caller's account could not be learned")
    if not isinstance(error, EcrLoginError):
        raise error  # a bug: the one handler at the top reports it
    known_account = caller.account if caller else None  # STS may answer where ECR fails
    return result_for(target, "failed", target.registry(known_account), arn, failure=error)
