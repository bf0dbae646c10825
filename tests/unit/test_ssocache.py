"""ecrlogin.ssocache: the token cache file botocore and AWS CLI v2 read, written privately and
whole."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ecrlogin import ssocache
from ecrlogin.errors import ConfigFileError

ENTRY = {"startUrl": "https://corp.example/start", "accessToken": "secret", "expiresAt": "x"}


def test_written_owner_only_in_a_private_directory(tmp_path: Path) -> None:
    where = tmp_path / ".aws" / "sso" / "cache"
    path = ssocache.write("abc.json", ENTRY, directory=where)
    assert path == where / "abc.json"
    assert json.loads(path.read_text()) == ENTRY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(where.stat().st_mode) == 0o700


def test_replaces_an_older_token_whole(tmp_path: Path) -> None:
    ssocache.write("abc.json", ENTRY | {"accessToken": "old"}, directory=tmp_path)
    inode = (tmp_path / "abc.json").stat().st_ino
    ssocache.write("abc.json", ENTRY, directory=tmp_path)
    assert json.loads((tmp_path / "abc.json").read_text())["accessToken"] == "secret"
    assert (tmp_path / "abc.json").stat().st_ino != inode  # renamed over, never rewritten
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_never_into_a_directory_others_may_write(tmp_path: Path) -> None:
    tmp_path.chmod(0o777)
    with pytest.raises(ConfigFileError):
        ssocache.write("abc.json", ENTRY, directory=tmp_path)
    assert not (tmp_path / "abc.json").exists()


def test_the_default_place_is_under_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ssocache.cache_dir() == Path(os.path.join(tmp_path, ".aws", "sso", "cache"))
