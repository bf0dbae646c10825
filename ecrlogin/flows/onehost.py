"""One token per host per run: where several identities of a run reach the same registry host,
one token is stored — the identity whose own account is the host's if there is one, else the
first (`-p` order) — and the other identities' rows for that host are left out, with a note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecrlogin.flows.targets import Target


@dataclass(frozen=True)
class Candidate:
    """A target that would store a token for `host` (cached, planned or fetched)."""

    target: Target
    host: str
    host_account: str | None
    own_account: str | None  # the identity's own account, where known


def left_out(candidates: Sequence[Candidate]) -> tuple[set[Target], list[str]]:
    """The targets whose token is not stored (another identity's is), and one note per host.

    `candidates` come in the run's order (the order of `-p`)."""
    by_host: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_host.setdefault(candidate.host, []).append(candidate)
    dropped: set[Target] = set()
    notes = []
    for host, group in by_host.items():
        identities = list(dict.fromkeys(c.target.identity for c in group))
        if len(identities) < 2:
            continue
        inside = [c for c in group if c.own_account and c.own_account == c.host_account]
        chosen = (inside or group)[0].target.identity
        losers = [c.target for c in group if c.target.identity != chosen]
        dropped.update(losers)
        why = "its identity is in the registry's account" if inside else "the first profile"
        others = ", ".join(_name(i.shown) for i in identities if i != chosen)
        notes.append(
            f"{host}: one token per host: {_name(chosen.shown)}'s is stored ({why}); "
            f"left out: {others}"
        )
    return dropped, notes


def _name(shown: str | None) -> str:
    return f"profile {shown}" if shown else "the environment's credentials"
