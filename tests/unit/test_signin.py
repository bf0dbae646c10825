"""ecrlogin.flows.signin: where a run may ask, once per SSO session, and what runs again."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest

from ecrlogin.aws.errors import SsoSessionError
from ecrlogin.aws.sso import SsoSession
from ecrlogin.errors import EcrLoginError
from ecrlogin.flows import signin
from ecrlogin.flows.model import Outcome, Request, Result

CORP = SsoSession("corp", "https://corp.example/start", "eu-west-1")
OTHER = SsoSession(None, "https://other.example/start", "us-east-1")
SESSIONS = {"a": CORP, "b": CORP, "c": OTHER}


@dataclass
class Scripted:
    """A run whose SSO profiles fail until signed in; a prompt answering `answer`."""

    answer: bool = True
    asked: list[str] = field(default_factory=list)
    signed: list[str | None] = field(default_factory=list)
    runs: list[tuple[str, ...]] = field(default_factory=list)

    def run(self, request: Request) -> Outcome:
        self.runs.append(request.profiles)
        rows = []
        for p in request.profiles:
            ok = p == "keys" or SESSIONS[p] in {SESSIONS[s] for s in self.signed if s}
            rows.append(
                Result("eu-west-1", p, "ok")
                if ok
                else Result("", p, "failed", failure=SsoSessionError(p))
            )
        return Outcome(tuple(rows), (f"run {len(self.runs)}",))

    def prompt(self) -> signin.Prompt:
        def ask(question: str) -> bool:
            self.asked.append(question)
            return self.answer

        def sign_in(profile: str | None) -> object:
            if profile == "c":
                raise EcrLoginError("the sign-in to x was denied")
            return self.signed.append(profile)

        return signin.Prompt(ask, SESSIONS.__getitem__, sign_in)


def test_asks_once_per_session_and_runs_the_signed_in_profiles_again() -> None:
    script = Scripted()
    outcome = signin.with_sign_in(
        script.run, Request(profiles=("keys", "a", "b", "c")), prompt=script.prompt()
    )
    assert script.asked == [
        "Sign in to https://corp.example/start now?",
        "Sign in to https://other.example/start now?",
    ]
    assert script.signed == ["a"]
    assert script.runs == [("keys", "a", "b", "c"), ("a", "b")]
    assert [(r.profile, r.status) for r in outcome.results] == [
        ("keys", "ok"),
        ("c", "failed"),
        ("a", "ok"),
        ("b", "ok"),
    ]
    assert "signed in to https://corp.example/start" in outcome.notes
    assert any("sign-in to https://other.example/start failed" in n for n in outcome.notes)


@pytest.mark.parametrize("prompt", ["no", None])
def test_without_a_yes_the_failure_stands(prompt: str | None) -> None:
    script = Scripted(answer=False)
    outcome = signin.with_sign_in(
        script.run, Request(profiles=("a",)), prompt=script.prompt() if prompt else None
    )
    assert script.runs == [("a",)]
    assert script.signed == []
    assert (
        outcome.results[0].error
        == "the SSO session of profile 'a' has expired or is missing; run `ecrlogin sso login -p a`"
    )


def test_nothing_is_asked_when_nothing_failed_for_sso() -> None:
    script = Scripted()
    signin.with_sign_in(script.run, Request(profiles=("keys",)), prompt=script.prompt())
    assert script.asked == []
    assert script.runs == [("keys",)]


class Tty(io.StringIO):
    def __init__(self, text: str = "", tty: bool = True) -> None:
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("environ", "stdin_tty", "stderr_tty", "expected"),
    [
        ({}, True, True, True),
        ({"CI": "true"}, True, True, False),
        ({}, False, True, False),
        ({}, True, False, False),
    ],
)
def test_interactive_only_on_a_terminal_outside_ci(
    environ: dict[str, str], stdin_tty: bool, stderr_tty: bool, expected: bool
) -> None:
    assert signin.interactive(environ, Tty(tty=stdin_tty), Tty(tty=stderr_tty)) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("\n", True), ("y\n", True), ("YES\n", True), ("n\n", False), ("", False)],
)
def test_the_answer(typed: str, expected: bool) -> None:
    err = Tty()
    assert signin.ask_on_terminal("Sign in to X now?", stdin=Tty(typed), stderr=err) is expected
    assert err.getvalue().startswith("Sign in to X now? [Y/n] ")
