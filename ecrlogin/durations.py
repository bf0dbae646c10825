"""Durations written the way people write them: 30m, 2h, 1h30m, 90s, 0.

Read by hand rather than with `re` (~15 ms to import): every cached run reads `--min-ttl`."""

from __future__ import annotations

from ecrlogin.lighttime import timedelta

_DIGITS = "0123456789"


def parse_duration(text: str) -> timedelta:
    """`(Nh)?(Nm)?(Ns)?` in that order, or plain seconds; a ValueError for anything else."""
    text = text.strip().lower()
    rest = text + "s" if text.isascii() and text.isdigit() else text
    amounts: dict[str, int] = {}
    for unit in "hms":
        digits = len(rest) - len(rest.lstrip(_DIGITS))
        if digits and rest[digits : digits + 1] == unit:
            amounts[unit], rest = int(rest[:digits]), rest[digits + 1 :]
    if not text or rest:
        raise ValueError(f"{text!r} is not a duration (examples: 30m, 2h, 1h30m, 90s)")
    hours, minutes, seconds = (amounts.get(k, 0) for k in "hms")
    try:
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise ValueError(f"{text!r} is not a duration: too long") from None
