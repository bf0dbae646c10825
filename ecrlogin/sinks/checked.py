"""`--to daemon`: the Docker daemon checks each token (`POST /auth`) before another sink stores it;
what the daemon refuses is never stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecrlogin.errors import EcrLoginError
from ecrlogin.sinks.base import Credential, Held, Sink, Stored


@dataclass(frozen=True)
class DaemonChecked:
    inner: Sink
    client: Callable[[], Any]  # the docker SDK client, made only when there is a token to check

    @property
    def place(self) -> str:
        return self.inner.place

    def store(self, credentials: Sequence[Credential]) -> Mapping[str, Stored]:
        from ecrlogin.sinks import daemon

        try:
            client = self.client()
        except EcrLoginError as unreachable:
            return {
                c.registry.host: Stored(c.registry.host, None, error=unreachable)
                for c in credentials
            }
        refused: dict[str, Stored] = {}
        accepted = []
        for credential in credentials:
            host = credential.registry.host
            try:
                daemon.validate(client, host, credential.password)
                accepted.append(credential)
            except EcrLoginError as error:
                refused[host] = Stored(host, None, error=error)
        return {**refused, **(self.inner.store(accepted) if accepted else {})}

    def erase(self, hosts: Sequence[str]) -> Mapping[str, Stored]:
        return self.inner.erase(hosts)

    def held(self) -> Mapping[str, Held]:
        return self.inner.held()
