"""flows.verify: every registry asked at once, one /v2/ request each, a deadline for the lot."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecrhosts import auth

from ecrlogin import registryhttp
from ecrlogin.flows import verify

A = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
B = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
C = "123456789012.dkr.ecr.us-west-2.amazonaws.com"
D = "123456789012.dkr.ecr.eu-north-1.amazonaws.com"


class Registries:
    """A accepts, B refuses, C is unreachable, D never answers (until the test ends)."""

    def __init__(self) -> None:
        self.timeout = 0.0
        self.asked: list[tuple[str, str]] = []
        self.release = threading.Event()

    def request(
        self, method: str, host: str, path: str, headers: Mapping[str, str], secrets: Any
    ) -> Any:
        self.asked.append((host, path))
        if host == C:
            raise registryhttp.Unreachable("connect", "cannot connect")
        if host == D:
            self.release.wait(5)
        expected = registryhttp.basic("AWS", "pw-" + host[-16:])
        return registryhttp.Answer(
            200 if headers["Authorization"] == expected and host == A else 401
        )


def test_each_host_once_within_the_deadline(tmp_path: Path) -> None:
    auths = {host: auth("pw-" + host[-16:]) for host in (A, B, C, D)}
    (tmp_path / "config.json").write_text(json.dumps({"auths": auths}))
    fake = Registries()
    try:
        answers = verify.ask(
            [(h, "docker") for h in (A, B, C, D)], tmp_path, {}, http=lambda: fake, deadline=0.5
        )
    finally:
        fake.release.set()
    accepted = {host: answers[(host, "docker")].accepted for host in (A, B, C, D)}
    assert accepted == {A: True, B: False, C: None, D: None}
    assert "0.5s" in answers[(D, "docker")].why
    assert sorted(fake.asked) == sorted((h, "/v2/") for h in (A, B, C, D))


def test_no_credential_is_not_asked(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"other.example": {}}}))
    fake = Registries()
    answers = verify.ask([(A, "docker")], tmp_path, {}, http=lambda: fake)
    assert (answers[(A, "docker")], fake.asked) == (verify.Answer(None, "no credential stored"), [])
