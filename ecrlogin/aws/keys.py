"""What one AWS token call is about; light, so that the cached path can name it for free."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenKey:
    """One `GetAuthorizationToken` call: its token opens every registry of that region."""

    profile: str | None
    region: str
    fips: bool = False
    public: bool = False
