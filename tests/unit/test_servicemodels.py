"""flows.servicemodels: cut service models kept in the state directory, as carefully as state."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from ecrlogin.flows.servicemodels import UNUSED_DAYS, ModelFiles

MODEL = {
    "metadata": {"serviceId": "ECR"},
    "operations": {"GetAuthorizationToken": {}},
    "shapes": {},
}


def test_a_model_is_kept_owner_only_and_read_back(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path / "state")
    assert files.get("ecr-1.json") is None
    files.put("ecr-1.json", MODEL)
    assert files.get("ecr-1.json") == MODEL
    assert stat.S_IMODE((tmp_path / "state" / "models").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "state" / "models" / "ecr-1.json").stat().st_mode) == 0o600


def test_a_new_model_removes_the_same_service_s_long_unwritten_ones_only(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path)
    for name in ("ecr-1.json", "ecr-public-1.json", "ec2-1.json", "ecr-2.json"):
        files.put(name, MODEL)
    month_later = time.time() + (UNUSED_DAYS + 1) * 86400
    files.put("ecr-3.json", MODEL)  # another environment's, written just now: both stay
    assert len(list(files.directory.iterdir())) == 5
    files.put("ecr-3.json", MODEL, now=month_later)
    assert sorted(p.name for p in files.directory.iterdir()) == [
        "ec2-1.json",
        "ecr-3.json",
        "ecr-public-1.json",
    ]


def test_a_torn_file_or_an_unusable_folder_is_a_miss_never_an_error(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path)
    files.directory.mkdir()
    (files.directory / "ecr-1.json").write_text('{"metadata": {')
    assert files.get("ecr-1.json") is None
    blocked = ModelFiles(tmp_path / "file")
    (tmp_path / "file").write_text("")
    blocked.put("ecr-1.json", MODEL)  # the state dir is a file: nothing kept, nothing raised
    assert blocked.get("ecr-1.json") is None


def test_a_model_of_another_user_is_never_read_even_as_root(tmp_path: Path) -> None:
    import os

    files = ModelFiles(tmp_path)
    files.put("ecr-1.json", MODEL)
    path = files.directory / "ecr-1.json"
    os.chown(path, 65534, 65534)  # (tests run as root: its own rule would accept any owner)
    assert files.get("ecr-1.json") is None
    files.put("ecr-1.json", MODEL)  # replaced by one of the user's own
    assert (path.stat().st_uid, files.get("ecr-1.json")) == (os.geteuid(), MODEL)


def test_a_model_others_may_write_or_a_symlink_is_never_read(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path)
    files.put("ecr-1.json", MODEL)
    path = files.directory / "ecr-1.json"
    path.chmod(0o622)
    assert files.get("ecr-1.json") is None
    (files.directory / "ecr-2.json").symlink_to(path.with_name("elsewhere"))
    path.rename(path.with_name("elsewhere"))
    path.with_name("elsewhere").chmod(0o600)
    assert files.get("ecr-2.json") is None


def test_an_unusable_folder_is_said_once_in_debug(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "file").write_text("")
    blocked = ModelFiles(tmp_path / "file")
    with caplog.at_level("DEBUG", logger="ecrlogin"):
        for _ in range(3):
            blocked.put("ecr-1.json", MODEL)
            assert blocked.get("ecr-1.json") is None
    assert [r.levelname for r in caplog.records] == ["DEBUG"]
