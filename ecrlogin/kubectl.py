"""`kubectl apply -f -`, with the manifest on stdin: the Secret's token is never on an argument
list or on disk, and kubectl runs without the AWS secret variables, in bounded time."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

from ecrlogin.errors import EcrLoginError, redact

TIMEOUT_SECONDS = 60.0


class KubectlError(EcrLoginError):
    """kubectl is missing, or it refused or failed an apply."""


def find(environ: Mapping[str, str] = os.environ) -> str:
    """kubectl on PATH, else a KubectlError naming what to do."""
    found = shutil.which("kubectl", path=environ.get("PATH"))
    if found is None:
        raise KubectlError(
            "kubectl not found on PATH",
            "install kubectl, or run without --apply and pipe the output to `kubectl apply -f -`",
        )
    return found


def apply(
    kubectl: str,
    manifest: str,
    *,
    context: str | None = None,
    secrets: tuple[str, ...] = (),
    timeout: float = TIMEOUT_SECONDS,
) -> str:
    """`kubectl [--context CTX] apply -f -` with `manifest` on stdin; kubectl's answer (one line,
    `secret/NAME configured`), or a KubectlError quoting kubectl's own error, `secrets` redacted."""
    from ecrlogin.sinks.credstore import OutputTooLarge, child_environment, run_bounded

    argv = [kubectl, *(["--context", context] if context else []), "apply", "-f", "-"]
    try:
        done = run_bounded(argv, manifest.encode(), env=child_environment(), timeout=timeout)
    except subprocess.TimeoutExpired:
        raise KubectlError(f"kubectl apply did not finish within {timeout:.0f} s") from None
    except OutputTooLarge:
        raise KubectlError("kubectl apply wrote more output than ecrlogin reads") from None
    except OSError as error:
        raise KubectlError(f"kubectl could not be started: {error.strerror or error}") from None
    said = redact(done.stdout.decode(errors="replace").strip(), *secrets)
    if done.returncode != 0:
        why = redact(done.stderr.decode(errors="replace").strip(), *secrets) or said
        raise KubectlError(f"kubectl apply failed (exit {done.returncode}): {why or 'no message'}")
    return " ".join(said.split())
