"""ecrlogin.aws.errors: every botocore failure becomes one actionable line."""

from __future__ import annotations

import botocore.exceptions as bx
import pytest

from ecrlogin.aws.errors import AccessDeniedError, translate
from ecrlogin.errors import AwsError, EcrLoginError, UsageError

ACTION = "ecr:GetAuthorizationToken"


def client_error(code: str, message: str = "boom", status: int = 400) -> bx.ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return bx.ClientError(response, "GetAuthorizationToken")  # type: ignore[arg-type]


def explain(error: BaseException, profile: str | None = "prod") -> EcrLoginError:
    return translate(error, profile=profile, region="eu-west-1", action=ACTION, environ={})


URL = "https://api.ecr.eu-west-1.amazonaws.com/"


@pytest.mark.parametrize(
    ("error", "message", "hint"),
    [
        (bx.NoCredentialsError(), "no AWS credentials found for profile 'prod'", "aws configure"),
        (bx.PartialCredentialsError(provider="env", cred_var="x"), "no AWS credentials", "-p"),
        (bx.ProfileNotFound(profile="ghost"), "ghost", "aws configure list-profiles"),
        (bx.SSOTokenLoadError(error_msg="gone"), "SSO session", "ecrlogin sso login -p prod"),
        (bx.UnauthorizedSSOTokenError(), "SSO session", "ecrlogin sso login -p prod"),
        (
            bx.TokenRetrievalError(provider="sso", error_msg="x"),
            "SSO session",
            "ecrlogin sso login -p prod",
        ),
        (client_error("AccessDeniedException", status=403), f"may not call {ACTION}", ACTION),
        (client_error("AccessDenied", status=403), f"may not call {ACTION}", ACTION),
        (client_error("UnrecognizedClientException"), "not valid here", "region enabled"),
        (client_error("InvalidClientTokenId"), "not valid here", "region enabled"),
        (client_error("SignatureDoesNotMatch"), "clock", "sync the clock"),
        (client_error("InvalidSignatureException", "Signature expired: 2020"), "clock", "clock"),
        (client_error("Whatever", "Signature expired: 20200101T000000Z"), "clock", "clock"),
        (client_error("ThrottlingException"), "throttled", "retry"),
        (client_error("ExpiredToken"), "have expired", "ecrlogin sso login -p prod"),
        (client_error("ExpiredTokenException"), "have expired", "refresh"),
        (bx.EndpointConnectionError(endpoint_url=URL), "unreachable", "network"),
        (
            bx.CredentialRetrievalError(provider="custom-process", error_msg=""),
            "its credential_process failed and printed nothing",
            "credential_process command by hand",
        ),
        (
            bx.InvalidConfigError(
                error_msg='The source_profile "base" referenced in the profile "x" does not exist.'
            ),
            'The source_profile "base" referenced in the profile "x" does not exist',
            "fix source_profile",
        ),
        (bx.ConnectTimeoutError(endpoint_url=URL), "unreachable", "network"),
        (bx.ReadTimeoutError(endpoint_url=URL), "unreachable", "network"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_every_mapping(error: BaseException, message: str, hint: str) -> None:
    found = explain(error)
    assert isinstance(found, AwsError)
    assert message in found.message
    assert found.hint is not None
    assert hint in found.hint
    assert "\n" not in found.one_line()
    assert found.exit_code == 1


def test_access_denied_is_its_own_class_naming_the_action() -> None:
    found = translate(
        client_error("UnauthorizedOperation"),
        profile=None,
        region="",
        action="ec2:DescribeRegions",
    )
    assert isinstance(found, AccessDeniedError)
    assert found.message == (
        "access denied: the default AWS credentials may not call ec2:DescribeRegions"
    )


@pytest.mark.parametrize("code", ["ThrottlingException", "SignatureDoesNotMatch", "Other"])
def test_other_errors_are_not_access_denied(code: str) -> None:
    assert not isinstance(explain(client_error(code)), AccessDeniedError)


def test_region_prefix_and_unknown_code_keep_aws_text() -> None:
    found = explain(client_error("RepositoryPolicyNotFound", "no policy here"))
    assert found.message == f"eu-west-1: {ACTION} failed: RepositoryPolicyNotFound: no policy here"


def test_sso_hint_without_profile() -> None:
    found = explain(bx.UnauthorizedSSOTokenError(), profile=None)
    assert found.hint == "run `ecrlogin sso login`"
    assert "the default AWS credentials" in found.message


def test_long_token_in_a_message_is_redacted() -> None:
    secret = "A" * 40 + "b" * 40 + "/+=" + "z" * 40
    found = explain(client_error("Weird", f"token {secret} was refused"))
    assert secret not in found.one_line()
    assert "[redacted]" in found.message
    retrieval = explain(bx.CredentialRetrievalError(provider="process", error_msg=secret))
    assert secret not in retrieval.one_line()


def test_ecrlogin_errors_pass_through() -> None:
    original = UsageError("bad")
    assert explain(original) is original


def test_unknown_exception_is_reraised_as_a_bug() -> None:
    with pytest.raises(ZeroDivisionError):
        explain(ZeroDivisionError("bug"))


def test_other_botocore_errors_keep_their_text() -> None:
    found = explain(bx.InvalidRegionError(region_name="nowhere"))
    assert isinstance(found, AwsError)
    assert found.message.startswith("eu-west-1: ")
    assert "nowhere" in found.message


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        (
            {"AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:9"},
            "AWS_ENDPOINT_URL_ECR (http://127.0.0.1:9)",
        ),
        ({"AWS_ENDPOINT_URL": "http://127.0.0.1:8"}, "AWS_ENDPOINT_URL (http://127.0.0.1:8)"),
        ({"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:7"}, "proxy settings;"),  # not the ECR call's
    ],
)
def test_an_unreachable_endpoint_names_the_variable_actually_set(
    environ: dict[str, str], named: str
) -> None:
    error = bx.EndpointConnectionError(endpoint_url=URL)
    found = translate(error, profile=None, region="eu-west-1", action=ACTION, environ=environ)
    assert named in found.one_line() + ";"
