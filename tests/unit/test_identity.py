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
