"""The Docker daemon's own check of credentials (`POST /auth`), through the docker SDK.

The daemon keeps nothing: this only proves the registry accepts the token before it is stored.

Which daemon: exactly the one the docker CLI would talk to (its `resolveContextName` and
`resolveDefaultDockerEndpoint`): `DOCKER_HOST`, else `DOCKER_CONTEXT`, else `currentContext` in
config.json, else the platform's default socket; a named context is read from the context store
under the Docker config directory. Whether the token may go there is decided on the transport the
docker-py client built for that endpoint will really use, not on the variables that chose it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrlogin.errors import DaemonError, redact
from ecrlogin.text import shown

DAEMON_TIMEOUT_SECONDS = 30
DEFAULT_CONTEXT = "default"
UNIX_SOCKET = "unix:///var/run/docker.sock"
NAMED_PIPE = "npipe:////./pipe/docker_engine"
DEFAULT_TLS_HOST = "tcp://localhost:2376"  # the docker CLI's default when TLS is on and no host
_TLS_FILES = ("ca.pem", "cert.pem", "key.pem")
_NOT_PLAIN_TCP_HINT = (
    "give that endpoint TLS (DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH, or a context made with "
    "`docker context create --docker host=tcp://…,ca=…,cert=…,key=…`), use a unix socket, "
    "or use --to docker"
)


@dataclass(frozen=True)
class Endpoint:
    """A daemon address and its TLS material, with where that choice came from."""

    host: str
    source: str  # for messages: "DOCKER_HOST", "context 'x' (DOCKER_CONTEXT)", …
    tls: bool = False
    verify: bool = False
    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None

    def describe(self) -> str:
        return f"{shown(self.host)} ({self.source})"


def default_host(platform: str = sys.platform) -> str:
    return NAMED_PIPE if platform == "win32" else UNIX_SOCKET


def context_digest(name: str) -> str:
    """The store keeps each context under the SHA-256 of its name (docker/cli `contextdirOf`)."""
    return hashlib.sha256(name.encode()).hexdigest()


def resolve(
    config_dir: Path, environ: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> Endpoint:
    """The endpoint the docker CLI would use with this environment and Docker config."""
    if environ.get("DOCKER_HOST", ""):
        return _default_endpoint(config_dir, environ, platform, "DOCKER_HOST")
    name, source = _context_name(config_dir, environ)
    if name is None or name == DEFAULT_CONTEXT:
        origin = "the default endpoint" if name is None else f"context 'default' ({source})"
        return _default_endpoint(config_dir, environ, platform, origin)
    return _context_endpoint(config_dir, name, source, platform)


def _context_name(config_dir: Path, environ: Mapping[str, str]) -> tuple[str | None, str]:
    if environ.get("DOCKER_CONTEXT", ""):
        return environ["DOCKER_CONTEXT"], "DOCKER_CONTEXT"
    path = config_dir / "config.json"
    try:
        data = json.loads(path.read_bytes() or b"{}")
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError) as error:
        raise DaemonError(
            f"cannot read {shown(str(path))} to find the current Docker context: "
            f"{shown(str(error))}",
            "fix that file, or set DOCKER_HOST",
        ) from None
    current = data.get("currentContext") if isinstance(data, dict) else None
    if isinstance(current, str) and current:
        return current, f"currentContext in {shown(str(path))}"
    return None, ""


def _default_endpoint(
    config_dir: Path, environ: Mapping[str, str], platform: str, source: str
) -> Endpoint:
    """`DOCKER_HOST` with the TLS variables, as the docker CLI reads them (flags' defaults)."""
    verify = environ.get("DOCKER_TLS_VERIFY", "") != ""
    tls = verify or environ.get("DOCKER_TLS", "") != ""
    host = environ.get("DOCKER_HOST", "").strip()
    if not host:
        host = DEFAULT_TLS_HOST if tls else default_host(platform)
    if not tls or _is_socket(host):
        return Endpoint(host, source)
    cert_dir = Path(environ.get("DOCKER_CERT_PATH", "") or config_dir)
    ca, cert, key = (cert_dir / name for name in _TLS_FILES)
    if not ca.is_file():  # the CLI reads ca.pem whenever TLS is on, and fails without it
        raise DaemonError(
            f"TLS is on for the Docker daemon at {shown(host)} ({source}) but {shown(str(ca))} "
            "does not exist",
            "set DOCKER_CERT_PATH to the directory of ca.pem, cert.pem and key.pem",
        )
    pair = cert.is_file() and key.is_file()  # the CLI drops missing default cert/key files
    return Endpoint(host, source, True, verify, ca, cert if pair else None, key if pair else None)


def _context_endpoint(config_dir: Path, name: str, source: str, platform: str) -> Endpoint:
    digest = context_digest(name)
    meta_path = config_dir / "contexts" / "meta" / digest / "meta.json"
    where = f"context {shown(repr(name))} ({source})"
    try:
        meta = json.loads(meta_path.read_bytes())
    except FileNotFoundError:
        raise DaemonError(
            f"Docker {where} does not exist (no {shown(str(meta_path))})",
            "list the contexts with `docker context ls`, or set DOCKER_HOST",
        ) from None
    except (OSError, ValueError) as error:
        raise DaemonError(
            f"Docker {where} cannot be read: {shown(str(error))}", "recreate it"
        ) from None
    endpoints = meta.get("Endpoints") if isinstance(meta, dict) else None
    endpoint = endpoints.get("docker") if isinstance(endpoints, dict) else None
    if not isinstance(endpoint, dict):
        raise DaemonError(f"Docker {where} has no docker endpoint", "recreate it")
    host = str(endpoint.get("Host") or "") or default_host(platform)
    skip_verify = endpoint.get("SkipTLSVerify") is True
    tls_dir = config_dir / "contexts" / "tls" / digest / "docker"
    ca, cert, key = ((tls_dir / n) if (tls_dir / n).is_file() else None for n in _TLS_FILES)
    has_tls_data = any((ca, cert, key))
    if _is_socket(host) or not (has_tls_data or skip_verify):
        return Endpoint(host, where)
    pair = cert is not None and key is not None
    return Endpoint(
        host, where, True, not skip_verify, ca, cert if pair else None, key if pair else None
    )


def _is_socket(host: str) -> bool:
    return host.split("://", 1)[0] in ("unix", "npipe", "fd") if "://" in host else False


def api_client(endpoint: Endpoint, timeout: int = DAEMON_TIMEOUT_SECONDS) -> Any:
    """A docker-py low-level client for `endpoint`, refused if its transport is plain HTTP.

    Built with a fixed API version so that building it sends nothing; the decision is taken on
    the URL scheme docker-py itself settled on (`http://` is TCP without TLS, whatever
    DOCKER_TLS_VERIFY says: docker-py turns an `http://` host into plain HTTP).
    """
    import docker
    from docker.constants import DEFAULT_DOCKER_API_VERSION
    from docker.tls import TLSConfig

    scheme = endpoint.host.strip().split("://", 1)[0].lower() if "://" in endpoint.host else ""
    if scheme == "ssh":
        raise DaemonError(
            f"the Docker daemon at {endpoint.describe()} is reached over ssh://, which --to "
            "daemon does not support",
            "use --to docker, or a context whose endpoint is a unix socket or TCP with TLS",
        )
    tls: Any = False
    if endpoint.tls:
        try:
            tls = TLSConfig(
                client_cert=(str(endpoint.cert), str(endpoint.key)) if endpoint.cert else None,
                ca_cert=str(endpoint.ca) if endpoint.ca else None,
                verify=endpoint.verify,
            )
        except docker.errors.TLSParameterError as error:
            raise DaemonError(
                f"the TLS files of the Docker daemon at {endpoint.describe()} are unusable: "
                f"{shown(str(error))}",
                "check the context's or DOCKER_CERT_PATH's ca.pem, cert.pem and key.pem",
            ) from None
    try:
        client = docker.APIClient(
            base_url=endpoint.host.strip(),
            tls=tls,
            version=DEFAULT_DOCKER_API_VERSION,
            timeout=timeout,
        )
    except docker.errors.DockerException as error:
        raise DaemonError(
            f"cannot use the Docker daemon at {endpoint.describe()}: {shown(str(error))}",
            "fix DOCKER_HOST or the Docker context, or use --to docker",
        ) from None
    if str(client.base_url).lower().startswith("http://"):
        client.close()
        raise DaemonError(
            f"the Docker daemon at {endpoint.describe()} is plain TCP without TLS; "
            "the token would cross it in clear",
            _NOT_PLAIN_TCP_HINT,
        )
    return client


class DaemonClient:
    """`login()` as the flows call it, done with one `POST /auth` and nothing else.

    docker-py's own `login()` first looks for stored credentials of the registry, which runs
    `docker-credential-<store> get` itself, with our whole environment (AWS secrets included) and
    no time limit. The daemon's check needs none of that.
    """

    def __init__(self, api: Any, endpoint: Endpoint, timeout: int) -> None:
        self.api = api
        self.endpoint = endpoint
        self.timeout = timeout

    def login(
        self, *, username: str, password: str, registry: str, reauth: bool = True
    ) -> dict[str, Any]:
        import docker.errors
        import requests

        body = json.dumps({"username": username, "password": password, "serveraddress": registry})
        response = self.api.post(
            self._url("/auth"),
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=self.timeout,
        )
        try:
            response.raise_for_status()
        except requests.exceptions.HTTPError as error:
            raise docker.errors.create_api_error_from_http_exception(error) from None
        answer = response.json() if response.content else {}
        return answer if isinstance(answer, dict) else {}

    def _url(self, path: str) -> str:
        """Versioned as the CLI does: the lower of the daemon's API version and docker-py's."""
        from docker.constants import DEFAULT_DOCKER_API_VERSION
        from docker.utils import version_lt

        ping = self.api.get(f"{self.api.base_url}/_ping", timeout=self.timeout)
        server = ping.headers.get("Api-Version")
        if not server:
            return f"{self.api.base_url}{path}"
        version = (
            server
            if version_lt(server, DEFAULT_DOCKER_API_VERSION)
            else (DEFAULT_DOCKER_API_VERSION)
        )
        return f"{self.api.base_url}/v{version}{path}"


def default_client(
    *,
    config_dir: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    timeout: int = DAEMON_TIMEOUT_SECONDS,
) -> DaemonClient:
    """A client of the daemon the docker CLI would use; plain TCP refused before any byte."""
    from ecrlogin.sinks import dockerconfig

    endpoint = resolve(config_dir or dockerconfig.config_dir(None, environ), environ, platform)
    return DaemonClient(api_client(endpoint, timeout), endpoint, timeout)


def _next_step(text: str, host: str) -> str:
    """What to look at, from the daemon's own words: its DNS, its network, else the registry."""
    lowered = text.lower()
    if "no such host" in lowered or "lookup " in lowered or "server misbehaving" in lowered:
        return f"the daemon could not resolve {host}: check the DNS the Docker daemon uses"
    if any(w in lowered for w in ("connection refused", "i/o timeout", "no route to host")):
        return f"the daemon could not reach {host}: check its network and proxy settings"
    return "check the registry's access policy and the account"


def _unreachable(text: str, where: str) -> DaemonError:
    return DaemonError(
        f"Docker daemon unreachable at {where}: {shown(text)[:200]}",
        "start Docker, or point DOCKER_HOST or the Docker context at a running daemon; "
        "or use --to docker",
    )


def validate(client: Any, host: str, password: str) -> None:
    """Have the daemon log in to `host`; raise `DaemonError` when it or the registry says no."""
    import docker
    import requests

    endpoint = getattr(client, "endpoint", None)
    where = endpoint.describe() if isinstance(endpoint, Endpoint) else _env_host()
    try:
        client.login(username="AWS", password=password, registry=host, reauth=True)
    except docker.errors.APIError as error:
        text = shown(redact(str(getattr(error, "explanation", None) or error), password))
        raise DaemonError(
            f"the Docker daemon at {where} rejected the login to {host}: {text[:300]}",
            f"nothing was stored; {_next_step(text, host)}",
        ) from None
    except (requests.exceptions.RequestException, docker.errors.DockerException) as error:
        raise _unreachable(redact(str(error), password), where) from None


def _env_host() -> str:
    return shown(os.environ.get("DOCKER_HOST") or default_host())
