"""Asking a registry over HTTPS as a client does: `/v2/`, its challenge, a manifest `HEAD`.

urllib3 (botocore's own HTTP client) does the requests; it is imported only here, inside the
functions that need it. Proxy variables (`HTTPS_PROXY`, `NO_PROXY`) are honoured as the standard
library reads them; TLS is checked against the system's CA store (`SSL_CERT_FILE` works for one
process). Every request has a time limit and none is retried or redirected. Nothing here ever
puts a secret in a returned text.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecrlogin.errors import redact

TIMEOUT_SECONDS = 3.0
# What docker 20.10+ sends when it asks for a manifest (OCI index and manifest first).
MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
)


@dataclass(frozen=True)
class Answer:
    """What the registry said: its status, its challenge, its own error text."""

    status: int
    challenge: str = ""  # WWW-Authenticate, as sent
    errors: str = ""  # the registry's JSON errors: "CODE: message; CODE: message"
    codes: tuple[str, ...] = ()
    via: str = ""  # the proxy used, if any


class Unreachable(Exception):
    """No HTTP answer: `kind` is resolve, tls, timeout or connect; the text is shown to users."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(text)
        self.kind = kind
        self.text = text


def proxy_for(host: str, environ: Mapping[str, str] = os.environ) -> str | None:
    """The HTTPS proxy a client would use for `host` (`HTTPS_PROXY`, unless `NO_PROXY` names it)."""
    from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

    proxies = {k.lower(): v for k, v in environ.items() if k.lower().endswith("_proxy") and v}
    proxy = proxies.get("https_proxy") or proxies.get("all_proxy")
    if not proxy or proxy_bypass_environment(host, {"no": proxies.get("no_proxy", "")}):
        return None
    return proxy


def resolve(host: str, timeout: float = TIMEOUT_SECONDS) -> list[str]:
    """The addresses of `host` (port 443), within `timeout`; `Unreachable("resolve")` if none."""
    import concurrent.futures
    import socket

    pool = concurrent.futures.ThreadPoolExecutor(1)
    future = pool.submit(socket.getaddrinfo, host, 443, 0, socket.SOCK_STREAM)
    pool.shutdown(wait=False)  # a resolver that hangs must not hold the run
    try:
        infos = future.result(timeout)
    except concurrent.futures.TimeoutError:
        raise Unreachable("resolve", f"{host} did not resolve within {timeout:g}s") from None
    except OSError as error:
        raise Unreachable(
            "resolve", f"{host} does not resolve ({error.strerror or error})"
        ) from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class Client:
    """One connection pool (direct or through the proxy) for the requests of one run."""

    def __init__(
        self, timeout: float = TIMEOUT_SECONDS, environ: Mapping[str, str] = os.environ
    ) -> None:
        self.timeout = timeout
        self.environ = environ
        self._pools: dict[str | None, Any] = {}

    def _pool(self, proxy: str | None) -> Any:
        if proxy not in self._pools:
            import ssl

            import urllib3

            context = ssl.create_default_context()  # the system's store; SSL_CERT_FILE honoured
            if proxy:
                self._pools[proxy] = urllib3.ProxyManager(proxy, ssl_context=context)
            else:
                self._pools[proxy] = urllib3.PoolManager(ssl_context=context)
        return self._pools[proxy]

    def resolve(self, host: str) -> list[str]:
        return resolve(host, self.timeout)

    def request(
        self,
        method: str,
        host: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        secrets: tuple[str, ...] = (),
    ) -> Answer:
        """One request to `https://host/path`; `Unreachable` when there is no HTTP answer."""
        import urllib3

        proxy = proxy_for(host, self.environ)
        try:
            response = self._pool(proxy).request(
                method,
                f"https://{host}{path}",
                headers=dict(headers or {}),
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
                retries=False,
                redirect=False,
                preload_content=False,
            )
        except urllib3.exceptions.HTTPError as error:
            raise _unreachable(error, host, self.timeout, secrets) from None
        try:
            body = response.read(65536) if method != "HEAD" else b""
        except urllib3.exceptions.HTTPError:
            body = b""
        finally:
            response.release_conn()
        errors, codes = _errors(body)
        return Answer(
            response.status,
            str(response.headers.get("WWW-Authenticate", "")),
            redact(errors, *secrets),
            codes,
            proxy or "",
        )

    def authorization(
        self, host: str, challenge: str, credential: tuple[str, str] | None, scope: str
    ) -> str | None:
        """The Authorization header for `challenge`: Basic as is; for Bearer, a token from the
        realm, asked with the credential, or anonymously without one (as docker does). None:
        nothing to send."""
        own = basic(*credential) if credential else None
        if not challenge.lower().startswith("bearer"):
            return own
        params = _challenge_params(challenge)
        realm = params.pop("realm", "")
        from urllib.parse import urlencode, urlsplit

        where = urlsplit(realm)
        if where.scheme != "https" or not where.hostname:
            return own
        query = urlencode({k: v for k, v in {**params, "scope": scope}.items() if v})
        path = f"{where.path or '/'}?{query}"
        secret = credential[1] if credential else ""
        token = self._token(where.netloc, path, own, secret)
        return f"Bearer {token}" if token else own

    def _token(self, host: str, path: str, authorization: str | None, password: str) -> str | None:
        import urllib3

        try:
            response = self._pool(proxy_for(host.split(":")[0], self.environ)).request(
                "GET",
                f"https://{host}{path}",
                headers={"Authorization": authorization} if authorization else {},
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
                retries=False,
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as error:
            raise _unreachable(error, host, self.timeout, (password,)) from None
        if response.status != 200:
            return None
        try:
            data = json.loads(response.data)
        except ValueError:
            return None
        token = data.get("token") or data.get("access_token") if isinstance(data, dict) else None
        return str(token) if token else None


def _challenge_params(challenge: str) -> dict[str, str]:
    import re

    return {k.lower(): v for k, v in re.findall(r'(\w+)="([^"]*)"', challenge)}


def _errors(body: bytes) -> tuple[str, tuple[str, ...]]:
    """A registry's JSON errors (`{"errors": [{"code", "message"}]}`) as one line, and the codes."""
    try:
        data = json.loads(body)
    except ValueError:
        return "", ()
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list):
        return "", ()
    items = [e for e in errors if isinstance(e, dict)]
    codes = tuple(str(e.get("code", "")) for e in items)
    text = "; ".join(f"{e.get('code', '')}: {e.get('message', '')}".strip(": ") for e in items)
    return text, codes


def _unreachable(
    error: Exception, host: str, timeout: float, secrets: tuple[str, ...]
) -> Unreachable:
    import ssl

    import urllib3

    reason = getattr(error, "reason", None) or error
    text = redact(str(reason), *secrets)
    if isinstance(reason, urllib3.exceptions.SSLError | ssl.SSLError) or isinstance(
        error, urllib3.exceptions.SSLError
    ):
        return Unreachable("tls", f"TLS does not verify for {host}: {_ssl_reason(text)}")
    if isinstance(reason, urllib3.exceptions.NameResolutionError):
        return Unreachable("resolve", f"{host} does not resolve")
    if isinstance(reason, urllib3.exceptions.ProxyError | urllib3.exceptions.ProxySchemeUnknown):
        return Unreachable("connect", f"the proxy did not connect to {host}: {text}")
    if isinstance(reason, urllib3.exceptions.NewConnectionError):  # a ConnectTimeoutError too
        return Unreachable("connect", f"cannot connect to {host}: {_last_part(text)}")
    if isinstance(reason, urllib3.exceptions.TimeoutError | TimeoutError):
        return Unreachable("timeout", f"no answer from {host} within {timeout:g}s")
    return Unreachable("connect", f"cannot connect to {host}:443: {text}")


def _last_part(text: str) -> str:
    """`Connection refused` of urllib3's "<...HTTPSConnection object at 0x…>: Failed to
    establish a new connection: [Errno 111] Connection refused"."""
    import re

    return re.sub(r"^\[Errno -?\d+\] ", "", text.rsplit(": ", 1)[-1])


def _ssl_reason(text: str) -> str:
    """The certificate problem, without urllib3's wrapping ("[SSL: ...] certificate verify
    failed: unable to get local issuer certificate (_ssl.c:1006)")."""
    import re

    found = re.search(r"certificate verify failed: ([^(]+)", text) or re.search(
        r"(hostname .*? doesn't match .*?)[')]", text
    )
    return found[1].strip() if found else text
