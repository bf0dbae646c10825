"""routing: DESIGN v2's six rules, in order, each result saying which rule chose it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrlogin.identity.routing import Hints, Rule, choose, profiles_naming
from ecrlogin.registry import parse

HOST = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
CONFIG = """\
[profile partner]
role_arn = arn:aws:iam::210987654321:role/pull
source_profile = base
[profile partner-sso]
sso_account_id = 210987654321
[profile other]
role_arn = arn:aws:iam::123456789012:role/x
"""
FULL = Hints(
    explicit="cli",
    by_host={HOST: "by-host"},
    by_account={"210987654321": "by-account"},
    recorded={HOST: "recorded"},
)


@pytest.fixture
def environ(sandbox: Path) -> dict[str, str]:
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text(CONFIG)
    return {"AWS_CONFIG_FILE": str(sandbox / "aws" / "config"), "AWS_PROFILE": "env"}


@pytest.mark.parametrize(
    ("drop", "expected", "rule"),
    [
        ({}, "cli", Rule.EXPLICIT),
        ({"explicit": None}, "by-host", Rule.PROJECT_HOST),
        ({"explicit": None, "by_host": {}}, "by-account", Rule.PROJECT_ACCOUNT),
        ({"explicit": None, "by_host": {}, "by_account": {}}, "recorded", Rule.RECORDED),
        (
            {"explicit": None, "by_host": {}, "by_account": {}, "recorded": {}},
            None,
            Rule.AWS_PROFILE,
        ),
    ],
)
def test_first_rule_that_applies_wins(
    environ: dict[str, str], drop: dict[str, object], expected: str | None, rule: Rule
) -> None:
    hints = Hints(**{**FULL.__dict__, **drop})  # type: ignore[arg-type]
    route = choose(parse(HOST), hints, environ)
    assert route.profile == expected
    assert route.rule is rule


def test_several_profiles_naming_the_account_is_a_note_never_a_guess(
    environ: dict[str, str],
) -> None:
    del environ["AWS_PROFILE"]
    route = choose(parse(HOST), Hints(), environ)
    assert route.profile is None
    assert route.note is not None
    assert "partner, partner-sso" in route.note


@pytest.mark.parametrize(("default_account", "expected"), [(None, "other"), ("123456789012", None)])
def test_the_one_profile_naming_the_account_unless_the_default_is_already_there(
    environ: dict[str, str], default_account: str | None, expected: str | None
) -> None:
    del environ["AWS_PROFILE"]
    own = parse("123456789012.dkr.ecr.us-east-1.amazonaws.com")
    assert choose(own, Hints(default_account=default_account), environ).profile == expected


def test_profiles_naming_reads_role_arn_and_sso_account(environ: dict[str, str]) -> None:
    assert profiles_naming("210987654321", environ) == ["partner", "partner-sso"]
    assert profiles_naming("999999999999", environ) == []
