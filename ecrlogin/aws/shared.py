"""Clients shared by profiles: one per (service, region, client settings), the credentials
chosen per call.

A botocore client costs 3-60 ms of CPU to make (a client class, event hooks, an endpoint and an
SSL context each); 10 profiles x 17 regions made 170 of them. Profiles whose configuration
differs only in where their credentials come from can use the same client, if each call is
signed with its own profile's credentials: the client's request signer is given a
`CallCredentials`, which answers with the frozen credentials of the profile whose call is
running on this thread (`ProfileClient` sets it around each operation, botocore's retries
included: they run inside the operation, on the same thread). Each profile keeps its own
botocore credentials object, so its own chain, refresh and refresh lock.

This is the one module that relies on botocore's private parts: the request signer of a client
(`client._request_signer`) and the attribute it reads the credentials from (`_credentials`,
whose `get_frozen_credentials()` it calls at each signing). tests/unit/test_shared.py fails
loudly if a botocore release changes either.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from contextvars import ContextVar
from typing import Any

# Services whose clients may be shared: SigV4 only (no bearer token, which the signer holds per
# client), no endpoint built from the caller's account (tests/unit/test_shared.py checks both).
SHARED_SERVICES = frozenset({"ecr", "sts", "ec2"})

# The settings of a profile that only say where its credentials come from. Everything else a
# profile section holds (endpoints, proxies' CA bundle, retries, FIPS, dual-stack, defaults
# mode, STS endpoints, region, and anything botocore may read in a later release) must be equal
# for two profiles to share a client.
CREDENTIAL_SETTINGS = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
        "aws_account_id",
        "x_security_token_expires",
        "credential_process",
        "credential_source",
        "role_arn",
        "role_session_name",
        "source_profile",
        "external_id",
        "mfa_serial",
        "duration_seconds",
        "web_identity_token_file",
        "sso_session",
        "sso_start_url",
        "sso_region",
        "sso_account_id",
        "sso_role_name",
        "sso_registration_scopes",
        "login_session",
    }
)

_UNSET: Any = object()
_current: ContextVar[Any] = ContextVar("ecrlogin_call_credentials", default=_UNSET)


class OutsideCallError(RuntimeError):
    """A shared client signed a request outside of a `ProfileClient` call: a bug."""


class CallCredentials:
    """Stands in for a botocore credentials object on a shared client's request signer."""

    method = "ecrlogin-per-call"

    def get_frozen_credentials(self) -> Any:
        credentials = _current.get()
        if credentials is _UNSET:
            raise OutsideCallError("a shared AWS client was called for no profile")
        return None if credentials is None else credentials.get_frozen_credentials()


def client_settings(scoped: Mapping[str, Any], full_config: Mapping[str, Any]) -> Hashable:
    """What of a profile's configuration its clients depend on: its section without the
    credential settings, and the `services` section it names (per-service endpoint URLs).
    The environment is the same for every profile of a run."""
    kept = {key: value for key, value in scoped.items() if key not in CREDENTIAL_SETTINGS}
    services = scoped.get("services")
    named = full_config.get("services", {}).get(services) if isinstance(services, str) else None
    return _frozen({"profile": kept, "services": named})


def _frozen(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value if isinstance(value, Hashable) else repr(value)


def share(client: Any) -> Any:
    """Make `client` sign each request with the credentials of the call's profile."""
    signer = client._request_signer
    if not hasattr(signer, "_credentials"):
        raise RuntimeError("botocore's request signer no longer keeps `_credentials`")
    signer._credentials = CallCredentials()
    return client


class ProfileClient:
    """A shared client as one profile uses it: its operations are signed with `credentials`
    (that profile's botocore credentials object, or None when it has none: the call then
    fails as botocore's own does, with NoCredentialsError)."""

    def __init__(self, client: Any, credentials: Any) -> None:
        self._client = client
        self._credentials = credentials

    @property
    def meta(self) -> Any:
        return self._client.meta

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in self._client.meta.method_to_api_mapping:
            raise AttributeError(f"{name!r} is not an operation of a shared client")
        method = getattr(self._client, name)
        credentials = self._credentials

        def call(*args: Any, **kwargs: Any) -> Any:
            before = _current.set(credentials)
            try:
                return method(*args, **kwargs)
            finally:
                _current.reset(before)

        return call
