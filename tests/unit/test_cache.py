"""helper.cache: entries per identity and region, whole or refused, failures remembered briefly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrlogin.helper import cache

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
PASSWORD = "p" * 2500


def entry(hours: float = 12) -> cache.Entry:
    return cache.Entry(PASSWORD, NOW + timedelta(hours=hours), "123456789012", ("h1",))


def test_written_entry_reads_back_whole_and_private(tmp_path: Path) -> None:
    directory = tmp_path / cache.key("ecr", "eu-west-1", "abcd")
    with cache.holding(directory):
        cache.write_entry(directory, entry())
    assert cache.read_entry(directory) == entry()
    assert (directory / cache.TOKEN_NAME).stat().st_mode & 0o777 == 0o600
    assert directory.stat().st_mode & 0o777 == 0o700
    assert PASSWORD not in repr(entry())


def test_usable_only_with_15_minutes_left() -> None:
    assert entry(hours=0.26).usable(NOW)
    assert not entry(hours=0.24).usable(NOW)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"[]",
        b'{"version": 1}',
        b'{"version": 1, "password": "", "expires_at": '
        b'"2030-01-01T00:00:00+00:00", "account": null}',
    ],
)
def test_anything_but_a_whole_entry_is_corrupt(tmp_path: Path, raw: bytes) -> None:
    tmp_path.joinpath(cache.TOKEN_NAME).write_bytes(raw)
    with pytest.raises(cache.CorruptEntry):
        cache.read_entry(tmp_path)


def test_a_wider_mode_is_narrowed_on_write(tmp_path: Path) -> None:
    (tmp_path / cache.TOKEN_NAME).write_text("{}")
    (tmp_path / cache.TOKEN_NAME).chmod(0o644)
    cache.write_entry(tmp_path, entry())
    assert (tmp_path / cache.TOKEN_NAME).stat().st_mode & 0o777 == 0o600


def test_failure_is_remembered_for_a_short_while(tmp_path: Path) -> None:
    cache.write_failure(tmp_path, "endpoint unreachable", NOW)
    remembered = cache.read_failure(tmp_path, NOW + timedelta(seconds=10))
    assert remembered is not None
    assert remembered.message == "endpoint unreachable"
    assert cache.read_failure(tmp_path, NOW + cache.FAILURE_MEMORY) is None
    cache.write_entry(tmp_path, entry())  # a token fetched since: the failure is gone
    assert cache.read_failure(tmp_path, NOW) is None


def test_sweep_drops_expired_tokens_only(tmp_path: Path) -> None:
    old, new = cache.entry_dir(tmp_path, "ecr-a-1"), cache.entry_dir(tmp_path, "ecr-b-1")
    for directory, hours in ((old, -1), (new, 1)):
        with cache.holding(directory):
            cache.write_entry(directory, entry(hours))
    cache.sweep(tmp_path, NOW)
    assert cache.read_entry(old) is None
    assert cache.read_entry(new) == entry(1)
    assert [d for d, _ in cache.entries(tmp_path)] == [new]


def test_missing_parents_are_made_0700_whatever_the_umask(tmp_path: Path, umask_zero: None) -> None:
    directory = tmp_path / "state" / cache.CACHE_DIR_NAME / cache.key("ecr", "eu-west-1", "ab")
    with cache.holding(directory):
        cache.write_entry(directory, entry())
    for made in (tmp_path / "state", directory.parent, directory):
        assert made.stat().st_mode & 0o777 == 0o700


def test_a_token_others_could_plant_is_corrupt_never_served(tmp_path: Path) -> None:
    directory = tmp_path / cache.key("ecr", "eu-west-1", "abcd")
    with cache.holding(directory):
        cache.write_entry(directory, entry())
    directory.chmod(0o777)  # the full CLI's rule (check_trusted): no directory others may write
    with pytest.raises(cache.CorruptEntry, match="writable by other users"):
        cache.read_entry(directory)
