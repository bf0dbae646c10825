"""flows.doctor: the steps in order, the first failure as the verdict, --fix through login."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from ecrhosts import auth

from ecrlogin import registryhttp
from ecrlogin.errors import UsageError
from ecrlogin.flows import doctor
from ecrlogin.flows.model import Outcome, Request, Settings
from ecrlogin.registryhttp import Answer, Unreachable

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
IMAGE = f"{HOST}/team/app:1"
MANIFEST = "/v2/team/app/manifests/1"


class FakeRegistry:
    """Scripted answers by (method, path, with credential?); the defaults: all is well."""

    timeout = 1.0

    def __init__(self, **answers: Answer | Unreachable) -> None:
        self.answers: dict[str, Answer | Unreachable] = {
            "anon": Answer(401, 'Basic realm="x"'),
            "v2": Answer(200),
            "head": Answer(200),
            **answers,
        }

    def resolve(self, host: str) -> list[str]:
        return ["127.0.0.9"]

    def authorization(
        self, host: str, challenge: str, credential: tuple[str, str] | None, scope: str
    ) -> str | None:
        return registryhttp.basic(*credential) if credential else "Bearer anonymous"

    def request(
        self,
        method: str,
        host: str,
        path: str,
        headers: Mapping[str, str] | None = None,
        secrets: Any = (),
    ) -> Answer:
        key = {"/v2/": "v2" if headers else "anon", MANIFEST: method.lower()}.get(path, "tags")
        answer = self.answers.get(key, Answer(200))
        if isinstance(answer, Unreachable):
            raise answer
        return answer


def run(tmp_path: Path, image: str = IMAGE, config: Any = None, **answers: Any) -> doctor.Diagnosis:
    (tmp_path / "config.json").write_text(json.dumps(config or {"auths": {HOST: auth("pw")}}))
    settings = Settings(tmp_path, tmp_path / "state")
    request = doctor.DoctorRequest(image)
    return doctor.diagnose(request, settings, http=lambda: FakeRegistry(**answers), environ={})


def test_every_step_passes(tmp_path: Path) -> None:
    found = run(tmp_path)
    assert [s.step for s in found.steps] == list(doctor.STEPS)
    assert [s.status for s in found.steps] == ["ok", "ok", "warning", "ok", "ok", "ok", "ok"]
    assert found.verdict is None


def unknown(code: str) -> Answer:
    return Answer(404, errors=f"{code}: not known", codes=(code,))


@pytest.mark.parametrize(
    ("answers", "step", "words"),
    [
        ({"anon": Unreachable("tls", "TLS does not verify for h")}, "network", "TLS"),
        ({"anon": Answer(502)}, "network", "HTTP 502"),
        ({"v2": Answer(401, errors="UNAUTHORIZED: no")}, "registry_auth", "UNAUTHORIZED: no"),
        ({"head": Answer(404), "get": unknown("NAME_UNKNOWN")}, "repository", "NAME_UNKNOWN"),
        ({"head": Answer(404), "get": unknown("MANIFEST_UNKNOWN")}, "tag", "MANIFEST_UNKNOWN"),
        ({"head": Answer(403), "get": Answer(403, codes=("DENIED",))}, "repository", "denied"),
    ],
)
def test_the_first_failure_is_the_verdict(
    tmp_path: Path, answers: Any, step: str, words: str
) -> None:
    found = run(tmp_path, **answers)
    assert found.verdict is not None
    assert (found.verdict.step, words in found.verdict.cause) == (step, True)
    after = [s.status for s in found.steps[doctor.STEPS.index(step) + 1 :]]
    assert set(after) <= {"skipped"}
    assert found.fixable == (step == "registry_auth")


def test_a_denied_repository_names_the_permission(tmp_path: Path) -> None:
    found = run(tmp_path, head=Answer(403), get=Answer(403, codes=("DENIED",)))
    assert found.verdict is not None
    assert "ecr:BatchGetImage" in found.verdict.fix


@pytest.mark.parametrize(
    ("config", "step"),
    [({"auths": {"other.example": {}}}, "credential"), ({"credsStore": "nosuch-x"}, "store")],
)
def test_where_the_client_looks(tmp_path: Path, config: Any, step: str) -> None:
    found = run(tmp_path, config=config)
    assert found.verdict is not None
    assert found.verdict.step == step


def test_an_expired_ecr_token_not_stored_by_ecrlogin(tmp_path: Path) -> None:
    token = base64.b64encode(json.dumps({"payload": "x", "expiration": 1}).encode()).decode()
    found = run(tmp_path, config={"auths": {HOST: auth(token)}})
    assert found.verdict is not None
    assert (found.verdict.step, "expired" in found.verdict.cause) == ("credential", True)


@pytest.mark.parametrize(
    ("image", "repository", "reference"),
    [
        (HOST, None, None),
        (f"{HOST}/app", "app", "latest"),
        (f"{HOST}/a/b:2", "a/b", "2"),
        (f"{HOST}/a@sha256:ab", "a", "sha256:ab"),
    ],
)
def test_parse_image(image: str, repository: str | None, reference: str | None) -> None:
    parsed = doctor.parse_image(image)
    assert (parsed.registry.host, parsed.repository, parsed.reference) == (
        HOST,
        repository,
        reference,
    )


def test_a_bare_host_skips_repository_and_tag(tmp_path: Path) -> None:
    found = run(tmp_path, image=HOST)
    assert [s.status for s in found.steps][-2:] == ["skipped", "skipped"]
    assert found.verdict is None


def test_not_ecr_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        run(tmp_path, image="docker.io/library/alpine:3")


def test_fix_logs_in_then_checks_again(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"other.example": {}}}))
    asked: list[tuple[Request, Settings]] = []

    def login(request: Request, settings: Settings) -> Outcome:
        asked.append((request, settings))
        (tmp_path / "config.json").write_text(json.dumps({"auths": {HOST: auth("new")}}))
        return Outcome(())

    request = doctor.DoctorRequest(IMAGE, profile="prod", fix=True)
    report = doctor.doctor(
        request, Settings(tmp_path, tmp_path), http=FakeRegistry, environ={}, login=login
    )
    assert report.first.verdict is not None
    assert (report.first.verdict.step, report.final.verdict) == ("credential", None)
    ((fresh, settings),) = asked
    assert (fresh.profiles, [r.host for r in fresh.registries], settings.force) == (
        ("prod",),
        [HOST],
        True,
    )


def test_a_helper_that_fails_to_answer_fails_the_store_step(tmp_path: Path, helper: Any) -> None:
    helper.behave(fail="gpg: decryption failed: No secret key")
    found = run(tmp_path, config={"credHelpers": {HOST: "fake"}})
    assert found.verdict is not None
    assert (found.verdict.step, "decryption failed" in found.verdict.cause) == ("store", True)


def test_ecr_public_without_a_credential_pulls_anonymously(tmp_path: Path) -> None:
    found = run(tmp_path, image="public.ecr.aws/team/app:1", config={"auths": {"x.example": {}}})
    statuses = {s.step: s.status for s in found.steps}
    assert (statuses["credential"], statuses["registry_auth"], found.verdict) == (
        "warning",
        "ok",
        None,
    )
