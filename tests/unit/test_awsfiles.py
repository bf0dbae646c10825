"""awsfiles: the AWS files' sections grouped as botocore groups them, shared by both paths."""

from __future__ import annotations

import pytest

from ecrlogin.awsfiles import AwsFiles, configured_region, identity_source

CONFIG = {
    "default": {"region": "a"},
    "profile default": {"region": "b"},
    "profile x": {"region": " c ", "role_arn": "r"},
    "sso-session s": {"sso_region": "d"},
    "junk": {"k": "v"},
    "profile ": {"k": "v"},
}
FILES = AwsFiles(CONFIG, {"x": {"aws_access_key_id": "K"}, "y": {}})


def test_sections_are_grouped_as_botocore_groups_them() -> None:
    assert FILES.profile_names() == ["default", "x", "y"]
    assert [FILES.value(p, "region") for p in ("default", "x", "y")] == ["b", "c", None]
    assert [label for label, _ in FILES.sections_of("profile", "x")] == ["config", "credentials"]
    assert list(FILES.sections_of("sso-session", "s")) == [("config", {"sso_region": "d"})]


@pytest.mark.parametrize(
    ("profile", "environ", "region"),
    [
        ("x", {}, "c"),
        (None, {"AWS_PROFILE": "x"}, "c"),
        (None, {}, "b"),
        ("x", {"AWS_DEFAULT_REGION": "e"}, "e"),
        ("x", {"AWS_REGION": "f", "AWS_DEFAULT_REGION": "e"}, "f"),
        ("y", {}, None),
    ],
)
def test_the_region_follows_aws_cli_v2_s_order(
    profile: str | None, environ: dict[str, str], region: str | None
) -> None:
    assert configured_region(FILES, profile, environ) == region


def test_environment_keys_are_an_identity_of_their_own_unless_a_profile_is_named() -> None:
    keys = {"AWS_ACCESS_KEY_ID": "AKIA1", "AWS_PROFILE": "x"}
    assert identity_source("y", keys) == "profile:y"
    assert identity_source(None, keys).startswith("key:")
    assert identity_source(None, {"AWS_PROFILE": "x"}) == "profile:x"
