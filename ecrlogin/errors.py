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
        from ecrlogin.text import shown

        # helper and server texts may span lines, and may carry terminal escapes
        flat = shown(" ".join(text.split()))
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


FRAGMENT = 20  # a run this long of a secret, in any of its forms, is treated as the secret
_LONG_RUN = 100  # any token-like run this long is treated as a secret we were not told about


def redact(text: str, *secrets: str) -> str:
    """`text` made safe to show: secrets and their pieces replaced, control characters escaped.

    Used on everything that comes from outside (helper output, daemon and AWS error text) before it
    can reach a message or a log. A secret leaks in pieces too (a daemon that wraps its echo at 76
    columns, a message cut in two), so any run of `FRAGMENT`+ characters of a given secret, of its
    base64 form at any alignment, or of docker's base64("AWS:" + secret) goes; and since ECR
    passwords are kilobytes of base64, so does any run of 100+ such characters, even of a secret
    we were not told about. Control characters are escaped (`ecrlogin.text.shown`) so that outside
    text cannot drive the terminal.
    """
    import re  # only on error paths

    from ecrlogin.text import shown

    for secret in secrets:
        if secret:
            text = _without_fragments(text, secret)
    text = re.sub(rf"[A-Za-z0-9+/=_\-.]{{{_LONG_RUN},}}", "[redacted]", text)
    return shown(text)


def _without_fragments(text: str, secret: str) -> str:
    windows = _windows(secret)
    if len(text) < FRAGMENT or not windows:
        return text.replace(secret, "[redacted]") if secret in text else text
    spans: list[list[int]] = []
    for start in range(len(text) - FRAGMENT + 1):
        if text[start : start + FRAGMENT] in windows:
            end = start + FRAGMENT
            if spans and start <= spans[-1][1]:
                spans[-1][1] = end
            else:
                spans.append([start, end])
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], "[redacted]"]
        last = end
    return "".join([*pieces, text[last:]])


def _forms(secret: str) -> list[str]:
    import base64

    raw = secret.encode()
    forms = [secret, base64.b64encode(f"AWS:{secret}".encode()).decode()]
    for pad in range(3):  # the secret inside a longer base64 text starts at any of 3 alignments
        encoded = base64.b64encode(b"\0" * pad + raw).decode()
        forms.append(encoded[4 if pad else 0 :].rstrip("="))
    return forms


def _windows(secret: str) -> frozenset[str]:
    """Every `FRAGMENT`-long slice of the secret's forms (kept for a few secrets: one run checks
    the same secret against several texts)."""
    cached = _CACHE.get(secret)
    if cached is None:
        cached = frozenset(
            form[i : i + FRAGMENT]
            for form in _forms(secret)
            for i in range(len(form) - FRAGMENT + 1)
        )
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[secret] = cached
    return cached


_CACHE: dict[str, frozenset[str]] = {}
