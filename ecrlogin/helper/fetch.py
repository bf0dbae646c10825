"""A token from AWS, on a cache miss only: this is the one module of the helper that imports
botocore (through `ecrlogin.aws.sdk`), and only when called."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecrlogin.registry import PUBLIC_REGION, Registry

# docker waits for its helper with no timeout of its own: fewer attempts than a login run, so
# that an endpoint that never answers costs at most 2 x (2 s connect or 3 s read) and a backoff.
MAX_ATTEMPTS = 2

Fetcher = Callable[[Registry, str | None], Any]  # (registry, profile) -> aws.sdk.Token


_sessions: dict[str | None, Any] = {}  # one helper process asks for one registry: one session


def _session(profile: str | None, session_factory: Callable[..., Any] | None) -> Any:
    """The profile's session, made once per process (so that an opaque source's credentials,
    resolved to find the cache entry, are the ones the fetch signs with)."""
    from ecrlogin.aws import sdk

    if session_factory is not None:
        return session_factory(profile)
    if profile not in _sessions:
        _sessions[profile] = sdk.default_session_factory()(profile)
    return _sessions[profile]


def credential_key(
    profile: str | None, *, session_factory: Callable[..., Any] | None = None
) -> str | None:
    """The access key id of the credentials the profile's chain gives now, None if none (the
    fetch reports why): runs a `credential_process`, or asks the container or instance
    endpoint once."""
    try:
        credentials = _session(profile, session_factory).credentials()
        key_id = credentials.get_frozen_credentials().access_key if credentials else None
    except Exception:  # the fetch reports it, translated
        return None
    return str(key_id) if key_id else None


def fetch(
    registry: Registry, profile: str | None, *, session_factory: Callable[..., Any] | None = None
) -> Any:
    """`GetAuthorizationToken` for the registry's region (ECR Public: us-east-1) as `profile`.

    Returns an `ecrlogin.aws.sdk.Token`; every failure is a one-line `EcrLoginError` naming
    the next step (`ecrlogin sso login -p X`, a missing permission, an unreachable endpoint).
    """
    from ecrlogin.aws import sdk
    from ecrlogin.aws.errors import translate

    region = PUBLIC_REGION if registry.public else registry.region
    try:
        session = _session(profile, session_factory)
        service = "ecr-public" if registry.public else "ecr"
        config = sdk.client_config(fips=registry.fips and not registry.public).merge(
            _fewer_attempts()
        )
        client = session.client(service, region_name=region, config=config)
    except Exception as error:
        raise translate(error, profile=profile, region=region, action="a client") from None
    if registry.public:
        return sdk.fetch_public_token(client, profile=profile)
    return sdk.fetch_token(client, profile=profile, region=region)


def _fewer_attempts() -> Any:
    from botocore.config import Config

    return Config(retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS})
