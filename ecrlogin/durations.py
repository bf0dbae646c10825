"""Durations written the way people write them: 30m, 2h, 1h30m, 90s, 0."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?", re.ASCII)


def parse_duration(text: str) -> timedelta:
    text = text.strip().lower()
    match = _DURATION.fullmatch(text)
    if text.isascii() and text.isdigit():
        match = _DURATION.fullmatch(text + "s")
    if not text or match is None:
        raise ValueError(f"{text!r} is not a duration (examples: 30m, 2h, 1h30m, 90s)")
    hours, minutes, seconds = (int(match[k] or 0) for k in "hms")
    try:
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise ValueError(f"{text!r} is not a duration: too long") from None
