"""sinks.tohelper: credHelpers ecrlogin in config.json, the profile recorded, the cache filled;
config.json never holds a token."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ecrlogin.helper import records, serve
from ecrlogin.registry import parse
from ecrlogin.sinks.base import Credential
from ecrlogin.sinks.tohelper import HelperSink

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
SAME_REGION = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
PASSWORD = "tok" * 900
EXPIRES = datetime.now(UTC) + timedelta(hours=12)
FOREIGN: dict[str, Any] = {
    "auths": {"ghcr.io": {"auth": "Z2g6dG9rZW4="}, HOST: {"auth": "QVdTOm9sZA=="}},
    "credHelpers": {"gcr.io": "gcloud"},
    "psFormat": "table {{.ID}}",
}


@pytest.fixture
def sink(sandbox: Path) -> HelperSink:
    (sandbox / "docker").mkdir()
    (sandbox / "docker" / "config.json").write_text(json.dumps(FOREIGN))
    return HelperSink(sandbox / "docker", sandbox / "state")


def config(sink: HelperSink) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((sink.config_dir / "config.json").read_text())
    return data


def credential(
    host: str = HOST, password: str = PASSWORD, profile: str | None = None
) -> Credential:
    return Credential(parse(host), password, EXPIRES, profile)


def test_store_sets_cred_helpers_and_keeps_every_other_key(sink: HelperSink) -> None:
    stored = sink.store([credential(profile="prod")])
    assert stored[HOST].stored_in == "credHelpers:ecrlogin"
    assert stored[HOST].error is None
    data = config(sink)
    assert data["credHelpers"] == {"gcr.io": "gcloud", HOST: "ecrlogin"}
    assert data["auths"] == {"ghcr.io": {"auth": "Z2g6dG9rZW4="}, HOST: {}}
    assert data["psFormat"] == "table {{.ID}}"
    raw = (sink.config_dir / "config.json").read_text()
    assert PASSWORD not in raw
    assert base64.b64encode(f"AWS:{PASSWORD}".encode()).decode() not in raw
    assert records.load(sink.state_dir) == {HOST: "prod"}


def test_the_helper_serves_the_filled_token(sink: HelperSink) -> None:
    sink.store([credential()])
    answer = serve.get(HOST, state_dir=sink.state_dir, fetcher=None)
    assert (answer.secret, answer.fetched) == (PASSWORD, False)


def test_held_fingerprint_follows_the_entry_and_the_token(sink: HelperSink) -> None:
    stored = sink.store([credential()])
    assert sink.held()[HOST].fingerprint == stored[HOST].fingerprint
    assert set(sink.held()) == {HOST}
    sink.store([credential(password="new" * 900)])
    assert sink.held()[HOST].fingerprint != stored[HOST].fingerprint
    data = config(sink)
    data["credHelpers"][HOST] = "pass"
    (sink.config_dir / "config.json").write_text(json.dumps(data))
    assert HOST not in sink.held()


def test_erase_removes_only_what_it_set(sink: HelperSink) -> None:
    sink.store([credential(), credential(SAME_REGION)])
    erased = sink.erase([HOST, "ghcr.io"])
    assert erased[HOST].stored_in == "credHelpers:ecrlogin"
    assert erased["ghcr.io"].stored_in is None
    data = config(sink)
    assert data["credHelpers"] == {"gcr.io": "gcloud", SAME_REGION: "ecrlogin"}
    assert data["auths"] == {"ghcr.io": {"auth": "Z2g6dG9rZW4="}, SAME_REGION: {}}
    # the region's token still serves the other host set up there
    assert serve.get(SAME_REGION, state_dir=sink.state_dir).secret == PASSWORD
    sink.erase([SAME_REGION])
    assert serve.listing(state_dir=sink.state_dir) == {}
    assert records.load(sink.state_dir) == {}


@pytest.mark.parametrize("on_path", [True, False])
def test_a_helper_docker_cannot_find_is_a_warning_naming_its_path(
    sink: HelperSink, tmp_path: Path, caplog: pytest.LogCaptureFixture, on_path: bool
) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    if on_path:
        (folder / "docker-credential-ecrlogin").write_text("#!/bin/sh\n")
        (folder / "docker-credential-ecrlogin").chmod(0o755)
    environ = {**os.environ, "PATH": str(folder)}
    HelperSink(sink.config_dir, sink.state_dir, environ).store([credential()])
    warned = f"docker-credential-ecrlogin is not on PATH (docker searches {folder})"
    assert (warned in caplog.text) is not on_path
