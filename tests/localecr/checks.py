"""Small helpers that the end-to-end tests use to judge what real clients did."""

from __future__ import annotations

import base64
import json
import re
import subprocess
from typing import Any

# What dockerd and skopeo say when the registry wants credentials it did not get or accept.
_AUTH_ERROR = re.compile(
    r"no basic auth credentials|unauthorized|authentication required|401", re.IGNORECASE
)
# What they say when the registry could not be reached at all: then the test proves nothing.
_NOT_REACHED = re.compile(r"connection refused|no such host|i/o timeout|dial tcp", re.IGNORECASE)


def is_auth_error(proc: subprocess.CompletedProcess[str]) -> bool:
    """The command failed because of authentication (not because the registry was away)."""
    text = proc.stdout + proc.stderr
    return proc.returncode != 0 and bool(_AUTH_ERROR.search(text)) and not _NOT_REACHED.search(text)


def secret_forms(password: str) -> list[str]:
    """Every form a leaked ECR password could take in a file or a log."""
    forms = [password]
    for raw in (password.encode(), f"AWS:{password}".encode()):
        forms.append(base64.b64encode(raw).decode())
        forms.append(base64.urlsafe_b64encode(raw).decode())
    # A long enough slice catches a password that was cut or wrapped.
    forms.append(password[100:164])
    return forms


def json_results(stdout: str) -> dict[str, dict[str, Any]]:
    """`ecrlogin -o json` output, keyed by registry host."""
    data = json.loads(stdout)
    return {r["registry"]: r for r in data["results"]}


def describe(proc: subprocess.CompletedProcess[str]) -> str:
    """For assertion messages: the command, its exit code and its output."""
    args = proc.args if isinstance(proc.args, list) else [str(proc.args)]
    return (
        f"$ {' '.join(str(a) for a in args)}\nexit {proc.returncode}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )
