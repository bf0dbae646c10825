"""safepaths: what another user could have planted or can swap is refused; directories are
created private and, by root, for their owner. Run as root, files are given away with chown and
checked as the uid that matters (`uid=`), so every rule is tested without a second login."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecrlogin import safepaths
from ecrlogin.errors import ConfigFileError

ME, OTHER, ROOT = 1, 65534, 0
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 and os.environ.get("CI") != "true", reason="needs root to chown"
)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A directory of ME's (as a home would be), under directories of root's."""
    home = tmp_path / "me"
    home.mkdir(mode=0o755)
    os.chown(home, ME, ME)
    return home


def owned(path: Path, uid: int, mode: int | None = None, *, directory: bool = False) -> Path:
    if directory:
        path.mkdir()
    elif not path.is_symlink():
        path.write_text("{}")
    os.chown(path, uid, uid, follow_symlinks=False)
    if mode is not None:
        path.chmod(mode)
    return path


def refusal(path: Path, uid: int) -> str:
    with pytest.raises(ConfigFileError) as caught:
        safepaths.check_trusted(path, uid=uid)
    return caught.value.message


def test_my_own_files_and_roots_are_trusted(base: Path) -> None:
    owned(base / "config.json", ME, 0o600)
    safepaths.check_trusted(base / "config.json", uid=ME)
    safepaths.check_trusted(base / "missing" / "deeper" / "config.json", uid=ME)
    safepaths.check_trusted(Path("/etc/hostname"), uid=ME)  # root's


def test_a_file_of_another_user_is_refused_naming_it(base: Path) -> None:
    path = owned(base / "config.json", OTHER, 0o666)
    message = refusal(path, ME)
    assert message.startswith(f"{path} is owned by user nobody (65534)")
    assert "refusing to keep tokens" in message


def test_a_directory_of_another_user_on_the_path_is_refused(base: Path) -> None:
    theirs = owned(base / "theirs", OTHER, 0o755, directory=True)
    assert f"{theirs} is owned by user nobody" in refusal(theirs / "config.json", ME)


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o757])
def test_a_directory_others_may_write_without_sticky_bit_is_refused(base: Path, mode: int) -> None:
    shared = owned(base / "shared", ME, mode, directory=True)
    os.chown(shared, ME, OTHER)
    assert f"writable by other users (mode {mode:o})" in refusal(shared / "config.json", ME)


def test_a_sticky_directory_is_fine_but_what_others_planted_in_it_is_not(base: Path) -> None:
    sticky = owned(base / "tmp", ROOT, 0o1777, directory=True)
    safepaths.check_trusted(sticky / "config.json", uid=ME)
    owned(sticky / "mine.json", ME)
    safepaths.check_trusted(sticky / "mine.json", uid=ME)
    planted = owned(sticky / "config.json", OTHER, 0o666)
    assert "in a directory others may write to" in refusal(planted, ME)
    assert "in a directory others may write to" in refusal(planted, ROOT)  # root too


def test_a_link_another_user_planted_is_refused_wherever_it_leads(base: Path) -> None:
    sticky = owned(base / "tmp", ROOT, 0o1777, directory=True)
    mine = owned(base / "notes.json", ME, 0o644)
    link = sticky / "config.json"
    link.symlink_to(mine)
    os.chown(link, OTHER, OTHER, follow_symlinks=False)
    assert refusal(link, ME).startswith(f"{link} is owned by user nobody")
    link.unlink()
    link.symlink_to(base / "missing.json")
    os.chown(link, OTHER, OTHER, follow_symlinks=False)
    refusal(link, ME)


def test_root_accepts_a_users_own_files_but_not_a_users_link_to_others_files(base: Path) -> None:
    config = owned(base / "config.json", ME, 0o600)
    safepaths.check_trusted(config, uid=ROOT)  # `sudo ecrlogin` with the user's DOCKER_CONFIG
    link = base / "evil.json"
    link.symlink_to("/etc/hostname")
    os.chown(link, ME, ME, follow_symlinks=False)
    assert "to a file it does not own" in refusal(link, ROOT)


def test_every_missing_directory_is_created_0700_whatever_the_umask(
    tmp_path: Path, umask_zero: None
) -> None:
    safepaths.ensure_private_dir(tmp_path / "user" / ".local" / "state" / "ecrlogin")
    created = [tmp_path / "user", *(tmp_path / "user").rglob("*")]
    assert {str(p.relative_to(tmp_path)): p.stat().st_mode & 0o777 for p in created} == {
        "user": 0o700,
        "user/.local": 0o700,
        "user/.local/state": 0o700,
        "user/.local/state/ecrlogin": 0o700,
    }


def test_root_gives_new_directories_to_the_owner_of_where_they_are_made(base: Path) -> None:
    safepaths.ensure_private_dir(base / ".local" / "state")
    for path in (base / ".local", base / ".local" / "state"):
        assert (path.stat().st_uid, path.stat().st_gid) == (ME, ME)


def test_a_file_in_the_way_of_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigFileError, match="file is not a directory"):
        safepaths.ensure_private_dir(tmp_path / "file" / "sub")


def test_a_folder_one_may_not_look_into_is_a_config_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(self: Path) -> bool:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "is_dir", refused)  # safepaths imports errors only when it fails
    with pytest.raises(ConfigFileError, match="Permission denied"):
        safepaths.ensure_private_dir(tmp_path / "state")
