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
        entry_print="0123456789abcdef",
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


HOMES = {"HOME": "/home/ann", "USERPROFILE": "C:\\Users\\ann"}


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", HOMES, "/home/ann/.local/state/ecrlogin"),
        ("linux", {**HOMES, "XDG_STATE_HOME": "/xdg"}, "/xdg/ecrlogin"),
        ("linux", {**HOMES, "XDG_STATE_HOME": "relative"}, "/home/ann/.local/state/ecrlogin"),
        ("darwin", HOMES, "/home/ann/Library/Application Support/ecrlogin"),
        ("win32", {**HOMES, "LOCALAPPDATA": "D:\\Local"}, "D:\\Local/ecrlogin"),
        ("win32", HOMES, "C:\\Users\\ann/AppData/Local/ecrlogin"),
        ("win32", {**HOMES, "ECRLOGIN_STATE_DIR": "E:\\s"}, "E:\\s"),
    ],
)
def test_state_dir_per_platform(platform: str, environ: dict[str, str], expected: str) -> None:
    assert state.state_dir(environ, platform) == Path(expected)


def test_state_dir_agrees_with_platformdirs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("ECRLOGIN_STATE_DIR")
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)  # newer platformdirs honour it on macOS
    expected = platformdirs.user_state_dir("ecrlogin", appauthor=False)
    assert state.state_dir() == Path(expected)


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
    assert loaded.accounts == {"profile:prod": "123456789012"}


def test_remember_replaces_every_record_of_the_host_in_that_place(state_dir: Path) -> None:
    elsewhere = record(source="profile:dev", place="/podman/auth.json")
    state.remember(state_dir, [record(source="profile:dev"), record(OTHER), elsewhere], {})
    newer = record(expires_at=EXPIRES + timedelta(hours=12), entry_print="fedcba9876543210")
    state.remember(state_dir, [newer], {})
    loaded = state.load(state_dir)
    assert len(loaded.records) == 3
    assert loaded.find("profile:prod", HOST) == newer
    assert loaded.find("profile:prod", OTHER) == record(OTHER)
    assert loaded.find("profile:dev", HOST) is None  # the place holds prod's token now
    assert loaded.find("profile:dev", HOST, "/podman/auth.json") == elsewhere


def test_remember_merges_accounts(state_dir: Path) -> None:
    state.remember(state_dir, [], {"profile:a": "111111111111", "profile:b": "222222222222"})
    state.remember(state_dir, [], {"profile:b": "333333333333", "key:abc": "444444444444"})
    assert state.load(state_dir).accounts == {
        "profile:a": "111111111111",
        "profile:b": "333333333333",
        "key:abc": "444444444444",
    }


ARN = "arn:aws:sts::111111111111:assumed-role/dev/alice"


def test_caller_arns_are_merged_and_survive_forget_and_region_lists(state_dir: Path) -> None:
    state.remember(state_dir, [record()], {"k1": "111111111111"}, {"k1": ARN, "k2": "x"})
    state.remember(state_dir, [], {}, {"k2": ARN})
    state.remember_regions(state_dir, {"k1": {"regions": [], "at": "x"}})
    state.forget(state_dir, {HOST})
    loaded = state.load(state_dir)
    assert loaded.callers == {"k1": ARN, "k2": ARN}


@pytest.mark.parametrize("callers", [None, ["k1"], {"k1": 7}, "arn"])
def test_odd_caller_arns_are_forgotten_and_the_rest_kept(state_dir: Path, callers: object) -> None:
    state.remember(state_dir, [record()], {"a": "1"})
    path = state_dir / state.STATE_NAME
    path.write_text(json.dumps({**json.loads(path.read_text()), "callers": callers}))
    loaded = state.load(state_dir)
    assert (loaded.callers, loaded.accounts, loaded.records) == ({}, {"a": "1"}, (record(),))


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


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2]",
        b"\xff\xfe",
        b"null",
        b"[" * 100_000,
        b'{"n": 1' + b"0" * 5000 + b"}",
    ],
    ids=["not JSON", "array", "not UTF-8", "null", "100,000 deep", "5,000 digits"],
)
def test_a_garbage_file_is_an_empty_state_with_a_truthful_warning(
    state_dir: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir.mkdir()
    (state_dir / "state.json").write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="ecrlogin"):
        assert state.load(state_dir) == State()
    [warning] = [r.getMessage() for r in caplog.records]
    assert warning.startswith(f"ignoring ecrlogin state: {state_dir / 'state.json'}")
    assert "untouched" not in warning
    assert (state_dir / "state.json").read_bytes() == content


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"expires_at": "2030-01-02T03:04:05"}, "'expires_at' without a time zone"),
        ({"profile": {"name": "prod"}}, "'profile' of type dict"),
        ({"host": 42}, "'host' of type int"),
        ({"region": "moon-base-1"}, "region 'moon-base-1'"),
        ({"region": "../../etc"}, "region '../../etc'"),
    ],
)
def test_a_record_ecrlogin_cannot_use_is_a_cache_miss_with_a_warning(
    state_dir: Path, change: dict[str, Any], problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir.mkdir()
    bad = {**record().to_json(), **change}
    content = {"version": state.VERSION, "records": [record(OTHER).to_json(), bad], "accounts": {}}
    (state_dir / "state.json").write_text(json.dumps(content))
    with caplog.at_level(logging.WARNING, logger="ecrlogin"):
        assert state.load(state_dir) == State()
    [warning] = [r.getMessage() for r in caplog.records]
    assert warning.endswith(f"holds a record with {problem}")


@pytest.mark.parametrize("content", [b"{garbage", b"[]", b'{"records": []}', b"# my notes\n"])
def test_a_file_that_is_not_ecrlogins_is_moved_aside_never_replaced(
    state_dir: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    state_dir.mkdir()
    (state_dir / "state.json").write_bytes(content)
    now = datetime(2026, 12, 2, 1, 2, 3, tzinfo=UTC)
    with (
        caplog.at_level(logging.WARNING, logger="ecrlogin"),
        state._editing(state_dir, now=lambda: now) as loaded,
    ):
        state._save(state_dir, dataclasses.replace(loaded, records=(record(),)))
    aside = state_dir / "state.json.corrupt-20261202T010203Z"
    assert aside.read_bytes() == content
    assert state.load(state_dir).records == (record(),)
    moved = [r.getMessage() for r in caplog.records if "moved" in r.getMessage()]
    assert moved == [
        f"{state_dir / 'state.json'} was not an ecrlogin state file; moved it to {aside.name}"
    ]


def test_a_garbage_file_is_moved_aside_by_the_next_remember(state_dir: Path) -> None:
    state_dir.mkdir()
    (state_dir / "state.json").write_bytes(b"{garbage")
    state.remember(state_dir, [record()], {})
    assert state.load(state_dir).records == (record(),)
    [aside] = state_dir.glob("state.json.corrupt-*Z")
    assert aside.read_bytes() == b"{garbage"


def test_records_carry_no_secret(state_dir: Path) -> None:
    fields = {f.name for f in dataclasses.fields(Record)}
    assert not {"password", "secret", "auth", "token"} & fields
    state.remember(state_dir, [record()], {"profile:prod": "123456789012"})
    data = json.loads((state_dir / "state.json").read_text())
    assert set(data) == {"version", "accounts", "records"}
    assert set(data["records"][0]) == fields
