"""The one set of cache rules: may a registry be skipped because the token ecrlogin stored is
still there and still good? Used by the login flow and by anything faster in front of it, so the
rules cannot drift apart. Standard library only; nothing here may get slower to import.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ecrlogin.state import Record


def still_valid(
    record: Record | None,
    *,
    identity_print: str,
    place: str,
    held_fingerprint: str | None,
    now: datetime,
    min_ttl: timedelta,
) -> bool:
    """True when `record` is ecrlogin's own entry, stored for this identity's current definition
    in this very config, unchanged since (same fingerprint), and valid for `min_ttl` more."""
    if record is None or record.expires_at is None or record.fingerprint is None:
        return False
    return (
        record.identity_print == identity_print
        and record.place == place
        and record.fingerprint == held_fingerprint
        and record.expires_at - now >= min_ttl
    )
