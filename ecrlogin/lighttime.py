"""`datetime`'s types straight from CPython's C module: `datetime.py` first runs its whole
pure-Python implementation, then replaces it with these same types (~2 ms every run). The
cached paths and the cache rules import them from here; elsewhere `datetime` is fine."""

from __future__ import annotations

__all__ = ["UTC", "datetime", "timedelta", "timezone"]

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from datetime import UTC, datetime, timedelta, timezone
else:
    try:
        from _datetime import datetime, timedelta, timezone
    except ImportError:  # not CPython
        from datetime import datetime, timedelta, timezone
    UTC = timezone.utc  # noqa: UP017 - datetime.UTC would import datetime.py
