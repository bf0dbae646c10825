"""helper.locate: the state directory without platformdirs, and the entry routing picks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecrlogin import state
from ecrlogin.flows import routes
from ecrlogin.flows.model import Request
from ecrlogin.flows.targets import plan
from ecrlogin.helper import locate, records
from ecrlogin.identity.identity import resolve
from ecrlogin.identity.routing import Rule
from ecrlogin.registry import parse

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.mark.parametrize("xdg", [None, "", "  ", "/tmp/xdg-state"])
def test_state_dir_is_ecrlogins_own(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    monkeypatch.delenv("ECRLOGIN_STATE_DIR")
    if xdg is None:
        monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_STATE_HOME", xdg)
    assert locate.state_dir(os.environ) == state.state_dir(os.environ)
    monkeypatch.setenv("ECRLOGIN_STATE_DIR", "~/elsewhere")
    assert locate.state_dir(os.environ) == state.state_dir(os.environ)


def write_profiles(sandbox: Path, role_account: str = "123456789012") -> None:
    (sandbox / "aws").mkdir(exist_ok=True)
    (sandbox / "aws" / "config").write_text(
        f"[profile prod]\nrole_arn = arn:aws:iam::{role_account}:role/x\nsource_profile = base\n"
        "[profile base]\nregion = eu-west-1\n"
    )


def test_recorded_profile_decides_the_entry(sandbox: Path) -> None:
    write_profiles(sandbox)
    records.remember(sandbox / "state", {HOST: "base"})
    where = locate.place(parse(HOST), sandbox / "state")
    assert (where.profile, where.rule) == ("base", Rule.RECORDED)
    assert where.directory.parent == sandbox / "state" / "helper-cache"
    assert where.directory.name.startswith("ecr-eu-west-1-")
    other = locate.entry_for(parse(HOST), "prod", sandbox / "state")
    assert other.directory != where.directory  # another identity, another entry


def test_an_edited_profile_is_another_entry(sandbox: Path) -> None:
    write_profiles(sandbox)
    before = locate.place(parse(HOST), sandbox / "state")
    assert before.profile == "prod"  # the only profile whose role is in the account
    write_profiles(sandbox, role_account="999999999999")
    after = locate.entry_for(parse(HOST), "prod", sandbox / "state")
    assert after.directory != before.directory


def test_environment_keys_pick_the_entry(sandbox: Path) -> None:
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIAONE")
    one = locate.place(parse(HOST), sandbox / "state", env)
    two = locate.place(parse(HOST), sandbox / "state", env | {"AWS_ACCESS_KEY_ID": "AKIATWO"})
    assert one.profile is None
    assert one.directory != two.directory
    public = locate.place(parse("public.ecr.aws"), sandbox / "state", env)
    assert public.directory.name.startswith("ecr-public-us-east-1-")


def test_rule_5_yields_when_the_default_identity_is_in_the_account(sandbox: Path) -> None:
    write_profiles(sandbox)
    with (sandbox / "aws" / "config").open("a") as config:
        config.write("[default]\naws_access_key_id = AKIDDEFAULT\n")
    state.remember(sandbox / "state", [], {resolve(None).key: "123456789012"})
    where = locate.place(parse(HOST), sandbox / "state")
    assert (where.profile, where.rule) == (None, Rule.DEFAULT_CHAIN)


@pytest.mark.parametrize("own_account", [None, "123456789012", "999999999999"])
def test_the_helper_routes_as_login_does(sandbox: Path, own_account: str | None) -> None:
    write_profiles(sandbox)
    with (sandbox / "aws" / "config").open("a") as config:
        config.write("[default]\naws_access_key_id = AKIDDEFAULT\n")
    default = resolve(None)
    known = {default.key: own_account} if own_account else {}
    state.remember(sandbox / "state", [], known)
    request = Request(registries=(parse(HOST),))
    (target,), _ = routes.route(
        plan(request, [default], lambda identity: []),
        request,
        state.load(sandbox / "state"),
        os.environ,
    )
    assert locate.place(parse(HOST), sandbox / "state").profile == target.identity.profile


def test_an_opaque_source_has_the_entry_of_the_key_it_gives_now(sandbox: Path) -> None:
    (sandbox / "aws").mkdir(exist_ok=True)
    (sandbox / "aws" / "config").write_text("[default]\ncredential_process = /bin/true\n")
    keys = {"A": "AKIDA", "B": "AKIDB", "none": None}
    where = {
        name: locate.entry_for(
            parse(HOST), None, sandbox / "state", credential_key=lambda p, k=k: k
        )
        for name, k in keys.items()
    }
    assert where["A"].directory != where["B"].directory
    assert (where["A"].cacheable, where["A"].memo, where["none"].cacheable) == (True, False, False)


def test_a_named_source_asks_no_credentials(sandbox: Path) -> None:
    write_profiles(sandbox)

    def refuse(profile: str | None) -> str:
        raise AssertionError("credentials resolved for a named identity")

    where = locate.entry_for(parse(HOST), "prod", sandbox / "state", credential_key=refuse)
    assert (where.cacheable, where.memo) == (True, True)
