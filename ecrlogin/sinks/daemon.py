"""The Docker daemon's own check of credentials (`POST /auth`), through the docker SDK.

The daemon keeps nothing: this only proves the registry accepts the token before it is stored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ecrlogin.errors import DaemonError, redact

DAEMON_TIMEOUT_SECONDS = 30


def check_transport(environ: Mapping[str, str] = os.environ) -> None:
    """Refuse to send a token to a daemon over plain TCP: anyone on the path could read it."""
    from docker.utils import parse_host  # read DOCKER_HOST exactly as docker-py will

    host = environ.get("DOCKER_HOST", "")
    try:
        url = str(parse_host(host.strip(), False, tls=False)) if host.strip() else ""
    except Exception:  # docker-py refuses it too, before connecting
        return
    if url.startswith("http://") and not environ.get("DOCKER_TLS_VERIFY"):
        raise DaemonError(
            f"DOCKER_HOST={host} is plain TCP without TLS; the token would cross it in clear",
            "set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, use ssh:// or a unix socket, "
            "or --to docker",
        )


def default_client() -> Any:
    import docker

    check_transport()
    try:
        return docker.from_env(timeout=DAEMON_TIMEOUT_SECONDS)
    except docker.errors.DockerException as error:
        raise _unreachable(error) from None


def _unreachable(error: BaseException) -> DaemonError:
    where = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    return DaemonError(
        f"Docker daemon unreachable at {where}: {redact(str(error))[:200]}",
        "start Docker, or point DOCKER_HOST at a running daemon; or use --to docker",
    )


def validate(client: Any, host: str, password: str) -> None:
    """Have the daemon log in to `host`; raise `DaemonError` when it or the registry says no."""
    import docker
    import requests

    try:
        client.login(username="AWS", password=password, registry=host, reauth=True)
    except docker.errors.APIError as error:
        text = redact(str(getattr(error, "explanation", None) or error), password)
        raise DaemonError(
            f"the Docker daemon rejected the login to {host}: {text[:300]}",
            "nothing was stored; check the registry's access policy and the account",
        ) from None
    except (requests.exceptions.RequestException, docker.errors.DockerException) as error:
        raise _unreachable(error) from None
