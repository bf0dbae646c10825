"""Finding and running the ecrlogin console script under test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def ecrlogin_path() -> str:
    """The installed `ecrlogin` script: beside this interpreter (the project venv), else PATH."""
    beside = Path(sys.executable).parent / "ecrlogin"
    if beside.exists():
        return str(beside)
    found = shutil.which("ecrlogin")
    if found is None:
        raise FileNotFoundError(
            "no `ecrlogin` console script beside "
            f"{sys.executable} or on PATH; install the project: make venv"
        )
    return found


def ecrlogin(
    *args: str,
    env: dict[str, str],
    input: str | None = None,
    timeout: float = 120.0,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ecrlogin_path(), *args],
        env=env,
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
