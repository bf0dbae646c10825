"""Which hosts `--to helper` set up, and the profile each was set up with (routing's rule 3).

One small JSON file in ecrlogin's state directory, written like every other file of ecrlogin:
locked, whole, atomic. Never a secret: host names and profile names only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ecrlogin.errors import ConfigFileError
from ecrlogin.files import locked, read_json_object, write_json_atomic

RECORDS_NAME = "helper-hosts.json"
VERSION = 1


def load(state_dir: Path) -> dict[str, str | None]:
    """Every host set up for the helper -> the profile recorded for it (None: no -p)."""
    try:
        data = read_json_object(state_dir / RECORDS_NAME)
    except ConfigFileError as error:
        import logging  # the helper's cache hit does without it

        logging.getLogger("ecrlogin").warning("ignoring the helper's hosts: %s", error.message)
        return {}
    hosts = data.get("hosts") if data.get("version") == VERSION else None
    if not isinstance(hosts, dict):
        return {}
    return {
        host: entry.get("profile") if isinstance(entry.get("profile"), str) else None
        for host, entry in hosts.items()
        if isinstance(host, str) and isinstance(entry, dict)
    }


def profiles(state_dir: Path) -> dict[str, str]:
    """The hosts recorded with a profile: `routing.Hints(recorded=...)`."""
    return {host: profile for host, profile in load(state_dir).items() if profile}


def remember(state_dir: Path, hosts: Mapping[str, str | None]) -> None:
    """Add or replace hosts and their profiles."""
    with locked(state_dir):
        current = load(state_dir)
        merged = {**current, **hosts}
        if merged != current:
            _save(state_dir, merged)


def forget(state_dir: Path, hosts: set[str]) -> None:
    if not (state_dir / RECORDS_NAME).exists():
        return
    with locked(state_dir):
        current = load(state_dir)
        kept = {host: profile for host, profile in current.items() if host not in hosts}
        if kept != current:
            _save(state_dir, kept)


def _save(state_dir: Path, hosts: Mapping[str, str | None]) -> None:
    body = {host: {"profile": profile} for host, profile in sorted(hosts.items())}
    write_json_atomic(state_dir / RECORDS_NAME, {"version": VERSION, "hosts": body})
