"""The AWS SDK (botocore, boto3's core): sessions, identity, tokens and regions.

botocore's errors become `AwsError`s a person can act on (see `ecrlogin.aws.errors`).

botocore is imported only on the slow path: it costs ~150 ms to import.
"""

from __future__ import annotations

import base64
import binascii
import logging
import sys
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ecrlogin import registry
from ecrlogin.aws import shared
from ecrlogin.aws.errors import translate
from ecrlogin.errors import AwsError

# GetAuthorizationToken answers in well under a second; an endpoint that accepts and never
# answers must fail its region in seconds: at most 3 attempts x (2 s connect or 3 s read).
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 3
MAX_ATTEMPTS = 3  # the first try included; standard mode backs off with jitter
# Connections kept open per client: a client shared by profiles has up to one call per profile
# in flight (AwsCalls runs 48 at once); past the pool's size urllib3 warns and drops connections.
MAX_POOL_CONNECTIONS = 48

if TYPE_CHECKING:
    from ecrlogin.aws.loader import ModelCache

SessionFactory = Callable[[str | None], Any]
log = logging.getLogger("ecrlogin")


@dataclass(frozen=True)
class Token:
    """One authorization token; the password never shows in a repr or a log."""

    password: str = field(repr=False)
    expires_at: datetime | None
    account: str | None  # the caller's own account, from proxyEndpoint (None for ECR Public)


@dataclass(frozen=True)
class Identity:
    account: str
    arn: str


def client_config(*, fips: bool = False) -> Any:
    from botocore.config import Config

    return Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        use_fips_endpoint=fips,
        max_pool_connections=MAX_POOL_CONNECTIONS,
        user_agent_extra="ecrlogin",
    )


class Session:
    """The part of a `boto3.Session` ecrlogin uses, on botocore directly.

    boto3 itself adds nothing for ECR, STS and EC2 clients but ~60 ms of imports (s3transfer)
    to every run; its credential chain, retries and endpoints are botocore's anyway.
    """

    def __init__(self, core: Any) -> None:
        self._core = core

    @property
    def region_name(self) -> str | None:
        region: str | None = self._core.get_config_variable("region")
        return region

    def client(self, service: str, *, region_name: str, config: Any) -> Any:
        return self._core.create_client(service, region_name=region_name, config=config)

    def client_settings(self) -> Hashable:
        """What its clients depend on but credentials: profiles that agree on it may share
        clients (`ecrlogin.aws.shared`)."""
        return shared.client_settings(self._core.get_scoped_config(), self._core.full_config)

    def credentials(self) -> Any:
        """The profile's botocore credentials (its chain resolved once; None if it has none)."""
        return self._core.get_credentials()


def default_session_factory(*, models: ModelCache | None = None) -> SessionFactory:
    """Sessions, one per profile, sharing one loader of botocore's data files and one
    registration of botocore's built-in event handlers.

    A new botocore session re-reads and re-parses service models; sharing the loader makes the
    second and later profiles cost a few milliseconds instead of ~100. The loader is
    `ecrlogin.aws.loader`'s: botocore's search paths and files, parsed at a third of the cost,
    service models cut to the calls ecrlogin makes and, given `models`, kept there cut.
    Registering the ~120 built-in handlers (each signature inspected) was three quarters of a
    session's other cost: later sessions start from a copy of the first one's handlers instead
    (botocore's own `event_hooks` and `include_builtin_handlers` parameters; clients copy them
    the same way).
    """
    import copy

    import botocore.hooks
    import botocore.session

    from ecrlogin.aws.loader import create_loader

    loader: Any = None
    builtin: Any = None  # the first session's handlers, as they were right after it was made

    def make(profile: str | None) -> Any:
        nonlocal loader, builtin
        if builtin is None:
            hooks = botocore.hooks.HierarchicalEmitter()
            core = botocore.session.Session(profile=profile, event_hooks=hooks)
            builtin = copy.copy(hooks)
        else:
            core = botocore.session.Session(
                profile=profile, event_hooks=copy.copy(builtin), include_builtin_handlers=False
            )
        name = profile or core.profile  # AWS_PROFILE / AWS_DEFAULT_PROFILE when none is given
        if name and name != "default" and name not in core.available_profiles:
            raise unknown_profile(name, sorted(core.available_profiles))
        if loader is None:  # the first profile's data_path, as botocore's own loader would
            loader = create_loader(core.get_config_variable("data_path"), models=models)
        core.register_component("data_loader", loader)
        _refuse_mfa_prompt_without_terminal(core, profile)
        log.debug("profile %s: credentials from %s", name or "default", _credential_source(core))
        return Session(core)

    return make


def _credential_source(core: Any) -> str:
    """Which provider of botocore's chain would answer (its name only; no credential is read)."""
    if not log.isEnabledFor(logging.DEBUG):
        return "-"
    try:
        credentials = core.get_credentials()
    except Exception as error:  # the real call reports it
        return f"nowhere yet ({type(error).__name__})"
    return str(getattr(credentials, "method", None) or "nowhere")


def unknown_profile(name: str, known: Sequence[str]) -> AwsError:
    return AwsError(
        f"unknown AWS profile {name!r} (known: {', '.join(known) or 'none'})",
        f"run `aws configure --profile {name}` to create it, or pick a known one",
    )


def _refuse_mfa_prompt_without_terminal(core: Any, profile: str | None) -> None:
    """botocore would block reading an MFA code from a missing terminal; fail fast instead."""
    if sys.stdin is not None and sys.stdin.isatty():
        return

    def no_terminal(prompt: str) -> str:
        raise AwsError(
            f"profile {profile or 'default'!r} needs an MFA code, and there is no terminal",
            "run ecrlogin once interactively, or use credentials that need no MFA here",
        )

    provider = core.get_component("credential_provider").get_provider("assume-role")
    provider._prompter = no_terminal  # botocore has no public hook for this


def _call(
    method: Callable[..., Any], *, action: str, profile: str | None, region: str, **params: Any
) -> Any:
    """One AWS call; whatever botocore raises becomes an `EcrLoginError` naming `action`."""
    try:
        return method(**params)
    except Exception as error:
        raise translate(error, profile=profile, region=region, action=action) from None


def fetch_token(client: Any, *, profile: str | None, region: str) -> Token:
    answer = _call(
        client.get_authorization_token,
        action="ecr:GetAuthorizationToken",
        profile=profile,
        region=region,
    )
    return parse_authorization(answer.get("authorizationData") or [], region=region)


def fetch_public_token(client: Any, *, profile: str | None) -> Token:
    answer = _call(
        client.get_authorization_token,
        action="ecr-public:GetAuthorizationToken",
        profile=profile,
        region=registry.PUBLIC_REGION,
    )
    data = answer.get("authorizationData") or {}
    password = _password(data.get("authorizationToken"), region=registry.PUBLIC_REGION)
    return Token(password, _utc(data.get("expiresAt")), None)


def parse_authorization(items: list[dict[str, Any]], *, region: str) -> Token:
    """The token of a GetAuthorizationToken answer; anything malformed is refused whole."""
    if not items:
        raise AwsError(f"{region}: GetAuthorizationToken returned no authorization data")
    item = items[0]
    password = _password(item.get("authorizationToken"), region=region)
    endpoint = item.get("proxyEndpoint") or ""
    try:
        own = registry.parse(endpoint)
    except Exception:
        raise AwsError(
            f"{region}: GetAuthorizationToken named a registry that is not ECR; nothing stored"
        ) from None
    return Token(password, _utc(item.get("expiresAt")), own.account)


def _password(encoded: object, *, region: str) -> str:
    try:
        user, sep, password = base64.b64decode(str(encoded), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        user, sep, password = "", "", ""
    if not (sep and user and password):
        raise AwsError(
            f"{region}: GetAuthorizationToken returned a malformed token; nothing stored"
        )
    return password


def _utc(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def caller_identity(client: Any, *, profile: str | None, region: str) -> Identity:
    answer = _call(
        client.get_caller_identity, action="sts:GetCallerIdentity", profile=profile, region=region
    )
    return Identity(answer["Account"], answer["Arn"])


def enabled_regions(client: Any, *, profile: str | None, partition: str) -> list[str]:
    """Regions enabled for the account, in the given partition (DescribeRegions)."""
    answer = _call(
        client.describe_regions,
        action="ec2:DescribeRegions",
        profile=profile,
        region="",
        AllRegions=False,
    )
    usable = {"opt-in-not-required", "opted-in"}
    names = sorted(
        item["RegionName"]
        for item in answer.get("Regions", [])
        if item.get("OptInStatus", "opt-in-not-required") in usable
    )
    return [name for name in names if _in_partition(name, partition)]


def partition_regions(partition: str) -> list[str]:
    """The partition's regions as botocore's data lists them (no call)."""
    return sorted(name for p in registry.partitions() if p.name == partition for name in p.regions)


def _in_partition(region: str, partition: str) -> bool:
    try:
        return registry.partition_of(region).name == partition
    except Exception:
        return False
