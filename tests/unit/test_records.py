"""helper.records: the hosts `--to helper` set up and the profile recorded for each."""

from __future__ import annotations

import json
from pathlib import Path

from ecrlogin.helper import records

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
OTHER = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"


def test_remember_then_load_and_profiles(tmp_path: Path) -> None:
    records.remember(tmp_path, {HOST: "prod", OTHER: None})
    assert records.load(tmp_path) == {HOST: "prod", OTHER: None}
    assert records.profiles(tmp_path) == {HOST: "prod"}  # routing's rule 3 needs a name
    assert (tmp_path / records.RECORDS_NAME).stat().st_mode & 0o777 == 0o600


def test_remember_replaces_a_host_and_keeps_the_others(tmp_path: Path) -> None:
    records.remember(tmp_path, {HOST: "prod", OTHER: "partner"})
    records.remember(tmp_path, {HOST: "dev"})
    assert records.load(tmp_path) == {HOST: "dev", OTHER: "partner"}


def test_forget_removes_only_those_hosts(tmp_path: Path) -> None:
    records.remember(tmp_path, {HOST: "prod", OTHER: "partner"})
    records.forget(tmp_path, {HOST, "nothing.example"})
    assert records.load(tmp_path) == {OTHER: "partner"}
    records.forget(tmp_path / "missing", {HOST})  # nothing recorded: nothing created
    assert not (tmp_path / "missing").exists()


def test_unreadable_or_foreign_files_are_empty(tmp_path: Path) -> None:
    path = tmp_path / records.RECORDS_NAME
    for raw in ("{not json", '{"version": 99, "hosts": {}}', '{"version": 1, "hosts": []}'):
        path.write_text(raw)
        assert records.load(tmp_path) == {}
    path.write_text(json.dumps({"version": 1, "hosts": {HOST: {"profile": 3}, OTHER: "x"}}))
    assert records.load(tmp_path) == {HOST: None}
