"""Docker credential helpers (`docker-credential-<name>`), through `docker.credentials`.

The protocol itself (what `store`/`get`/`erase` send and answer) is docker-py's; only the way the
helper process is run is ours, because docker-py's has no timeout and hands the child our whole
environment, AWS secrets included. Every helper ecrlogin runs goes through `run_bounded`: scrubbed
environment, time limit, at most `OUTPUT_LIMIT` bytes read from each of its streams.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from ecrlogin.errors import CredentialStoreError, redact
from ecrlogin.text import shown

HELPER_TIMEOUT_SECONDS = 20.0
WINCRED_SECRET_LIMIT = 2560  # bytes: CRED_MAX_CREDENTIAL_BLOB_SIZE of the Credential Manager
OUTPUT_LIMIT = 1024 * 1024  # bytes kept of a helper's stdout and of its stderr; more: killed
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


def check_name(name: str) -> None:
    """Refuse a helper name that is not a plain name: `docker-credential-<name>` is looked up on
    PATH, and a name with a path separator would run a program relative to the current directory
    (`x/../evil/helper`) with the token on its stdin."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*", name) or ".." in name:
        raise CredentialStoreError(
            f"credential helper name {shown(repr(name))} in config.json is not a plain name; "
            "refusing to run it",
            "helper names are like `pass`, `desktop` or `ecr-login`; fix credsStore/credHelpers",
        )


def uses_wincred(name: str, platform: str = sys.platform) -> bool:
    """wincred, or Docker Desktop's helper on Windows (which keeps secrets in wincred too)."""
    return name == "wincred" or (platform == "win32" and name in ("desktop", "desktop.exe"))


def check_size(name: str, secret: str, platform: str = sys.platform) -> None:
    """ECR passwords (2.5–3.2 KB) are over the Windows Credential Manager's 2,560-byte limit:
    say so before running a helper that would fail with an obscure message, or truncate."""
    size = len(secret.encode())
    if uses_wincred(name, platform) and size > WINCRED_SECRET_LIMIT:
        raise CredentialStoreError(
            f"the ECR token ({size} bytes) is larger than the {WINCRED_SECRET_LIMIT} bytes the "
            f"Windows Credential Manager (credential helper {shown(name)}) can hold",
            "use --to helper (ecrlogin then serves the token itself and nothing goes to the "
            "store), or another credsStore",
        )


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: bytes
    stderr: bytes


class OutputTooLarge(Exception):
    """The helper wrote more than `OUTPUT_LIMIT` bytes on a stream."""


def run_bounded(
    argv: list[str],
    data_input: bytes | None,
    *,
    env: Mapping[str, str],
    timeout: float,
    limit: int = OUTPUT_LIMIT,
) -> Finished:
    """Run `argv` with `data_input` on stdin; keep at most `limit` bytes of stdout and stderr.

    A helper that writes more is killed (`OutputTooLarge`); one that outlives `timeout` too
    (`subprocess.TimeoutExpired`). Readers are threads, so this works where pipes cannot be
    polled (Windows).
    """
    import threading

    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env),
    )
    overflow = threading.Event()
    kept: dict[int, bytearray] = {1: bytearray(), 2: bytearray()}

    def read(stream: IO[bytes], into: bytearray) -> None:
        with contextlib.suppress(OSError, ValueError):
            while chunk := os.read(stream.fileno(), 65536):
                if len(into) + len(chunk) > limit:
                    overflow.set()
                    proc.kill()
                    return
                into += chunk

    stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr
    if stdin is None or stdout is None or stderr is None:  # never: all three are pipes
        raise OSError("no pipes to the helper")
    readers = [
        threading.Thread(target=read, args=(stdout, kept[1]), daemon=True),
        threading.Thread(target=read, args=(stderr, kept[2]), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        with contextlib.suppress(BrokenPipeError, OSError):
            if data_input:
                stdin.write(data_input)
            stdin.close()
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    finally:
        for reader in readers:
            reader.join(1.0)  # a grandchild may hold a pipe open: do not wait for its EOF
        for stream in (stdout, stderr):
            stream.close()
    if overflow.is_set():
        raise OutputTooLarge
    return Finished(proc.returncode, bytes(kept[1]), bytes(kept[2]))


def helper_store(name: str, timeout: float | None = None) -> Any:
    """A docker-py credential `Store` for `docker-credential-<name>` with our process rules."""
    check_name(name)
    from docker.credentials import Store  # docker is heavy: only when a helper is used

    seconds = timeout or helper_timeout()

    class BoundedStore(Store):
        def _execute(self, subcmd: str, data_input: bytes | None) -> bytes:
            if self.exe is None:
                raise CredentialStoreError(
                    f"credential helper {shown(self.program)} is not on PATH",
                    f"install it, or remove {shown(repr(name))} from credsStore/credHelpers in "
                    "config.json",
                )
            try:
                done = run_bounded(
                    [self.exe, subcmd], data_input, env=child_environment(), timeout=seconds
                )
            except subprocess.TimeoutExpired:
                raise CredentialStoreError(
                    f"credential helper {shown(self.program)} did not answer within {seconds:g}s",
                    "is it waiting for a passphrase or an unlock prompt?",
                ) from None
            except OutputTooLarge:
                raise CredentialStoreError(
                    f"credential helper {shown(self.program)} wrote more than "
                    f"{OUTPUT_LIMIT // 1024 // 1024} MiB on {subcmd}; stopped it",
                    "is it the right program?",
                ) from None
            except OSError as error:
                raise CredentialStoreError(
                    f"cannot run credential helper {shown(self.program)}: "
                    f"{shown(str(error.strerror))}"
                ) from None
            if done.returncode != 0:
                raise _helper_failure(self.program, subcmd, done, data_input)
            return done.stdout

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # docker-py warns when the helper is missing; we raise
        return BoundedStore(name)


def _secret_of(data_input: bytes | None) -> str:
    """The secret in a `store` request, so that it can be redacted from the helper's answer."""
    import json

    try:
        secret = json.loads(data_input or b"").get("Secret", "")
    except (ValueError, AttributeError):
        return ""
    return secret if isinstance(secret, str) else ""


def _helper_failure(
    program: str, subcmd: str, done: Finished, data_input: bytes | None
) -> CredentialStoreError:
    text = (done.stdout or b"").decode(errors="replace") + (done.stderr or b"").decode(
        errors="replace"
    )
    first = text.strip().splitlines()[0] if text.strip() else "no message"
    first_line = redact(first, _secret_of(data_input))[:300]
    if "credentials not found" in text.lower():
        return CredentialNotFoundError(f"{shown(program)}: {first_line}")
    hint = next((h for needle, h in _HINTS if needle in text.lower()), None)
    if subcmd == "store" and data_input and len(data_input) > WINCRED_SECRET_LIMIT and hint is None:
        hint = (
            f"ECR tokens are larger than {WINCRED_SECRET_LIMIT} bytes, more than some stores "
            "(Windows Credential Manager) accept; use --to helper, or another store"
        )
    return CredentialStoreError(
        f"credential helper {shown(program)} failed to {subcmd} (exit {done.returncode}): "
        f"{first_line}",
        hint,
    )


class CredentialNotFoundError(CredentialStoreError):
    """The helper holds nothing for that server: not a failure when erasing."""


def store_secret(name: str, host: str, secret: str, platform: str = sys.platform) -> None:
    check_name(name)
    check_size(name, secret, platform)
    helper_store(name).store(host, "AWS", secret)


def erase_secret(name: str, host: str) -> None:
    with contextlib.suppress(CredentialNotFoundError):
        helper_store(name).erase(host)


def read_secret(name: str, host: str) -> str | None:
    """What `docker-credential-<name> get` holds for host, as docker would read it (doctor and
    --verify ask the registry with it); None when the helper has nothing for the host."""
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
