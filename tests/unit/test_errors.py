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
