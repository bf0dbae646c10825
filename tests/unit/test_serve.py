"""helper.serve: get (cache, else one fetch), failures remembered, erase, list, fill."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrlogin.aws.sdk import Token
from ecrlogin.errors import AwsError
from ecrlogin.helper import cache, locate, records, serve
from ecrlogin.registry import Registry, parse

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
CROSS = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class Fetcher:
    def __init__(self, hours: float = 12, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, str | None]] = []
        self.hours, self.error = hours, error

    def __call__(self, registry: Registry, profile: str | None) -> Token:
        self.calls.append((registry.host, profile))
        if self.error:
            raise self.error
        expires = NOW + timedelta(hours=self.hours)
        return Token(f"pw{len(self.calls)}" * 500, expires, "123456789012")


def get(state: Path, fetcher: Fetcher, url: str = HOST, at: datetime = NOW, **kw: object) -> str:
    answer = serve.get(url, state_dir=state, now=lambda: at, fetcher=fetcher, **kw)  # type: ignore[arg-type]
    return answer.secret


def test_one_fetch_then_served_from_the_cache(tmp_path: Path) -> None:
    fetcher = Fetcher()
    first = get(tmp_path, fetcher, f"https://{HOST}/v2/")
    assert get(tmp_path, fetcher, HOST) == first
    assert get(tmp_path, fetcher, CROSS) == first  # one token opens every registry of the region
    assert fetcher.calls == [(HOST, None)]
    assert serve.listing(state_dir=tmp_path, now=lambda: NOW) == {HOST: "AWS"}


def test_a_token_with_less_than_15_minutes_is_fetched_again(tmp_path: Path) -> None:
    fetcher = Fetcher(hours=1)
    first = get(tmp_path, fetcher)
    later = NOW + timedelta(minutes=46)
    assert get(tmp_path, fetcher, at=later) != first
    assert len(fetcher.calls) == 2


def test_not_ecr_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(serve.NotEcr):
        get(tmp_path, Fetcher(), "ghcr.io")
    with pytest.raises(serve.NotEcr):
        get(tmp_path, Fetcher(), "123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example")


def test_a_failure_is_remembered_for_a_while(tmp_path: Path) -> None:
    failing = Fetcher(error=AwsError("eu-west-1: AWS endpoint unreachable", "check the network"))
    for at in (NOW, NOW + timedelta(seconds=30)):
        with pytest.raises(serve.HelperFailure, match="unreachable; check the network"):
            get(tmp_path, failing, at=at)
    assert len(failing.calls) == 1
    working = Fetcher()
    get(tmp_path, working, at=NOW + timedelta(seconds=46))
    assert len(working.calls) == 1


def test_a_corrupt_entry_is_replaced_with_a_warning(tmp_path: Path) -> None:
    fetcher, warnings = Fetcher(), []
    get(tmp_path, fetcher)
    (entry,) = [d for d, _ in cache.entries(tmp_path)]
    (entry / cache.TOKEN_NAME).write_text('{"version": 1, "password": "half')
    secret = get(tmp_path, fetcher, warn=warnings.append)
    assert secret.startswith("pw2")
    assert len(warnings) == 1
    assert "unreadable" in warnings[0]


def test_an_identity_change_is_a_miss(tmp_path: Path) -> None:
    fetcher = Fetcher()
    get(tmp_path, fetcher, environ=dict(os.environ, AWS_ACCESS_KEY_ID="AKIAONE"))
    get(tmp_path, fetcher, environ=dict(os.environ, AWS_ACCESS_KEY_ID="AKIATWO"))
    assert len(fetcher.calls) == 2


def test_recorded_profile_is_used_to_fetch(sandbox: Path, tmp_path: Path) -> None:
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text("[profile partner]\nregion = eu-west-1\n")
    records.remember(tmp_path, {CROSS: "partner"})
    fetcher = Fetcher()
    get(tmp_path, fetcher, CROSS)
    assert fetcher.calls == [(CROSS, "partner")]


def test_erase_drops_the_token(tmp_path: Path) -> None:
    fetcher = Fetcher()
    get(tmp_path, fetcher)
    assert serve.erase(HOST, state_dir=tmp_path)
    assert not serve.erase(HOST, state_dir=tmp_path)
    get(tmp_path, fetcher)
    assert len(fetcher.calls) == 2


def test_fill_serves_without_a_fetch(tmp_path: Path) -> None:
    where = serve.fill(
        parse(HOST), None, "filled" * 400, NOW + timedelta(hours=12), state_dir=tmp_path
    )
    assert where == locate.place(parse(HOST), tmp_path).directory
    fetcher = Fetcher()
    assert get(tmp_path, fetcher) == "filled" * 400
    assert fetcher.calls == []


def test_a_cache_that_cannot_be_made_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    warned: list[str] = []
    fetcher = Fetcher()
    answer = serve.get(
        HOST, state_dir=tmp_path / "file", now=lambda: NOW, fetcher=fetcher, warn=warned.append
    )
    assert (answer.fetched, len(fetcher.calls)) == (True, 1)
    assert [w.split("(")[0] for w in warned] == ["the token cache cannot be used "]
