"""IAM Identity Center sign-in with botocore's own `sso-oidc` client (OAuth device authorization).

Which session a profile uses is read as botocore reads it: an `sso_session` profile names an
`[sso-session NAME]` section (start URL, region, registration scopes); a legacy profile carries
`sso_start_url` and `sso_region` itself. The sign-in registers a public client, starts a device
authorization, lets the caller show the URL and code, then polls `CreateToken` at the interval the
service gives (5 s more on every `SlowDownException`) until the user approves, denies, or the
code expires. What comes back is everything botocore's `SSOTokenProvider` needs to refresh the
token later: the refresh token and the client registration.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ecrlogin.errors import AwsError, EcrLoginError

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_SCOPES = ("sso:account:access",)  # as AWS CLI v2 asks for an sso_session profile
DEFAULT_INTERVAL = 5  # seconds, RFC 8628 section 3.5
SLOW_DOWN_STEP = 5  # seconds added on each slow_down, the same section


class SignInError(AwsError):
    """The sign-in did not complete: denied, expired, unreachable, or refused by the service."""


@dataclass(frozen=True)
class SsoSession:
    """One IAM Identity Center session: what botocore's token cache is keyed by."""

    name: str | None  # the [sso-session NAME] section; None for a legacy profile
    start_url: str
    region: str
    scopes: tuple[str, ...] = ()

    @property
    def cache_name(self) -> str:
        """The token cache file's name, as botocore's SSOTokenLoader derives it."""
        import hashlib  # only here: the cached path imports this module, never calls this

        key = self.name if self.name is not None else self.start_url
        digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False)  # a name, not a secret
        return digest.hexdigest() + ".json"


@dataclass(frozen=True)
class Authorization:
    """What the user must see: where to go and which code to confirm."""

    verification_uri: str
    user_code: str
    verification_uri_complete: str
    expires_in: int


@dataclass(frozen=True)
class SignedIn:
    """A token as botocore's SSOTokenProvider caches it."""

    session: SsoSession
    access_token: str = field(repr=False)
    expires_at: datetime
    client_id: str
    client_secret: str = field(repr=False)
    registration_expires_at: datetime
    refresh_token: str | None = field(default=None, repr=False)

    def cache_entry(self) -> dict[str, str]:
        """The cache file's fields: botocore's and AWS CLI v2's; a legacy profile's token is
        never refreshed by botocore, so it holds the token alone."""
        entry = {
            "startUrl": self.session.start_url,
            "region": self.session.region,
            "accessToken": self.access_token,
            "expiresAt": utc_text(self.expires_at),
        }
        if self.session.name is None:
            return entry
        entry |= {
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "registrationExpiresAt": utc_text(self.registration_expires_at),
        }
        if self.refresh_token:
            entry["refreshToken"] = self.refresh_token
        return entry


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def find_session(
    config: dict[str, Any], profile: str, *, session_name: str | None = None
) -> SsoSession:
    """The SSO session of `profile` (or the named `[sso-session]`), from botocore's
    `full_config`."""
    sessions = config.get("sso_sessions", {})
    if session_name is None:
        section = config.get("profiles", {}).get(profile)
        if section is None:
            raise EcrLoginError(
                f"unknown AWS profile {profile!r}", "list profiles: aws configure list-profiles"
            )
        session_name = section.get("sso_session")
        if session_name is None:
            return _legacy(section, profile)
    found = sessions.get(session_name)
    if found is None:
        raise EcrLoginError(
            f"no [sso-session {session_name}] section in the AWS config file",
            "add it (sso_start_url, sso_region) or run `aws configure sso-session`",
        )
    missing = [key for key in ("sso_start_url", "sso_region") if not found.get(key)]
    if missing:
        raise EcrLoginError(f"[sso-session {session_name}] lacks {' and '.join(missing)}")
    raw = str(found.get("sso_registration_scopes", ""))
    scopes = tuple(s.strip() for s in raw.split(",") if s.strip()) or DEFAULT_SCOPES
    return SsoSession(session_name, found["sso_start_url"], found["sso_region"], scopes)


def _legacy(section: dict[str, Any], profile: str) -> SsoSession:
    if not section.get("sso_start_url") or not section.get("sso_region"):
        raise EcrLoginError(
            f"profile {profile!r} does not use IAM Identity Center "
            "(no sso_session, no sso_start_url and sso_region)",
            "pick an SSO profile with -p, or name a session with --sso-session",
        )
    return SsoSession(None, section["sso_start_url"], section["sso_region"])


def oidc_client(core: Any, region: str) -> Any:
    """botocore's sso-oidc client for `region`, unsigned (the service takes no credentials);
    its endpoint as botocore resolves it (AWS_ENDPOINT_URL_SSO_OIDC, the profile's services)."""
    import botocore
    import botocore.config

    config = botocore.config.Config(
        signature_version=botocore.UNSIGNED,
        retries={"max_attempts": 2, "mode": "standard"},
        connect_timeout=10,
        read_timeout=30,
    )
    return core.create_client("sso-oidc", region_name=region, config=config)


def sign_in(
    session: SsoSession,
    client: Any,
    *,
    show: Callable[[Authorization], None],
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> SignedIn:
    """Device authorization, start to finish: `show` is called once with the URL and code."""
    started = now()
    name = session.name if session.name is not None else str(int(started.timestamp()))
    register: dict[str, Any] = {"clientName": f"ecrlogin-{name}", "clientType": "public"}
    if session.scopes:
        register["scopes"] = list(session.scopes)
    registration = _call(client.register_client, session, **register)
    secret = (registration["clientId"], registration["clientSecret"])
    device = _call(
        client.start_device_authorization,
        session,
        clientId=secret[0],
        clientSecret=secret[1],
        startUrl=session.start_url,
    )
    expires_in = int(device.get("expiresIn") or 600)
    show(
        Authorization(
            device["verificationUri"],
            device.get("userCode", ""),
            device.get("verificationUriComplete") or device["verificationUri"],
            expires_in,
        )
    )
    interval = float(device.get("interval") or DEFAULT_INTERVAL)
    deadline = clock() + expires_in
    while True:
        sleep(interval)
        try:
            token = _call(
                client.create_token,
                session,
                grantType=DEVICE_GRANT,
                clientId=secret[0],
                clientSecret=secret[1],
                deviceCode=device["deviceCode"],
            )
        except _Pending:
            if clock() >= deadline:
                raise _expired(session) from None
            continue
        except _SlowDown:
            interval += SLOW_DOWN_STEP
            continue
        return SignedIn(
            session,
            token["accessToken"],
            now() + timedelta(seconds=int(token["expiresIn"])),
            secret[0],
            secret[1],
            datetime.fromtimestamp(int(registration["clientSecretExpiresAt"]), UTC),
            token.get("refreshToken"),
        )


class _Pending(Exception):
    pass


class _SlowDown(Exception):
    pass


def _expired(session: SsoSession) -> SignInError:
    return SignInError(
        f"the sign-in code for {session.start_url} expired before it was approved",
        "run `ecrlogin sso login` again and approve it in time",
    )


def _call(operation: Callable[..., Any], session: SsoSession, **params: Any) -> Any:
    """One sso-oidc call; its failures as one-line errors (pending and slow-down as signals)."""
    import botocore.exceptions as bx

    try:
        return operation(**params)
    except bx.ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code == "AuthorizationPendingException":
            raise _Pending from None
        if code == "SlowDownException" and operation.__name__ == "create_token":
            raise _SlowDown from None
        raise _refused(session, code, error) from None
    except (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ReadTimeoutError) as error:
        raise SignInError(
            f"IAM Identity Center in {session.region} is unreachable ({type(error).__name__})",
            "check the network, proxy settings and AWS_ENDPOINT_URL_SSO_OIDC",
        ) from None
    except bx.BotoCoreError as error:
        from ecrlogin.errors import redact

        raise SignInError(f"sign-in to {session.start_url} failed: {redact(str(error))}") from None


def _refused(session: SsoSession, code: str, error: Any) -> SignInError:
    from ecrlogin.errors import redact

    where = session.start_url
    if code == "ExpiredTokenException":
        return _expired(session)
    if code == "AccessDeniedException":
        return SignInError(f"the sign-in to {where} was denied", "approve it, or ask your admin")
    if code == "SlowDownException":
        return SignInError(f"IAM Identity Center asked to slow down ({where})", "retry in a minute")
    message = redact(str(error.response.get("Error", {}).get("Message", "")))
    return SignInError(f"sign-in to {where} failed: {code}: {message}".rstrip(": "))
