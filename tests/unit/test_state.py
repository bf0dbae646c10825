"""state: ecrlogin's own records of who stored what where until when; a cache, never a secret."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ecrlogin import state
from ecrlogin.state import Record, State

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
OTHER = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
EXPIRES = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def record(host: str = HOST, source: str = "profile:prod", **changes: Any) -> Record:
    base = Record(
        host=host,
        source=source,
        profile="prod",
        account="123456789012",
        region="eu-west-1",
        identity="arn:aws:sts::123456789012:assumed-role/dev/alice",
        expires_at=EXPIRES,
        stored_in="config.json",
        fingerprint="0123456789abcdef",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def state_dir(sandbox: Path) -> Path:
    return sandbox / "state"


def test_state_dir_is_ecrlogin_state_dir_else_the_user_state_directory(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert state.state_dir() == sandbox / "state"
    assert state.state_dir({"ECRLOGIN_STATE_DIR": "~/s"}) == sandbox / "home" / "s"
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    assert state.state_dir({}) == sandbox / "home" / ".local" / "state" / "ecrlogin"


def test_remember_then_find_round_trips_a_record(state_dir: Path) -> None:
    mine = record()
    state.remember(state_dir, [mine], {"profile:prod": "123456789012"})
    loaded = state.load(state_dir)
    assert loaded.find("profile:prod", HOST) == mine
    found = loaded.find("profile:prod", HOST)
    assert found is not None
    assert found.expires_at is not None
    assert found.expires_at.tzinfo is not None
    assert loaded.find("profile:dev", HOST) is None
    assert loaded.find("profile:prod", OTHER) is None
    assert loaded.account_of("profile:prod") == "123456789012"
    assert loaded.account_of("profile:dev") is None


def test_remember_replaces_the_same_source_and_host_and_keeps_the_rest(state_dir: Path) -> None:
    state.remember(state_dir, [record(), record(OTHER), record(source="profile:dev")], {})
    newer = record(expires_at=EXPIRES + timedelta(hours=12), fingerprint="fedcba9876543210")
    state.remember(state_dir, [newer], {})
    loaded = state.load(state_dir)
    assert len(loaded.records) == 3
    assert loaded.find("profile:prod", HOST) == newer
    assert loaded.find("profile:prod", OTHER) == record(OTHER)
    assert loaded.find("profile:dev", HOST) == record(source="profile:dev")
    assert sorted(r.source for r in loaded.for_host(HOST)) == ["profile:dev", "profile:prod"]


def test_remember_merges_accounts(state_dir: Path) -> None:
    state.remember(state_dir, [], {"profile:a": "111111111111", "profile:b": "222222222222"})
    state.remember(state_dir, [], {"profile:b": "333333333333", "key:abc": "444444444444"})
    assert state.load(state_dir).accounts == {
        "profile:a": "111111111111",
        "profile:b": "333333333333",
        "key:abc": "444444444444",
    }


def test_forget_removes_every_record_of_the_hosts(state_dir: Path) -> None:
    state.remember(state_dir, [record(), record(source="key:x"), record(OTHER)], {"a": "1"})
    state.forget(state_dir, {HOST})
    loaded = state.load(state_dir)
    assert loaded.records == (record(OTHER),)
    assert loaded.accounts == {"a": "1"}


def test_forget_without_a_state_file_creates_nothing(state_dir: Path) -> None:
    state.forget(state_dir, {HOST})
    assert not state_dir.exists()


def test_the_state_file_is_private(state_dir: Path) -> None:
    state.remember(state_dir, [record()], {})
    assert (state_dir / "state.json").stat().st_mode & 0o777 == 0o600
    assert state_dir.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "content",
    [
        {"version": 99, "records": [], "accounts": {"a": "1"}},
        {"records": []},
        {"version": str(state.VERSION), "records": []},
        {"version": state.VERSION, "records": [{"host": HOST}]},
        {"version": state.VERSION, "records": [{**record().to_json(), "secret": "x"}]},
        {"version": state.VERSION, "records": [{**record().to_json(), "expires_at": "tomorrow"}]},
        {"version": state.VERSION, "records": [{**record().to_json(), "expires_at": 12}]},
        {"version": state.VERSION, "records": [42]},
        {"version": state.VERSION, "records": 42},
        {"version": state.VERSION, "records": "abc"},
        {"version": state.VERSION, "records": [], "accounts": None},
        {"version": state.VERSION, "records": [], "accounts": ["a", "b"]},
        {"version": state.VERSION, "records": [], "accounts": 7},
    ],
)
def test_an_unknown_layout_is_an_empty_state_not_an_error(
    state_dir: Path, content: dict[str, Any]
) -> None:
    state_dir.mkdir()
    (state_dir / "state.json").write_text(json.dumps(content))
    assert state.load(state_dir) == State()


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe", b"null"])
def test_a_garbage_file_is_an_empty_state_with_a_warning(
    state_dir: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir.mkdir()
    (state_dir / "state.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="ecrlogin"):
        assert state.load(state_dir) == State()
    assert any("ignoring ecrlogin state" in r.getMessage() for r in caplog.records)


def test_a_garbage_file_is_rewritten_by_the_next_remember(state_dir: Path) -> None:
    state_dir.mkdir()
    (state_dir / "state.json").write_bytes(b"{garbage")
    state.remember(state_dir, [record()], {})
    assert state.load(state_dir).records == (record(),)


def test_records_carry_no_secret(state_dir: Path) -> None:
    fields = {f.name for f in dataclasses.fields(Record)}
    assert not {"password", "secret", "auth", "token"} & fields
    state.remember(state_dir, [record()], {"profile:prod": "123456789012"})
    data = json.loads((state_dir / "state.json").read_text())
    assert set(data) == {"version", "accounts", "records"}
    assert set(data["records"][0]) == fields
