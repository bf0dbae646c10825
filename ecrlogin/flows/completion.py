"""What the shell completes besides commands and options: profile and region names."""

from __future__ import annotations

import os
from collections.abc import Mapping


def profile_names(prefix: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    from ecrlogin.identity.profiles import known_profiles

    return [name for name in known_profiles(environ) if name.startswith(prefix)]


def region_names(prefix: str) -> list[str]:
    """Region names only: botocore's lists also hold global endpoints (aws-global, …)."""
    from ecrlogin import registry
    from ecrlogin.names import is_region_name

    names = sorted({r for p in registry.partitions() for r in p.regions if is_region_name(r)})
    return [name for name in names if name.startswith(prefix)]
