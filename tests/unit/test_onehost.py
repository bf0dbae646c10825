"""flows.onehost: one token per host per run, whichever profiles reach it (issue 24)."""

from __future__ import annotations

import pytest

from ecrlogin.flows.onehost import Candidate, left_out
from ecrlogin.flows.targets import Target
from ecrlogin.identity.identity import Identity
from ecrlogin.registry import parse

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
OTHER = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"


def candidate(profile: str, own: str | None, host: str = HOST) -> Candidate:
    identity = Identity(profile, f"profile:{profile}", profile, "f" * 16)
    return Candidate(Target(identity, "eu-west-1", parse(host)), host, host[:12], own)


@pytest.mark.parametrize(
    ("run", "kept", "why"),
    [
        (["partner:210987654321", "prod:123456789012"], "prod", "in the registry's account"),
        (["a:111111111111", "b:222222222222"], "a", "the first profile"),
        (["a:-", "b:-"], "a", "the first profile"),  # own accounts unknown
        (["a:123456789012", "b:123456789012"], "a", "in the registry's account"),
    ],
)
def test_one_identity_keeps_the_host(run: list[str], kept: str, why: str) -> None:
    candidates = [
        candidate(p, None if own == "-" else own) for p, own in (item.split(":") for item in run)
    ]
    dropped, (note,) = left_out(candidates)
    assert {t.identity.profile for t in dropped} == {
        c.target.identity.profile for c in candidates
    } - {kept}
    assert note.startswith(f"{HOST}: one token per host: profile {kept}'s is stored")
    assert why in note


def test_hosts_reached_by_one_identity_are_left_alone() -> None:
    alone = [candidate("prod", None), candidate("partner", None, OTHER), candidate("prod", None)]
    assert left_out(alone) == (set(), [])
