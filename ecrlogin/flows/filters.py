"""What `status` and `logout` say when their -p/-r filters select nothing: the unknown
profile, or the filter that matched no registry (never silence)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence


def empty_filter(
    profiles: Sequence[str], regions: Sequence[str], environ: Mapping[str, str] = os.environ
) -> str:
    """One line for a filter that selected no registry, naming what was asked."""
    from ecrlogin.identity.profiles import known_profiles

    known = set(known_profiles(environ))
    unknown = [p for p in profiles if p not in known and p != "default"]
    asked = [*(f"-p {p}" for p in profiles), *(f"-r {r}" for r in regions)]
    line = f"no ECR registry matches {' '.join(asked)}"
    if unknown:
        names = ", ".join(repr(p) for p in unknown)
        line += f" ({names}: no such AWS profile in the AWS config or credentials file)"
    return line
