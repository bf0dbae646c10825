"""A run that meets an expired or missing SSO session asks to sign in, where someone can answer.

On a terminal (stdin and stderr TTYs), outside CI (`CI=true`) and without `--no-input`, each
IAM Identity Center session that failed a run is asked about once — "Sign in to <start URL>
now? [Y/n]" — whatever the number of profiles that share it; after a sign-in the failed
profiles are run again. Anywhere else the failure stands, and its message names
`ecrlogin sso login -p PROFILE`. login and all-regions use `with_sign_in`; doctor can too.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TextIO

from ecrlogin.aws.errors import SsoSessionError
from ecrlogin.aws.sso import SsoSession
from ecrlogin.errors import EcrLoginError
from ecrlogin.flows import sso
from ecrlogin.flows.model import Outcome, Request, Result


@dataclass(frozen=True)
class Prompt:
    """How a run asks and signs in; tests pass their own."""

    ask: Callable[[str], bool]  # the question; True: sign in
    session_of: Callable[[str | None], SsoSession]  # profile -> its SSO session
    sign_in: Callable[[str | None], object]  # profile -> signed in (raises EcrLoginError)


def interactive(
    environ: Mapping[str, str] = os.environ, stdin: TextIO = sys.stdin, stderr: TextIO = sys.stderr
) -> bool:
    """Someone can answer: stdin and stderr are terminals, and this is not CI."""
    if environ.get("CI", "").lower() == "true":
        return False
    try:
        return stdin.isatty() and stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def ask_on_terminal(
    question: str, *, stdin: TextIO = sys.stdin, stderr: TextIO = sys.stderr
) -> bool:
    """`question [Y/n]` on stderr; Enter is yes; end of input is no."""
    stderr.write(f"{question} [Y/n] ")
    stderr.flush()
    answer = stdin.readline()
    if not answer:
        stderr.write("\n")
        return False
    return answer.strip().lower() in ("", "y", "yes")


def show_on_terminal(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def terminal(environ: Mapping[str, str] = os.environ) -> Prompt:
    """The real prompt: asks only where `interactive`; signs in with the browser and the
    instructions on stderr."""

    def ask(question: str) -> bool:
        return interactive(environ) and ask_on_terminal(question)

    def sign_in(profile: str | None) -> object:
        return sso.sso_login(profile, show=show_on_terminal, environ=environ)

    return Prompt(ask, sso.session_of, sign_in)


TERMINAL = terminal()  # the default of every flow that may ask


def with_sign_in(
    run: Callable[[Request], Outcome],
    request: Request,
    *,
    prompt: Prompt | None,
    pause: Callable[[], None] = lambda: None,
    first: Outcome | None = None,
) -> Outcome:
    """`run(request)` (or its `first` outcome, already there); where profiles failed for want
    of an SSO session, ask once per session, sign in, and run those profiles again (their rows
    replaced by the new run's)."""
    outcome = run(request) if first is None else first
    if prompt is None:
        return outcome
    failed = list(dict.fromkeys(_sso_failures(outcome.results)))
    if not failed:
        return outcome
    by_session: dict[SsoSession, list[str | None]] = {}
    for profile in failed:
        try:
            by_session.setdefault(prompt.session_of(profile), []).append(profile)
        except EcrLoginError:
            continue  # not a session we can sign in to: the failure stands
    signed: list[str | None] = []
    notes: list[str] = []
    paused = False
    for session, profiles in by_session.items():
        if not paused:
            pause()  # a progress bar must not draw over the question
            paused = True
        if not prompt.ask(f"Sign in to {session.start_url} now?"):
            continue
        try:
            prompt.sign_in(profiles[0])
        except EcrLoginError as error:
            notes.append(f"sign-in to {session.start_url} failed: {error.one_line()}")
            continue
        notes.append(f"signed in to {session.start_url}")
        signed += profiles
    if not signed:
        return dataclasses.replace(outcome, notes=(*outcome.notes, *notes))
    if not request.profiles:  # the default or routed profiles: the whole run again
        again = run(request)
        return Outcome(again.results, (*outcome.notes, *notes, *again.notes))
    names = {p for p in signed if p is not None}
    only = tuple(p for p in request.profiles if p in names)
    again = run(dataclasses.replace(request, profiles=only))
    kept = tuple(r for r in outcome.results if r.profile not in names)
    return Outcome((*kept, *again.results), (*outcome.notes, *notes, *again.notes))


def _sso_failures(results: tuple[Result, ...]) -> list[str | None]:
    return [r.failure.profile for r in results if isinstance(r.failure, SsoSessionError)]
