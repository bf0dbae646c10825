"""`ecrlogin kubelet-credential-provider`: the kubelet's credential-provider exec plugin
(k8s.io/kubelet `credentialprovider/v1`).

A `CredentialProviderRequest` (`{"apiVersion", "kind", "image", ...}`) in, a
`CredentialProviderResponse` out: `cacheKeyType` `Registry`, `auth` keyed by the image's
registry host with username `AWS`, and a `cacheDuration` of half the token's remaining life (as
cloud-provider-aws' ecr-credential-provider does: it covers the time between the token's making
and the kubelet's use); `0s`, no caching, when AWS gave no expiry. An image that is not in ECR
gets an empty `auth`. The profile is chosen per registry by the routing rules, as for the
credential helper (no `-p` and no project file here). The service-account token a kubelet may
send is not used and never shown. No cache of ecrlogin's own: the kubelet caches.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ecrlogin.errors import EcrLoginError, UsageError

API_VERSION = "credentialprovider.kubelet.k8s.io/v1"
REQUEST, RESPONSE = "CredentialProviderRequest", "CredentialProviderResponse"
Fetcher = Callable[[Any, str | None], Any]  # (Registry, profile) -> aws.sdk.Token


def utc_now() -> datetime:
    return datetime.now(UTC)


def respond(
    request_text: str,
    *,
    environ: Mapping[str, str] = os.environ,
    state_dir: Path | None = None,
    fetcher: Fetcher | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> dict[str, Any]:
    """The response to one request; an `EcrLoginError` for a malformed request or a failure."""
    from ecrlogin import registry

    image = _image(request_text)
    try:
        found = registry.parse(image)
    except UsageError:
        return _response({})  # not ECR: no credentials, the kubelet pulls without
    from ecrlogin.helper import locate

    where = locate.place(found, state_dir or locate.state_dir(environ), environ)
    token = (fetcher or _real_fetcher())(found, where.profile)
    auth = {found.host: {"username": "AWS", "password": token.password}}
    return _response(auth, cache_duration(token.expires_at, clock()))


def _real_fetcher() -> Fetcher:
    from ecrlogin.helper.fetch import fetch

    return fetch


def _image(text: str) -> str:
    try:
        request = json.loads(text)
    except ValueError:
        raise EcrLoginError(f"the request on stdin is not JSON: expected a {REQUEST}") from None
    if not isinstance(request, dict):
        raise EcrLoginError(f"the request on stdin is not a {REQUEST} object")
    if request.get("apiVersion") != API_VERSION:
        raise EcrLoginError(
            f"apiVersion {str(request.get('apiVersion'))!r} is not supported",
            f"set apiVersion: {API_VERSION} in the kubelet's CredentialProviderConfig",
        )
    if request.get("kind") != REQUEST:
        raise EcrLoginError(f"kind was {str(request.get('kind'))!r}, expected {REQUEST}")
    image = request.get("image")
    if not isinstance(image, str) or not image:
        raise EcrLoginError("image in the request was empty")
    return image


def _response(auth: dict[str, Any], duration: str | None = None) -> dict[str, Any]:
    cache = {"cacheDuration": duration} if duration is not None else {}
    return {
        "kind": RESPONSE,
        "apiVersion": API_VERSION,
        "cacheKeyType": "Registry",
        **cache,
        "auth": auth,
    }


def cache_duration(expires_at: datetime | None, now: datetime) -> str:
    """Half the remaining life, as Go's `time.Duration` prints it (`6h0m0s`); `0s` when unknown
    or past, which the kubelet takes as "do not cache"."""
    if expires_at is None or expires_at <= now:
        return go_duration(timedelta(0))
    return go_duration((expires_at - now) / 2)


def go_duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{seconds}s"
    if minutes:
        return f"{minutes}m{seconds}s"
    return f"{seconds}s"
