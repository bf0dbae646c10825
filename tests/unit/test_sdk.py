"""ecrlogin.aws.sdk: tokens, identity, regions, client settings and sessions."""

from __future__ import annotations

import base64
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from awsfakes import ACCOUNT, EXPIRES, encode, identity_answer
from botocore.stub import Stubber

from ecrlogin.aws import sdk
from ecrlogin.aws.loader import DataLoader
from ecrlogin.errors import AwsError

ENDPOINT = f"https://{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"


def item(token: str = encode("secret"), endpoint: str = ENDPOINT) -> dict[str, Any]:
    return {"authorizationToken": token, "expiresAt": EXPIRES, "proxyEndpoint": endpoint}


def test_parse_authorization_reads_password_expiry_and_account() -> None:
    token = sdk.parse_authorization([item()], region="eu-west-1")
    assert token.password == "secret"
    assert token.expires_at == EXPIRES
    assert token.account == ACCOUNT
    assert "secret" not in repr(token)


def test_parse_authorization_makes_naive_expiry_utc() -> None:
    naive = {**item(), "expiresAt": datetime(2030, 1, 1, 0, 0)}
    token = sdk.parse_authorization([naive], region="eu-west-1")
    assert token.expires_at == datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([item(token="not base64!!")], "malformed token"),
        ([item(token=base64.b64encode(b"AWSsecret").decode())], "malformed token"),
        ([item(token=base64.b64encode(b"AWS:").decode())], "malformed token"),
        ([item(token=base64.b64encode(b"\xff\xfe:x").decode())], "malformed token"),
        ([{**item(), "authorizationToken": None}], "malformed token"),
        ([], "no authorization data"),
        ([item(endpoint="https://registry.evil.example")], "not ECR"),
        (
            [item(endpoint=f"https://{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com.evil.example")],
            "not ECR",
        ),
        ([item(endpoint="")], "not ECR"),
    ],
)
def test_parse_authorization_refuses_malformed_answers(
    items: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(AwsError, match=message) as caught:
        sdk.parse_authorization(items, region="eu-west-1")
    assert caught.value.message.startswith("eu-west-1: ")


def stubbed(service: str, region: str = "us-east-1") -> tuple[Any, Stubber]:
    import boto3

    session: Any = boto3.Session(aws_access_key_id="AKIDFAKE", aws_secret_access_key="fake")
    client = session.client(service, region_name=region)
    return client, Stubber(client)


def test_fetch_token_answer_without_data_is_refused() -> None:
    client, stub = stubbed("ecr", "eu-west-1")
    stub.add_response("get_authorization_token", {})
    with stub, pytest.raises(AwsError, match="no authorization data"):
        sdk.fetch_token(client, profile=None, region="eu-west-1")


def test_fetch_token_uses_no_registry_ids() -> None:
    client, stub = stubbed("ecr", "eu-west-1")
    stub.add_response("get_authorization_token", {"authorizationData": [item()]}, {})
    with stub:
        assert sdk.fetch_token(client, profile="p", region="eu-west-1").password == "secret"
    stub.assert_no_pending_responses()


def test_fetch_public_token() -> None:
    client, stub = stubbed("ecr-public")
    answer = {"authorizationData": {"authorizationToken": encode("pub"), "expiresAt": EXPIRES}}
    stub.add_response("get_authorization_token", answer)
    with stub:
        token = sdk.fetch_public_token(client, profile="p")
    assert (token.password, token.expires_at, token.account) == ("pub", EXPIRES, None)


def test_fetch_public_token_failure_names_the_public_action() -> None:
    client, stub = stubbed("ecr-public")
    stub.add_client_error("get_authorization_token", "AccessDeniedException", http_status_code=403)
    with stub, pytest.raises(AwsError, match="ecr-public:GetAuthorizationToken"):
        sdk.fetch_public_token(client, profile="p")


def test_caller_identity() -> None:
    client, stub = stubbed("sts")
    stub.add_response("get_caller_identity", identity_answer("prod"))
    with stub:
        found = sdk.caller_identity(client, profile="prod", region="us-east-1")
    assert found == sdk.Identity(ACCOUNT, f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/prod")


def test_caller_identity_failure_is_translated() -> None:
    client, stub = stubbed("sts")
    stub.add_client_error("get_caller_identity", "ExpiredToken", http_status_code=403)
    with stub, pytest.raises(AwsError, match="expired"):
        sdk.caller_identity(client, profile="prod", region="us-east-1")


def test_enabled_regions_keeps_opted_in_regions_of_the_partition() -> None:
    client, stub = stubbed("ec2")
    regions = [
        ("eu-west-1", "opt-in-not-required"),
        ("af-south-1", "opted-in"),
        ("ap-east-1", "not-opted-in"),
        ("cn-north-1", "opt-in-not-required"),  # another partition
        ("us-gov-west-1", "opt-in-not-required"),  # another partition
        ("us-east-1", None),  # no status: usable
    ]
    answer = [
        {"RegionName": name, **({"OptInStatus": status} if status else {})}
        for name, status in regions
    ]
    stub.add_response("describe_regions", {"Regions": answer}, {"AllRegions": False})
    with stub:
        found = sdk.enabled_regions(client, profile=None, partition="aws")
    assert found == ["af-south-1", "eu-west-1", "us-east-1"]


def test_partition_regions_come_from_botocore_data() -> None:
    found = sdk.partition_regions("aws-cn")
    assert "cn-north-1" in found
    assert "eu-west-1" not in found
    assert "eu-west-1" in sdk.partition_regions("aws")


@pytest.mark.parametrize("fips", [False, True])
def test_client_config_bounds_time_and_retries(fips: bool) -> None:
    config = sdk.client_config(fips=fips)
    assert config.connect_timeout == sdk.CONNECT_TIMEOUT_SECONDS <= 5
    assert config.read_timeout == sdk.READ_TIMEOUT_SECONDS <= 30
    assert config.retries == {"mode": "standard", "total_max_attempts": sdk.MAX_ATTEMPTS}
    assert config.use_fips_endpoint is fips


def test_fips_client_uses_the_fips_endpoint() -> None:
    import boto3

    session = boto3.Session(aws_access_key_id="AKIDFAKE", aws_secret_access_key="fake")
    client = session.client("ecr", region_name="us-east-1", config=sdk.client_config(fips=True))
    assert client.meta.endpoint_url == "https://ecr-fips.us-east-1.amazonaws.com"


def core_of(session: Any) -> Any:
    """The botocore session behind what the factory made (a boto3 Session or ecrlogin's own)."""
    return getattr(session, "_core", None) or session._session


def write_aws_config(tmp_path: Path, text: str) -> None:
    path = tmp_path / "aws" / "config"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)


def test_session_factory_refuses_unknown_profile_listing_known(sandbox: Path) -> None:
    write_aws_config(sandbox, "[default]\nregion=eu-west-1\n[profile prod]\n[profile dev]\n")
    make = sdk.default_session_factory()
    with pytest.raises(AwsError) as caught:
        make("nope")
    assert "'nope'" in caught.value.message
    assert "known: default, dev, prod" in caught.value.message
    assert core_of(make("prod")).profile == "prod"


def test_session_factory_without_any_profile_says_none(sandbox: Path) -> None:
    with pytest.raises(AwsError, match=r"known: none"):
        sdk.default_session_factory()("ghost")


def test_session_factory_shares_the_data_loader(sandbox: Path) -> None:
    write_aws_config(sandbox, "[profile a]\nregion=eu-west-1\n[profile b]\nregion=us-east-1\n")
    make = sdk.default_session_factory()
    first, second = make("a"), make("b")
    assert core_of(first) is not core_of(second)
    loader = core_of(first).get_component("data_loader")
    assert core_of(second).get_component("data_loader") is loader
    assert isinstance(loader, DataLoader)  # ecrlogin's faster one
    assert (first.region_name, second.region_name) == ("eu-west-1", "us-east-1")


def test_session_factory_loader_follows_the_profile_s_data_path(sandbox: Path) -> None:
    models = sandbox / "models"
    (models / "ecr" / "2015-09-21").mkdir(parents=True)
    (models / "ecr" / "2015-09-21" / "service-2.json").write_text('{"metadata": {"x": 1}}')
    write_aws_config(sandbox, f"[profile a]\ndata_path = {models}\n")
    loader = core_of(sdk.default_session_factory()("a")).get_component("data_loader")
    assert loader.load_service_model("ecr", "service-2") == {"metadata": {"x": 1}}


MFA_PROFILE = """\
[profile base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = base-secret
[profile mfa]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice
region = eu-west-1
"""


class NotATerminal:
    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        raise AssertionError("read stdin for an MFA code")


def test_mfa_prompt_without_terminal_raises_instead_of_blocking(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_aws_config(sandbox, MFA_PROFILE)
    monkeypatch.setattr(sys, "stdin", NotATerminal())
    session = sdk.default_session_factory()("mfa")
    provider = core_of(session).get_component("credential_provider").get_provider("assume-role")
    import getpass

    assert provider._prompter is not getpass.getpass  # else the next line could block
    with pytest.raises(AwsError, match="needs an MFA code, and there is no terminal"):
        core_of(session).get_credentials().get_frozen_credentials()


def test_mfa_prompt_is_left_alone_on_a_terminal(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(NotATerminal):
        def isatty(self) -> bool:
            return True

    write_aws_config(sandbox, MFA_PROFILE)
    monkeypatch.setattr(sys, "stdin", Terminal())
    session = sdk.default_session_factory()("mfa")
    provider = core_of(session).get_component("credential_provider").get_provider("assume-role")
    import getpass

    assert provider._prompter is getpass.getpass


def test_later_sessions_start_with_exactly_botocore_s_builtin_handlers(sandbox: Path) -> None:
    import botocore.session

    write_aws_config(sandbox, "[profile a]\n[profile b]\n")
    make = sdk.default_session_factory()
    first, second = core_of(make("a")), core_of(make("b"))
    plain = botocore.session.Session(profile="b")
    tries = [s.get_component("event_emitter")._emitter._handlers for s in (plain, first, second)]
    assert tries[0]._root == tries[1]._root == tries[2]._root  # the same handlers, in order
    assert tries[1] is not tries[2]  # each its own copy: a registration stays in its session
    assert len(str(tries[0]._root)) > 10_000  # the built-in handlers really are there
