"""`ecrlogin kube-secret NAME`: one Kubernetes pull Secret for every registry of the run.

The login's targets and token step (`login.targets_of`, `tokens.fetch`), without a sink: the
tokens go into the Secret only, never into a Docker config, ecrlogin's state or a file. Any
registry that fails fails the whole run: no Secret is printed or applied (a Secret missing one
registry would replace a working one). With `--apply`, the Secret goes to `kubectl apply -f -` on
stdin, once per namespace; every namespace is tried, and the outcome says which were applied.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecrlogin import state
from ecrlogin.errors import EcrLoginError, UsageError
from ecrlogin.flows import login, tokens
from ecrlogin.flows.lazycalls import LazyCalls
from ecrlogin.flows.model import Request, Result, Settings
from ecrlogin.identity.routing import Hints
from ecrlogin.registry import Registry

SECRET_TYPE = "kubernetes.io/dockerconfigjson"
MANAGED_BY = "app.kubernetes.io/managed-by"
EXPIRES_AT = "ecrlogin/expires-at"  # the earliest expiry of the Secret's tokens (UTC, ISO 8601)
STORED_IN = "kube-secret"
USERNAME = "AWS"
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


@dataclass(frozen=True)
class Entry:
    registry: Registry
    password: str = field(repr=False)
    expires_at: datetime | None


@dataclass(frozen=True)
class KubeSecret:
    name: str
    namespaces: tuple[str, ...]  # () : the namespace of kubectl's context
    entries: tuple[Entry, ...]

    @property
    def expires_at(self) -> datetime | None:
        known = [e.expires_at for e in self.entries if e.expires_at is not None]
        return min(known, default=None)

    def dockerconfigjson(self) -> str:
        """As `kubectl create secret docker-registry` writes it: username, password, auth."""
        auths = {
            e.registry.host: {
                "username": USERNAME,
                "password": e.password,
                "auth": base64.b64encode(f"{USERNAME}:{e.password}".encode()).decode(),
            }
            for e in self.entries
        }
        return json.dumps({"auths": auths}, separators=(",", ":"))

    def manifests(self) -> list[dict[str, Any]]:
        """One Secret per namespace (one without a namespace when none was given)."""
        data = base64.b64encode(self.dockerconfigjson().encode()).decode()
        expires = self.expires_at
        annotations = {EXPIRES_AT: _iso(expires)} if expires else {}
        return [
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {
                    "name": self.name,
                    **({"namespace": namespace} if namespace else {}),
                    "labels": {MANAGED_BY: "ecrlogin"},
                    **({"annotations": annotations} if annotations else {}),
                },
                "type": SECRET_TYPE,
                "data": {".dockerconfigjson": data},
            }
            for namespace in self.namespaces or (None,)
        ]

    @property
    def passwords(self) -> tuple[str, ...]:
        return tuple(e.password for e in self.entries)


@dataclass(frozen=True)
class Applied:
    namespace: str | None
    message: str  # kubectl's answer, or the one-line failure
    ok: bool


@dataclass(frozen=True)
class SecretOutcome:
    secret: KubeSecret | None  # None: a registry failed, nothing to show or apply
    results: tuple[Result, ...]
    notes: tuple[str, ...] = ()
    applied: tuple[Applied, ...] = ()

    @property
    def failed(self) -> bool:
        return self.secret is None or not all(a.ok for a in self.applied)


@dataclass(frozen=True)
class Apply:
    context: str | None = None


def check_names(name: str, namespaces: Sequence[str]) -> None:
    """NAME a DNS subdomain, each namespace a DNS label, as the API server requires (exit 2)."""
    if len(name) > 253 or not _SUBDOMAIN.fullmatch(name):
        raise UsageError(
            f"{name!r} is not a valid Secret name",
            "lower-case letters, digits, '-' and '.', starting and ending alphanumeric",
        )
    for namespace in namespaces:
        if len(namespace) > 63 or not _LABEL.fullmatch(namespace):
            raise UsageError(
                f"{namespace!r} is not a valid namespace",
                "lower-case letters, digits and '-', at most 63, starting and ending alphanumeric",
            )


def kube_secret(
    request: Request,
    settings: Settings,
    name: str,
    namespaces: Sequence[str] = (),
    *,
    apply: Apply | None = None,
    calls: object = None,
    environ: Mapping[str, str] = os.environ,
    hints: Hints | None = None,
    notes: Sequence[str] = (),
) -> SecretOutcome:
    check_names(name, namespaces)
    wanted = tuple(dict.fromkeys(namespaces))
    known = state.load(settings.state_dir)
    with LazyCalls(calls, state_dir=settings.state_dir) as aws:
        targets, failures, route_notes = login.targets_of(
            request, settings, aws, environ, known=known, hints=hints
        )
        fetched, failed = (
            tokens.fetch(targets, aws(), None, login.remembered_caller(known))
            if targets
            else ([], {})
        )
    every_note = (*notes, *route_notes)
    rows = [*failures, *(failed[t] for t in targets if t in failed)]
    chosen = _one_per_host(fetched)
    rows += [f.result("ok", expires_at=f.expires_at, stored_in=STORED_IN) for f in chosen]
    if failures or failed:
        return SecretOutcome(None, tuple(rows), every_note)
    if not chosen:
        error = EcrLoginError("no ECR registry in this run: nothing to put in the Secret")
        return SecretOutcome(None, (Result("", None, "failed", failure=error),), every_note)
    entries = tuple(Entry(f.registry, f.password, f.expires_at) for f in chosen)
    secret = KubeSecret(name, wanted, entries)
    applied = _apply(secret, apply, environ) if apply else ()
    return SecretOutcome(secret, tuple(rows), every_note, applied)


def _one_per_host(fetched: Sequence[tokens.Fetched]) -> list[tokens.Fetched]:
    """One token per host: the identity in the host's own account if one is, else the first."""
    chosen: dict[str, tokens.Fetched] = {}
    for one in fetched:
        host = one.registry.host
        if host not in chosen or (
            chosen[host].account != one.registry.account and one.account == one.registry.account
        ):
            chosen[host] = one
    return list(chosen.values())


def _apply(secret: KubeSecret, how: Apply, environ: Mapping[str, str]) -> tuple[Applied, ...]:
    from ecrlogin import kubectl

    program = kubectl.find(environ)
    done = []
    for namespace, manifest in zip(secret.namespaces or (None,), secret.manifests(), strict=True):
        try:
            said = kubectl.apply(
                program, json.dumps(manifest), context=how.context, secrets=secret.passwords
            )
            done.append(Applied(namespace, said, ok=True))
        except EcrLoginError as error:
            done.append(Applied(namespace, error.one_line(), ok=False))
    return tuple(done)


def _iso(moment: datetime) -> str:
    from datetime import UTC

    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
