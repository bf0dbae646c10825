"""botocore's exceptions, turned into one-line errors that name the next step."""

from __future__ import annotations

import os
from collections.abc import Mapping

from ecrlogin.errors import AwsError, EcrLoginError, redact

_ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
_REGION_DISABLED = {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"}
_CLOCK_SKEW = {"SignatureDoesNotMatch", "InvalidSignatureException", "RequestExpired"}
_THROTTLED = {"ThrottlingException", "Throttling", "TooManyRequestsException"}
_EXPIRED = {"ExpiredToken", "ExpiredTokenException"}


class AccessDeniedError(AwsError):
    """The identity lacks a permission; all-regions falls back when DescribeRegions is denied."""


class SsoSessionError(AwsError):
    """The profile's IAM Identity Center session has expired or is missing: a sign-in helps."""

    def __init__(self, profile: str | None) -> None:
        who = f"profile {profile!r}" if profile else "the default AWS credentials"
        command = f"ecrlogin sso login{f' -p {profile}' if profile else ''}"
        super().__init__(f"the SSO session of {who} has expired or is missing", f"run `{command}`")
        self.profile = profile


def translate(
    error: BaseException,
    *,
    profile: str | None,
    region: str,
    action: str,
    environ: Mapping[str, str] = os.environ,
) -> EcrLoginError:
    """An `EcrLoginError` for any failure of an AWS call; unknown errors keep their text."""
    if isinstance(error, EcrLoginError):
        return error
    import botocore.exceptions as bx

    who = f"profile {profile!r}" if profile else "the default AWS credentials"
    where = f"{region}: " if region else ""
    name = type(error).__name__
    if isinstance(error, bx.ClientError):
        return _client_error(error, who=who, where=where, action=action, profile=profile)
    if isinstance(error, bx.ProfileNotFound):
        return AwsError(f"{redact(str(error))}", "list profiles with `aws configure list-profiles`")
    if isinstance(error, bx.NoCredentialsError | bx.PartialCredentialsError):
        return AwsError(
            f"no AWS credentials found{f' for profile {profile!r}' if profile else ''}",
            "run `aws configure`, `ecrlogin sso login`, or pass -p PROFILE",
        )
    if isinstance(
        error, bx.SSOTokenLoadError | bx.UnauthorizedSSOTokenError | bx.TokenRetrievalError
    ):
        return SsoSessionError(profile)
    if isinstance(error, bx.ConnectTimeoutError | bx.ReadTimeoutError | bx.EndpointConnectionError):
        return AwsError(
            f"{where}AWS endpoint unreachable ({name})",
            f"check the network, proxy settings{_endpoint_variable(action, environ)}",
        )
    if isinstance(error, bx.CredentialRetrievalError):
        text = redact(str(error))
        if "custom-process:" not in text:
            return AwsError(f"cannot get credentials for {who}: {text}")
        said = text.split("custom-process:", 1)[1].strip()
        return AwsError(
            f"cannot get credentials for {who}: its credential_process failed"
            + (f": {said}" if said else " and printed nothing"),
            "run the profile's credential_process command by hand to see why",
        )
    if isinstance(error, bx.InvalidConfigError) and "source_profile" in str(error):
        return AwsError(
            f"{redact(str(error)).rstrip('.')}",
            "add that profile to the AWS config or credentials file, or fix source_profile "
            "(`aws configure list-profiles` lists the profiles)",
        )
    if isinstance(error, bx.BotoCoreError):
        return AwsError(f"{where}{redact(str(error))}")
    raise error


def _endpoint_variable(action: str, environ: Mapping[str, str]) -> str:
    """The endpoint variable that sent this call where it went, for the hint: the service's own
    (`AWS_ENDPOINT_URL_ECR` for `ecr:…`) when set, else `AWS_ENDPOINT_URL` when set."""
    variables = ["AWS_ENDPOINT_URL"]
    if ":" in action:
        service = action.split(":", 1)[0].upper().replace("-", "_")
        variables.insert(0, f"AWS_ENDPOINT_URL_{service}")
    for variable in variables:
        if environ.get(variable):
            return f" and {variable} ({environ[variable]})"
    return ""


def _client_error(
    error: BaseException, *, who: str, where: str, action: str, profile: str | None
) -> AwsError:
    details = getattr(error, "response", {}).get("Error", {})
    code = str(details.get("Code", ""))
    message = redact(str(details.get("Message", "")))
    if message.lstrip().startswith("<"):  # an HTML error page from a proxy or a fake
        status = getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = f"HTTP {status} with an HTML body"
    if code in _ACCESS_DENIED:
        return AccessDeniedError(
            f"{where}access denied: {who} may not call {action}",
            f"grant {action} to that identity",
        )
    if code in _REGION_DISABLED:
        return AwsError(
            f"{where}the credentials of {who} are not valid here ({code})",
            "is the region enabled for the account (opt-in regions), and the key still active?",
        )
    if code in _CLOCK_SKEW or "Signature expired" in message:
        return AwsError(
            f"{where}request signature rejected ({code}): is this machine's clock right?",
            "sync the clock (timedatectl set-ntp true)",
        )
    if code in _THROTTLED:
        return AwsError(f"{where}throttled by AWS after retries ({code})", "retry in a minute")
    if code in _EXPIRED:
        return AwsError(
            f"{where}the credentials of {who} have expired",
            f"refresh them (SSO: ecrlogin sso login{f' -p {profile}' if profile else ''})",
        )
    return AwsError(f"{where}{action} failed: {code}: {message}".rstrip(": "))
