"""identity: a profile resolved once, with a fingerprint that follows what decides who it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrlogin.identity.identity import fingerprint, resolve

CONFIG = """\
[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deployer
source_profile = base
region = eu-west-1

[profile sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = dev

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
"""
CREDENTIALS = """\
[base]
aws_access_key_id = AKIABASE
aws_secret_access_key = base-secret-one
aws_session_token = token-one
"""


@pytest.fixture
def aws(sandbox: Path) -> Path:
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text(CONFIG)
    (sandbox / "aws" / "credentials").write_text(CREDENTIALS)
    return sandbox / "aws"


def env(sandbox: Path, **extra: str) -> dict[str, str]:
    return {
        "AWS_CONFIG_FILE": str(sandbox / "aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(sandbox / "aws" / "credentials"),
        **extra,
    }


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("config", "role/deployer", "role/admin"),  # a role edited
        ("config", "arn:aws:iam::123456789012", "arn:aws:iam::210987654321"),  # another account
        ("credentials", "AKIABASE", "AKIAROTATED"),  # the source profile's key rotated
        ("config", "sso_start_url = https://corp", "sso_start_url = https://other"),
    ],
)
def test_a_changed_definition_changes_the_fingerprint(
    aws: Path, sandbox: Path, file: str, old: str, new: str
) -> None:
    before = {name: resolve(name, env(sandbox)).fingerprint for name in ("deploy", "sso")}
    path = aws / file
    path.write_text(path.read_text().replace(old, new))
    after = {name: resolve(name, env(sandbox)).fingerprint for name in ("deploy", "sso")}
    assert before != after


@pytest.mark.parametrize(("old", "new"), [("token-one", "token-two"), ("base-secret-one", "x")])
def test_refreshed_secrets_keep_the_fingerprint_and_never_enter_it(
    aws: Path, sandbox: Path, old: str, new: str
) -> None:
    before = resolve("deploy", env(sandbox)).fingerprint
    path = aws / "credentials"
    path.write_text(path.read_text().replace(old, new))
    assert resolve("deploy", env(sandbox)).fingerprint == before


def test_environment_keys_are_their_own_identity(aws: Path, sandbox: Path) -> None:
    one = resolve(None, env(sandbox, AWS_ACCESS_KEY_ID="AKIAONE"))
    two = resolve(None, env(sandbox, AWS_ACCESS_KEY_ID="AKIATWO"))
    assert (one.source[:4], one.shown, one.profile) == ("key:", None, None)
    assert (one.fingerprint, one.source) != (two.fingerprint, two.source)


def test_aws_profile_decides_the_default_identity(aws: Path, sandbox: Path) -> None:
    chosen = resolve(None, env(sandbox, AWS_PROFILE="deploy"))
    assert (chosen.profile, chosen.source, chosen.shown) == (None, "profile:deploy", "deploy")
    assert chosen.fingerprint != resolve("deploy", env(sandbox)).fingerprint  # AWS_PROFILE too


def test_a_source_profile_loop_ends(aws: Path, sandbox: Path) -> None:
    (aws / "config").write_text(
        "[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\n"
    )
    assert len(fingerprint("profile:a", env(sandbox))) == 16


@pytest.mark.parametrize(
    "variable",
    ["AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
     "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
     "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_ENDPOINT_URL",
     "AWS_ENDPOINT_URL_STS", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"],
)  # fmt: skip
def test_every_identity_variable_is_part_of_the_key(sandbox: Path, variable: str) -> None:
    before = resolve("prod", env(sandbox))
    after = resolve("prod", env(sandbox, **{variable: "secretvalue-B"}))
    assert (after.source, after.key != before.key) == (before.source, True)
    assert "secretvalue-B" not in after.key


@pytest.mark.parametrize(
    ("config", "environ", "opaque"),
    [
        ("[default]\ncredential_process = /bin/true\n", {}, True),
        ("[default]\nregion = eu-west-1\n", {}, True),  # container credentials, instance role
        ("[default]\nregion = eu-west-1\n", {"AWS_ACCESS_KEY_ID": "AKID"}, False),
        ("[default]\nrole_arn = r\ncredential_source = Ec2InstanceMetadata\n", {}, False),
        ("[default]\nsso_account_id = 1\nsso_role_name = r\n", {}, False),
        ("[default]\naws_access_key_id = AKID\n", {}, False),
        ("[default]\n", {"AWS_ROLE_ARN": "r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"}, False),
    ],
)  # fmt: skip
def test_opaque_sources_are_those_that_name_no_identity(
    sandbox: Path, config: str, environ: dict[str, str], opaque: bool
) -> None:
    (sandbox / "aws").mkdir(exist_ok=True)
    (sandbox / "aws" / "config").write_text(config)
    who = resolve(None, env(sandbox, **environ))
    assert (who.opaque, who.cacheable) == (opaque, not opaque)
    bound = who.bound_to("AKIDNOW")
    assert bound.cacheable
    assert bound.key != who.key != who.bound_to("AKIDOTHER").key
    assert "AKIDNOW" not in bound.key
