"""A real `pass` store with a throw-away GPG key, for `docker-credential-pass`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .procs import run


def gpg_env(gnupghome: Path) -> dict[str, str]:
    return {"GNUPGHOME": str(gnupghome), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def start_keygen(gnupghome: Path, log: Path) -> subprocess.Popen[bytes]:
    """Start making the key in the background (the slowest part of the pass store)."""
    gnupghome.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(log, "ab") as out:
        return subprocess.Popen(
            [
                "gpg",
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                "localecr test <localecr@example.invalid>",
                "default",
                "default",
                "1d",
            ],
            env=gpg_env(gnupghome),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )


def key_fingerprint(gnupghome: Path) -> str:
    out = run(
        ["gpg", "--batch", "--with-colons", "--list-secret-keys"], env=gpg_env(gnupghome)
    ).stdout.decode()
    for line in out.splitlines():
        if line.startswith("fpr:"):
            return line.split(":")[9]
    raise RuntimeError(f"no secret key in {gnupghome}")


def init_store(store: Path, gnupghome: Path, key: str) -> None:
    env = gpg_env(gnupghome) | {"PASSWORD_STORE_DIR": str(store)}
    run(["pass", "init", key], env=env)


def kill_agents(gnupghome: Path) -> None:
    """gpg starts gpg-agent (and maybe keyboxd/dirmngr) on its own: stop those of this home."""
    if gnupghome.exists():
        subprocess.run(
            ["gpgconf", "--kill", "all"],
            env=gpg_env(gnupghome),
            capture_output=True,
            timeout=15,
            check=False,
        )
