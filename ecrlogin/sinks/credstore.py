"""Docker credential helpers (`docker-credential-<name>`), through `docker.credentials`.

The protocol itself (what `store`/`get`/`erase` send and answer) is docker-py's; only the way the
helper process is run is ours, because docker-py's has no timeout and hands the child our whole
environment, AWS secrets included.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import warnings
from collections.abc import Mapping
from typing import Any

from ecrlogin.errors import CredentialStoreError, redact

HELPER_TIMEOUT_SECONDS = 20.0
WINCRED_SECRET_LIMIT = 2560
_SECRET_VARIABLES = frozenset(
    {
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    }
)
_HINTS = (
    ("pass not initialized", "run `pass init <gpg-key-id>` first"),
    ("password store is empty", "run `pass init <gpg-key-id>` first"),
    ("dbus", "the secret service needs a D-Bus session; run inside a desktop session"),
    ("d-bus", "the secret service needs a D-Bus session; run inside a desktop session"),
    ("org.freedesktop.secrets", "no secret service is running (gnome-keyring, KeePassXC…)"),
    ("locked", "unlock the keychain or keyring, then retry"),
    ("interaction", "unlock the keychain or keyring, then retry"),
)


def child_environment() -> dict[str, str]:
    """Our environment without the AWS secrets: a helper has no business seeing them."""
    return {key: value for key, value in os.environ.items() if key not in _SECRET_VARIABLES}


def helper_timeout(environ: Mapping[str, str] = os.environ) -> float:
    """Seconds a helper may take: `ECRLOGIN_HELPER_TIMEOUT` if a positive number, else 20."""
    try:
        seconds = float(environ.get("ECRLOGIN_HELPER_TIMEOUT", ""))
    except ValueError:
        return HELPER_TIMEOUT_SECONDS
    return seconds if 0 < seconds < float("inf") else HELPER_TIMEOUT_SECONDS


def helper_store(name: str, timeout: float | None = None) -> Any:
    """A docker-py credential `Store` for `docker-credential-<name>` with our process rules."""
    from docker.credentials import Store  # docker is heavy: only when a helper is used

    timeout = timeout or helper_timeout()

    class BoundedStore(Store):
        def _execute(self, subcmd: str, data_input: bytes | None) -> bytes:
            if self.exe is None:
                raise CredentialStoreError(
                    f"credential helper {self.program} is not on PATH",
                    f"install it, or remove {name!r} from credsStore/credHelpers in config.json",
                )
            try:
                done = subprocess.run(
                    [self.exe, subcmd],
                    input=data_input,
                    capture_output=True,
                    env=child_environment(),
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise CredentialStoreError(
                    f"credential helper {self.program} did not answer within {timeout:.0f}s",
                    "is it waiting for a passphrase or an unlock prompt?",
                ) from None
            except OSError as error:
                raise CredentialStoreError(
                    f"cannot run credential helper {self.program}: {error.strerror}"
                ) from None
            if done.returncode != 0:
                raise _helper_failure(self.program, subcmd, done, data_input)
            return done.stdout

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # docker-py warns when the helper is missing; we raise
        return BoundedStore(name)


def _helper_failure(
    program: str, subcmd: str, done: subprocess.CompletedProcess[bytes], data_input: bytes | None
) -> CredentialStoreError:
    text = (done.stdout or b"").decode(errors="replace") + (done.stderr or b"").decode(
        errors="replace"
    )
    first_line = redact(text.strip().splitlines()[0] if text.strip() else "no message")[:300]
    if "credentials not found" in text.lower():
        return CredentialNotFoundError(f"{program}: {first_line}")
    hint = next((h for needle, h in _HINTS if needle in text.lower()), None)
    if subcmd == "store" and data_input and len(data_input) > WINCRED_SECRET_LIMIT and hint is None:
        hint = (
            f"ECR tokens are larger than {WINCRED_SECRET_LIMIT} bytes, more than some stores "
            "(Windows Credential Manager) accept; use another store or credHelpers ecr-login"
        )
    return CredentialStoreError(
        f"credential helper {program} failed to {subcmd} (exit {done.returncode}): {first_line}",
        hint,
    )


class CredentialNotFoundError(CredentialStoreError):
    """The helper holds nothing for that server: not a failure when erasing."""


def store_secret(name: str, host: str, secret: str) -> None:
    helper_store(name).store(host, "AWS", secret)


def erase_secret(name: str, host: str) -> None:
    with contextlib.suppress(CredentialNotFoundError):
        helper_store(name).erase(host)


def read_secret(name: str, host: str) -> str | None:
    import json

    try:
        answer = helper_store(name)._execute("get", host.encode())
    except CredentialNotFoundError:
        return None
    try:
        secret = json.loads(answer)["Secret"]
    except (ValueError, KeyError, TypeError):
        raise CredentialStoreError(
            f"credential helper docker-credential-{name} answered something that is not "
            "a credential",
            "is it the right program?",
        ) from None
    return str(secret) or None
