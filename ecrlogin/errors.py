"""The one exception family of ecrlogin: every expected failure carries its exit code and a hint.

The CLI has a single handler that prints `message` and `hint` on one line each and exits with
`exit_code`; anything that is not an `EcrLoginError` is a bug (exit 3).
"""

from __future__ import annotations

MAX_LINE = 400
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


class EcrLoginError(Exception):
    """An expected failure: `message` says what went wrong, `hint` what to do next."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = f"{self.message}; {self.hint}" if self.hint else self.message
        flat = " ".join(text.split())  # helper and server texts may span lines
        return flat if len(flat) <= MAX_LINE else flat[: MAX_LINE - 1] + "…"


class UsageError(EcrLoginError):
    """Bad input on the command line itself: not an ECR host, a bad duration."""

    exit_code = EXIT_USAGE


class ConfigFileError(EcrLoginError):
    """A Docker config or state file that cannot be read or written safely."""


class CredentialStoreError(EcrLoginError):
    """A `docker-credential-<name>` helper that is missing, failing or hanging."""


class AwsError(EcrLoginError):
    """An AWS call that failed: credentials, permissions, region, network."""


class DaemonError(EcrLoginError):
    """The Docker daemon is unreachable or rejected the credentials."""


def redact(text: str, *secrets: str) -> str:
    """`text` with every given secret, and any long token-like run, replaced.

    Used on everything that comes from outside (helper output, daemon and AWS error text) before it
    can reach a message or a log: ECR passwords are kilobytes of base64, so any run of 100+ such
    characters is treated as a secret even when it is not one we know.
    """
    import re  # only on error paths

    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return re.sub(r"[A-Za-z0-9+/=_\-.]{100,}", "[redacted]", text)
