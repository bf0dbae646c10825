"""errors: one exception family with exit codes and hints, and `redact` for outside text."""

from __future__ import annotations

import base64
import os

import pytest

from ecrlogin import errors
from ecrlogin.errors import (
    AwsError,
    ConfigFileError,
    CredentialStoreError,
    DaemonError,
    EcrLoginError,
    UsageError,
    redact,
)

ECR_PASSWORD = base64.b64encode(os.urandom(1500)).decode()


def test_exit_codes_are_the_documented_ones() -> None:
    assert (errors.EXIT_OK, errors.EXIT_FAILED, errors.EXIT_USAGE) == (0, 1, 2)
    assert (errors.EXIT_BUG, errors.EXIT_INTERRUPTED) == (3, 130)


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (EcrLoginError, 1),
        (UsageError, 2),
        (ConfigFileError, 1),
        (CredentialStoreError, 1),
        (AwsError, 1),
        (DaemonError, 1),
    ],
)
def test_every_error_carries_its_exit_code_and_is_an_ecrlogin_error(
    cls: type[EcrLoginError], code: int
) -> None:
    error = cls("it broke", "do this")
    assert isinstance(error, EcrLoginError)
    assert error.exit_code == code
    assert (error.message, error.hint, str(error)) == ("it broke", "do this", "it broke")


def test_one_line_joins_message_and_hint_and_omits_a_missing_hint() -> None:
    assert EcrLoginError("no credentials", "run aws configure").one_line() == (
        "no credentials; run aws configure"
    )
    assert EcrLoginError("no credentials").one_line() == "no credentials"
    assert EcrLoginError("no credentials", "").one_line() == "no credentials"


def test_one_line_flattens_multi_line_texts() -> None:
    error = CredentialStoreError("helper failed:\n  line one\n\tline two", "fix it\nnow")
    assert error.one_line() == "helper failed: line one line two; fix it now"


def test_one_line_is_bounded() -> None:
    line = AwsError("x" * 5000, "hint").one_line()
    assert len(line) == errors.MAX_LINE
    assert line.endswith("…")
    assert len(AwsError("y" * errors.MAX_LINE).one_line()) == errors.MAX_LINE


def test_redact_replaces_every_given_secret_everywhere() -> None:
    text = "pw=hunter2 again hunter2, key=sek"
    assert redact(text, "hunter2", "sek") == "pw=[redacted] again [redacted], key=[redacted]"


def test_redact_ignores_empty_secrets() -> None:
    assert redact("nothing to hide", "", "") == "nothing to hide"


def test_redact_hides_token_like_runs_it_was_not_told_about() -> None:
    text = f"helper said: bad data {ECR_PASSWORD} (exit 1)"
    out = redact(text)
    assert ECR_PASSWORD not in out
    assert out == "helper said: bad data [redacted] (exit 1)"


def test_redact_draws_the_token_line_at_100_characters() -> None:
    assert redact("a" * 99) == "a" * 99
    assert redact("a" * 100) == "[redacted]"
    assert redact("x" * 60 + "-_.=+/" + "y" * 40) == "[redacted]"


def test_redact_keeps_ordinary_error_text() -> None:
    text = "An error occurred (AccessDeniedException) when calling GetAuthorizationToken: no"
    assert redact(text) == text
    arn = "arn:aws:iam::123456789012:role/some-role-name-that-is-fairly-long"
    assert redact(f"user {arn} is not authorized") == f"user {arn} is not authorized"


def pieces_left(text: str, secret: str) -> list[str]:
    """Every 20-character piece of the secret, or of either base64 form, still in `text`."""
    token = base64.b64encode(f"AWS:{secret}".encode()).decode()
    forms = [secret, base64.b64encode(secret.encode()).decode(), token]
    return [f[i : i + 20] for f in forms for i in range(len(f) - 19) if f[i : i + 20] in text]


def wrapped(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize(
    "echo",
    [
        lambda s: wrapped(s, 76),
        lambda s: wrapped(s, 40),
        lambda s: " | ".join(s[i : i + 25] for i in range(0, len(s), 25)),
        lambda s: f"got '{s[100:121]}' and '{s[700:745]}'",
        lambda s: wrapped(base64.b64encode(f"AWS:{s}".encode()).decode(), 76),
        lambda s: wrapped(base64.b64encode(s.encode()).decode(), 64),
        lambda s: base64.b64encode(f"x:{s}".encode()).decode()[30:80],
        lambda s: base64.b64encode(f"xy:{s}".encode()).decode()[30:80],
    ],
    ids=[
        "wrap76",
        "wrap40",
        "split25",
        "two-slices",
        "auth-b64",
        "b64",
        "b64-shift1",
        "b64-shift2",
    ],
)
def test_redact_removes_every_fragment_of_20_or_more(echo: object) -> None:
    assert callable(echo)
    text = f"daemon said: {echo(ECR_PASSWORD)} (status 500)"
    out = redact(text, ECR_PASSWORD)
    assert pieces_left(out, ECR_PASSWORD) == []
    assert out.startswith("daemon said: ")
    assert out.endswith(" (status 500)")


def test_redact_keeps_short_coincidences_and_ordinary_words() -> None:
    text = f"status 401 for {ECR_PASSWORD[:19]} ok"
    assert redact(text, ECR_PASSWORD) == text


def test_redact_is_fast_enough_for_3_kb_secrets() -> None:
    import time

    secret = base64.b64encode(os.urandom(2400)).decode()  # 3,200 characters
    text = "x " * 32_000  # 64 KB of helper output
    started = time.monotonic()
    for _ in range(10):
        redact(text, secret)
    assert time.monotonic() - started < 5  # measured: ~0.03 s each here


@pytest.mark.parametrize(
    ("raw", "seen"),
    [
        ("\x1b]0;pwned\x07title", "\\x1b]0;pwned\\x07title"),
        ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),
        ("\x1b[2Jcleared", "\\x1b[2Jcleared"),
        ("\x9b31m", "\\x9b31m"),
    ],
)
def test_redact_and_one_line_escape_terminal_controls(raw: str, seen: str) -> None:
    assert redact(f"AWS said: {raw}") == f"AWS said: {seen}"
    assert AwsError(f"AWS said: {raw}").one_line() == f"AWS said: {seen}"
