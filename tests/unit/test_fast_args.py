"""ecrlogin.fast.args: the command lines the fast path takes; everything else is None."""

from __future__ import annotations

import pytest

from ecrlogin.fast.args import parse


def test_a_cached_login_line() -> None:
    args = parse(["-q", "-r", "eu-west-1", "--profile=prod", "--min-ttl", "30m", "HOST/app:1"])
    assert args is not None
    assert (args.command, args.all("regions"), args.all("profiles")) == (
        "login",
        ["eu-west-1"],
        ["prod"],
    )
    assert (args.last("min_ttl"), args.all("references"), args.fmt) == (
        "30m",
        ["HOST/app:1"],
        "table",
    )


def test_all_regions_anywhere_among_the_options() -> None:
    args = parse(["-o", "json", "all-regions", "--exclude", "us-*"])
    assert args is not None
    assert (args.command, args.all("exclude"), args.fmt) == ("all-regions", ["us-*"], "json")


@pytest.mark.parametrize(
    "argv",
    [
        ["-r", "eu-west-1"],  # a table: rich draws it
        ["-q", "--force"],
        ["-q", "-v"],
        ["-q", "--debug"],
        ["-q", "--to", "daemon"],
        ["-q", "-a", "123456789012"],
        ["-q", "--public"],
        ["-q", "--from", "Dockerfile"],
        ["-qr", "eu-west-1"],
        ["-q", "-p"],
        ["-q", "-p", "-v"],
        ["-q", "--", "x"],
        ["status", "-o", "json"],
        ["-q", "all-regions", "-r", "eu-west-1"],
        ["-q", "--include", "eu-*"],
        ["-o", "yaml"],
        ["--help"],
        ["--version"],
    ],
)
def test_anything_else_is_handed_over(argv: list[str]) -> None:
    assert parse(argv) is None
