"""durations: 30m, 2h, 1h30m, 90s, 0 — and a clear ValueError for anything else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecrlogin.durations import parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", timedelta(0)),
        ("90", timedelta(seconds=90)),
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h0m5s", timedelta(hours=1, seconds=5)),
        ("2m30s", timedelta(minutes=2, seconds=30)),
        ("0h", timedelta(0)),
        ("12h", timedelta(hours=12)),
        ("90m", timedelta(minutes=90)),
        (" 2H ", timedelta(hours=2)),
        ("1H30M", timedelta(hours=1, minutes=30)),
    ],
)
def test_parse_duration_reads_what_people_write(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-5",
        "-5m",
        "+5m",
        "1d",
        "1w",
        "30 m",
        "1h 30m",
        "m",
        "h30",
        "1.5h",
        "30m1h",  # units out of order
        "1h1h",
        "5ms",
        "abc",
        "１０m",  # fullwidth digits
        "١٠m",  # Arabic-Indic digits
        "²",  # a superscript: str.isdigit() says yes, int() says no
    ],
)
def test_parse_duration_refuses_everything_else(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["9999999999999h", "99999999999999999999", "1" * 400 + "m"])
def test_parse_duration_refuses_durations_too_long_to_represent(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)


def test_the_refusal_names_the_input_and_gives_examples() -> None:
    with pytest.raises(ValueError, match="30m, 2h") as caught:
        parse_duration("soon")
    assert "'soon'" in str(caught.value)
