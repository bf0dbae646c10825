"""After the tokens: the daemon's check (`--to daemon`), the stores, and ecrlogin's state."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from ecrlogin import state
from ecrlogin.errors import EcrLoginError
from ecrlogin.flows.model import Fetched, Result, Settings
from ecrlogin.flows.targets import Target
from ecrlogin.identity import profiles
from ecrlogin.sinks.base import Credential
from ecrlogin.sinks.docker import DockerConfigSink

log = logging.getLogger("ecrlogin")
ECR_LOGIN_NOTE = (
    "docker-credential-ecr-login serves this host and gets its own tokens; nothing stored"
)


def deliver(
    fetched: list[Fetched],
    settings: Settings,
    daemon_client: Callable[[], Any] | None,
    environ: Mapping[str, str],
    results: dict[Target, Result],
) -> None:
    accepted = _daemon_check(fetched, settings, daemon_client, environ, results)
    credentials = {
        f.registry.host: Credential(f.registry, f.password, f.expires_at, f.target.profile)
        for f in accepted
    }
    sink = DockerConfigSink(settings.docker_config)
    stored = sink.store(list(credentials.values())) if credentials else {}
    records, accounts = [], {}
    for item in accepted:
        outcome = stored[item.registry.host]
        source = profiles.identity_source(item.target.profile, environ)
        if item.account and not item.target.account and not item.target.public:
            accounts[source] = item.account
        if outcome.error is not None:
            results[item.target] = item.result(
                environ, "failed", stored_in=outcome.stored_in, error=outcome.error.one_line()
            )
            continue
        log.info("%s: stored in %s", item.registry.host, outcome.stored_in)
        results[item.target] = item.result(
            environ,
            "ok",
            expires_at=None if outcome.needs_nothing else item.expires_at,
            stored_in=outcome.stored_in,
            note=ECR_LOGIN_NOTE if outcome.needs_nothing else None,
        )
        if not outcome.needs_nothing:
            records.append(
                state.Record(
                    item.registry.host,
                    source,
                    profiles.display_profile(item.target.profile, environ),
                    item.registry.account,
                    item.target.region,
                    item.identity,
                    item.expires_at,
                    outcome.stored_in or "",
                    outcome.fingerprint,
                )
            )
    if records or accounts:
        state.remember(settings.state_dir, records, accounts)


def _daemon_check(
    fetched: list[Fetched],
    settings: Settings,
    daemon_client: Callable[[], Any] | None,
    environ: Mapping[str, str],
    results: dict[Target, Result],
) -> list[Fetched]:
    """With `--to daemon`, only what the daemon accepted goes on to be stored."""
    if settings.to != "daemon" or not fetched:
        return fetched
    from ecrlogin.sinks import daemon

    accepted = []
    try:
        client = (daemon_client or daemon.default_client)()
    except EcrLoginError as error:
        client, unreachable = None, error
    for item in fetched:
        try:
            if client is None:
                raise unreachable
            daemon.validate(client, item.registry.host, item.password)
            accepted.append(item)
        except EcrLoginError as error:
            results[item.target] = item.result(environ, "failed", error=error.one_line())
    return accepted
