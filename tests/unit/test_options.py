"""ecrlogin.cli.options: routing to the default command, and durations as a click type."""

from __future__ import annotations

from datetime import timedelta

import click
import pytest

from ecrlogin.cli.app import cli
from ecrlogin.cli.options import Duration, route, value_options

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("args", "routed"),
    [
        ([], ["login"]),
        (["-q", HOST], ["login", "-q", HOST]),
        (["-p", "prod", "all-regions", "-q"], ["all-regions", "-p", "prod", "-q"]),
        (["status"], ["status"]),
        (["-p", "status"], ["login", "-p", "status"]),  # a profile named like a command
        (["--min-ttl=2h", "logout", "--all"], ["logout", "--min-ttl=2h", "--all"]),
        (["--", "status"], ["login", "--", "status"]),
        (["--from", "logs"], ["login", "--from", "logs"]),  # a folder named like a command
        (["-q", "--include", "eu-*", "all-regions"], ["all-regions", "-q", "--include", "eu-*"]),
    ],
)
def test_route(args: list[str], routed: list[str]) -> None:
    commands = {"login", "all-regions", "status", "logout", "password", "logs"}
    assert route(args, commands, value_options([cli, *cli.commands.values()])) == routed


def test_value_options_are_clicks_own() -> None:
    names = value_options([cli, *cli.commands.values()])
    assert {"-p", "--profile", "--from", "--min-ttl", "-o", "--include", "--to"} <= names
    assert names.isdisjoint({"-q", "--quiet", "--force", "--dry-run", "--no-project", "--all"})


@pytest.mark.parametrize(
    ("text", "expected"), [("30m", timedelta(minutes=30)), ("90", timedelta(seconds=90))]
)
def test_duration_type_converts(text: str, expected: timedelta) -> None:
    assert Duration().convert(text, None, None) == expected


def test_duration_type_refuses_as_a_usage_error() -> None:
    with pytest.raises(click.BadParameter, match="not a duration"):
        Duration().convert("5x", None, None)
