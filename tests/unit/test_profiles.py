"""profiles: which identity and region a run is about, in botocore's own order, without botocore."""

from __future__ import annotations

import hashlib
from pathlib import Path

import botocore.exceptions
import botocore.session
import pytest

from ecrlogin.identity import profiles

KEY = "AKIAENVIRONMENTKEY01"
PROFILE_KEYS = {"default": "AKIADEFAULT", "a": "AKIAPROFILEA", "b": "AKIAPROFILEB", "x": "AKIAX"}


def key_source(key_id: str) -> str:
    return "key:" + hashlib.sha256(key_id.encode()).hexdigest()[:12]


ORDER_CASES = [
    ("x", {"AWS_ACCESS_KEY_ID": KEY, "AWS_DEFAULT_PROFILE": "a", "AWS_PROFILE": "b"}, "profile:x"),
    (None, {"AWS_ACCESS_KEY_ID": KEY, "AWS_DEFAULT_PROFILE": "a", "AWS_PROFILE": "b"}, None),
    (None, {"AWS_ACCESS_KEY_ID": KEY, "AWS_PROFILE": "b"}, None),
    (None, {"AWS_DEFAULT_PROFILE": "a", "AWS_PROFILE": "b"}, "profile:a"),
    (None, {"AWS_PROFILE": "b"}, "profile:b"),
    (None, {}, "profile:default"),
    ("", {"AWS_PROFILE": "b"}, "profile:b"),
]


@pytest.mark.parametrize(("profile", "environ", "expected"), ORDER_CASES)
def test_identity_source_and_display_profile_follow_botocores_order(
    profile: str | None, environ: dict[str, str], expected: str | None
) -> None:
    source = expected or key_source(KEY)
    assert profiles.identity_source(profile, environ) == source
    shown = profiles.display_profile(profile, environ)
    assert shown == (expected.removeprefix("profile:") if expected else None)


@pytest.mark.parametrize(("profile", "environ", "expected"), ORDER_CASES)
def test_botocore_itself_picks_the_same_credentials(
    profile: str | None,
    environ: dict[str, str],
    expected: str | None,
    sandbox: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    credentials = sandbox / "aws" / "credentials"
    credentials.parent.mkdir(parents=True, exist_ok=True)
    credentials.write_text(
        "".join(
            f"[{name}]\naws_access_key_id = {key}\naws_secret_access_key = s\n"
            for name, key in PROFILE_KEYS.items()
        )
    )
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    session = botocore.session.Session(profile=profile or None)
    resolved = session.get_credentials()
    assert resolved is not None
    wanted = PROFILE_KEYS[expected.removeprefix("profile:")] if expected else KEY
    assert resolved.access_key == wanted


def test_an_environment_key_is_known_by_a_digest_never_by_the_key() -> None:
    first = profiles.identity_source(None, {"AWS_ACCESS_KEY_ID": KEY})
    second = profiles.identity_source(None, {"AWS_ACCESS_KEY_ID": KEY + "2"})
    assert first != second
    assert KEY not in first
    assert first == profiles.identity_source(None, {"AWS_ACCESS_KEY_ID": KEY})


CONFIG = """\
[default]
region = us-east-1

[profile prod]
region = eu-west-1

[profile blank]
region =

[profile noregion]
output = json

[dev]
region = ap-south-1
"""


@pytest.mark.parametrize(
    ("profile", "environ", "expected"),
    [
        (None, {}, "us-east-1"),
        ("prod", {}, "eu-west-1"),
        ("prod", {"AWS_DEFAULT_REGION": "sa-east-1"}, "sa-east-1"),
        (None, {"AWS_DEFAULT_REGION": "sa-east-1"}, "sa-east-1"),
        (None, {"AWS_PROFILE": "prod"}, "eu-west-1"),
        (None, {"AWS_DEFAULT_PROFILE": "prod", "AWS_PROFILE": "default"}, "eu-west-1"),
        ("noregion", {}, None),  # no fallback to [default]
        ("blank", {}, None),
        ("dev", {}, None),  # a bare [dev] is not a profile in the config file
        ("missing", {}, None),
    ],
)
def test_configured_region_reads_the_environment_then_the_config_file(
    profile: str | None,
    environ: dict[str, str],
    expected: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "config"
    config.write_text(CONFIG)
    environ = {"AWS_CONFIG_FILE": str(config), **environ}
    assert profiles.configured_region(profile, environ) == expected
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    try:
        boto_region = botocore.session.Session(profile=profile).get_config_variable("region")
    except botocore.exceptions.ProfileNotFound:
        boto_region = None  # botocore refuses the profile; we have no region either
    assert (boto_region or None) == expected


def test_configured_region_reads_profile_default_section(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile default]\nregion = eu-north-1\n")
    assert profiles.configured_region(None, {"AWS_CONFIG_FILE": str(config)}) == "eu-north-1"


@pytest.mark.parametrize(
    "content", [b"", b"not an ini file\n", b"[default\nregion=x\n", b"\xff\xfe\x00garbage"]
)
def test_configured_region_is_none_for_a_missing_or_broken_config(
    content: bytes, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.write_bytes(content)
    assert profiles.configured_region(None, {"AWS_CONFIG_FILE": str(config)}) is None
    missing = {"AWS_CONFIG_FILE": str(tmp_path / "nope")}
    assert profiles.configured_region(None, missing) is None


def test_config_file_defaults_to_home_aws_config(sandbox: Path) -> None:
    assert profiles.config_file({}) == sandbox / "home" / ".aws" / "config"
    assert profiles.config_file({"AWS_CONFIG_FILE": "/x/y"}) == Path("/x/y")


@pytest.mark.parametrize("form", ["$CFG_DIR/config", "${CFG_DIR}/config", "~/$CFG_NAME/config"])
def test_aws_config_file_expands_variables_as_botocore_does(
    form: str, sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = sandbox / "home" / "cfg"
    folder.mkdir()
    (folder / "config").write_text("[profile x]\nregion = eu-north-1\n")
    monkeypatch.setenv("CFG_DIR", str(folder))
    monkeypatch.setenv("CFG_NAME", "cfg")
    monkeypatch.setenv("AWS_CONFIG_FILE", form)
    assert profiles.config_file() == folder / "config"
    botocores = botocore.session.Session(profile="x").get_config_variable("region")
    assert profiles.configured_region("x") == botocores == "eu-north-1"
