"""files: atomic JSON writes that keep modes and links, strict reads, and a real lock."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ecrlogin import files
from ecrlogin.errors import ConfigFileError


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty directory of our own (the sandbox puts HOME and more in tmp_path)."""
    directory = tmp_path / "work"
    directory.mkdir()
    return directory


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_file_is_0600_in_a_new_0700_directory(tmp_path: Path, umask_zero: None) -> None:
    directory = tmp_path / "new"
    files.ensure_dir(directory)
    files.write_json_atomic(directory / "config.json", {"a": 1})
    assert mode(directory) == 0o700
    assert mode(directory / "config.json") == 0o600
    assert json.loads((directory / "config.json").read_text()) == {"a": 1}


@pytest.mark.parametrize("existing", [0o600, 0o400 | 0o200, 0o700])
def test_an_existing_private_mode_is_kept(tmp_path: Path, existing: int) -> None:
    path = tmp_path / "config.json"
    path.write_text("{}")
    path.chmod(existing)
    files.write_json_atomic(path, {"b": 2})
    assert mode(path) == existing
    assert json.loads(path.read_text()) == {"b": 2}


@pytest.mark.parametrize("existing", [0o644, 0o640, 0o604, 0o660, 0o620, 0o666])
def test_a_mode_that_lets_others_in_becomes_0600_with_a_warning(
    tmp_path: Path, existing: int, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "config.json"
    path.write_text("{}")
    path.chmod(existing)
    with caplog.at_level(logging.WARNING, logger="ecrlogin"):
        files.write_json_atomic(path, {"b": 2})
    assert mode(path) == 0o600
    [warning] = [r.getMessage() for r in caplog.records]
    assert f"{path} was readable or writable by other users (mode {existing:o})" in warning
    assert "made it 600" in warning


def test_the_write_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"old": "x" * 10_000}))
    inode = path.stat().st_ino
    files.write_json_atomic(path, {"new": 1})
    assert path.stat().st_ino != inode  # renamed into place, not rewritten in place
    assert json.loads(path.read_text()) == {"new": 1}


@pytest.mark.parametrize("style", ["absolute", "relative"])
def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path, style: str) -> None:
    real = tmp_path / "dotfiles" / "docker.json"
    real.parent.mkdir()
    real.write_text("{}")
    real.chmod(0o400 | 0o200)
    link = tmp_path / "docker" / "config.json"
    link.parent.mkdir()
    link.symlink_to(real if style == "absolute" else Path("../dotfiles/docker.json"))
    files.write_json_atomic(link, {"auths": {}})
    assert link.is_symlink()
    assert json.loads(real.read_text()) == {"auths": {}}
    assert mode(real) == 0o600
    assert sorted(p.name for p in link.parent.iterdir()) == ["config.json"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["docker.json"]


def test_a_dangling_symlink_gets_its_target_created(tmp_path: Path, umask_zero: None) -> None:
    link = tmp_path / "config.json"
    link.symlink_to("elsewhere.json")
    files.write_json_atomic(link, {"x": 1})
    assert link.is_symlink()
    target = tmp_path / "elsewhere.json"
    assert json.loads(target.read_text()) == {"x": 1}
    assert mode(target) == 0o600


@pytest.mark.parametrize("failure", [OSError(errno.EIO, "I/O error"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    path = workdir / "config.json"
    path.write_bytes(b'{"keep": true}')

    def broken_fsync(fd: int) -> None:
        raise failure

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(ConfigFileError if isinstance(failure, OSError) else KeyboardInterrupt):
        files.write_json_atomic(path, {"keep": False})
    assert path.read_bytes() == b'{"keep": true}'
    assert [p.name for p in workdir.iterdir()] == ["config.json"]


def test_a_write_onto_a_directory_is_refused_and_cleaned_up(workdir: Path) -> None:
    path = workdir / "config.json"
    (path / "inner").mkdir(parents=True)
    with pytest.raises(ConfigFileError, match=str(path)):
        files.write_json_atomic(path, {})
    assert path.is_dir()
    assert sorted(p.name for p in workdir.iterdir()) == ["config.json"]


def test_a_successful_write_leaves_no_temp_file(workdir: Path) -> None:
    for n in range(3):
        files.write_json_atomic(workdir / "config.json", {"n": n})
    assert [p.name for p in workdir.iterdir()] == ["config.json"]


def test_stale_temp_files_of_killed_writers_are_removed(workdir: Path) -> None:
    stale = [workdir / ".config.json.k1l2e3d.tmp", workdir / ".config.json.x.tmp"]
    kept = [workdir / "config.json.bak", workdir / ".config.json.swp", workdir / "config.json123"]
    for path in (*stale, *kept):
        path.write_text('{"auths": {"h": {"auth": "secret"}}}')
    files.write_json_atomic(workdir / "config.json", {})
    assert sorted(p.name for p in workdir.iterdir()) == sorted(
        ["config.json", *(p.name for p in kept)]
    )


def test_a_read_only_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    # root may write any file, so the refusal is checked as an ordinary user (nobody).
    workdir = Path(tempfile.mkdtemp(dir="/tmp")) if os.geteuid() == 0 else tmp_path
    path = workdir / "config.json"
    path.write_bytes(b'{"a": 1}')
    path.chmod(0o400)
    if os.geteuid() == 0:
        os.chown(workdir, NOBODY, NOBODY)
        os.chown(path, NOBODY, NOBODY)
    try:
        assert _as_ordinary_user(lambda: files.write_json_atomic(path, {"a": 2})) == "read-only"
        assert path.read_bytes() == b'{"a": 1}'
        assert path.stat().st_mode & 0o777 == 0o400
    finally:
        if workdir != tmp_path:
            shutil.rmtree(workdir)


NOBODY = 65534


def _as_ordinary_user(write: Callable[[], None]) -> str:
    """Run `write` in a child that is not root; 'read-only' if it was refused as such."""
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports by exit code only
        code = 3
        try:
            if os.geteuid() == 0:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            write()
            code = 0
        except ConfigFileError as error:
            code = 1 if "read-only" in error.message else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    return {0: "written", 1: "read-only", 2: "other error"}.get(
        os.waitstatus_to_exitcode(status), "crash"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"auths": ', "not valid JSON"),
        (b"{'auths': {}}", "not valid JSON"),
        (b"\xff\xfe{}", "not valid JSON"),
        (b"[]", "JSON list, not an object"),
        (b'"text"', "JSON str, not an object"),
        (b"null", "JSON NoneType, not an object"),
        (b"42", "JSON int, not an object"),
    ],
)
def test_a_malformed_file_is_refused_naming_it_and_left_byte_identical(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content)
    with pytest.raises(ConfigFileError) as caught:
        files.read_json_object(path)
    assert str(path) in caught.value.message
    assert problem in caught.value.message
    assert "\n" not in caught.value.one_line()
    assert path.read_bytes() == content


def test_a_directory_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.mkdir()
    with pytest.raises(ConfigFileError, match=f"{path} is a directory"):
        files.read_json_object(path)


@pytest.mark.parametrize("content", [b"", b"   \n\t\n"])
def test_an_empty_file_reads_as_an_empty_object(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content)
    assert files.read_json_object(path) == {}
    assert files.read_json_object(tmp_path / "missing.json") == {}


def _flaky_rename(failures: int) -> tuple[list[str], Callable[[str | Path, Path], None]]:
    calls: list[str] = []

    def rename(source: str | Path, target: Path) -> None:
        calls.append("rename")
        if len(calls) <= failures:
            raise PermissionError(13, "Access is denied")  # a reader holds the target open
        os.replace(source, target)

    return calls, rename


def test_replace_retries_briefly_on_windows_while_the_target_is_held_open(tmp_path: Path) -> None:
    source, target = tmp_path / "new", tmp_path / "config.json"
    source.write_text("new")
    calls, rename = _flaky_rename(failures=3)
    files.replace(source, target, platform="win32", rename=rename, sleep=lambda s: None)
    assert calls == ["rename"] * 4
    assert target.read_text() == "new"


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_replace_does_not_retry_elsewhere(tmp_path: Path, platform: str) -> None:
    _, rename = _flaky_rename(failures=1)
    with pytest.raises(PermissionError):
        files.replace(tmp_path / "a", tmp_path / "b", platform=platform, rename=rename)


def test_replace_on_windows_gives_up_after_its_patience(tmp_path: Path) -> None:
    now = [0.0]
    calls, rename = _flaky_rename(failures=10**6)

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(PermissionError):
        files.replace(
            tmp_path / "a",
            tmp_path / "b",
            platform="win32",
            rename=rename,
            clock=lambda: now[0],
            sleep=sleep,
            patience=2.0,
        )
    assert now[0] <= 2.0
    assert 5 < len(calls) < 30


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


@pytest.mark.parametrize(
    ("make", "problem"), [(_fifo, "a FIFO"), (_dev_zero, "a device")], ids=["fifo", "/dev/zero"]
)
def test_only_regular_files_are_read(
    tmp_path: Path, make: Callable[[Path], None], problem: str
) -> None:
    path = tmp_path / "config.json"
    make(path)
    with pytest.raises(ConfigFileError, match=f"{path} is not a regular file \\({problem}\\)"):
        files.read_json_object(path)


def test_reads_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b'{"a": "' + b"x" * 2000 + b'"}')
    with pytest.raises(ConfigFileError, match="is larger than"):
        files.read_json_object(path, max_bytes=1000)
    assert files.read_json_object(path, max_bytes=3000) == {"a": "x" * 2000}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": ' + b"[" * 65 + b"]" * 65 + b"}", "nested more than 64 levels deep"),
        (b'{"n": ' + b"7" * 5000 + b"}", "Exceeds the limit (4300 digits)"),
        (b'{"n": NaN}', "NaN is not a JSON number"),
        (b'{"n": -Infinity}', "-Infinity is not a JSON number"),
    ],
    ids=["100,000 deep", "65 deep", "5,000 digits", "NaN", "-Infinity"],
)
def test_json_python_would_choke_on_or_docker_cannot_read_is_refused(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content)
    with pytest.raises(ConfigFileError) as caught:
        files.read_json_object(path)
    assert caught.value.one_line().startswith(f"{path} is not valid JSON (")
    assert problem in caught.value.message


def test_nan_is_never_written(workdir: Path) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        files.write_json_atomic(workdir / "config.json", {"n": float("nan")})
    assert list(workdir.iterdir()) == []


@pytest.mark.skipif(
    os.geteuid() != 0 and os.environ.get("CI") != "true", reason="only root can chown"
)
def test_root_keeps_the_owner_of_a_file_and_gives_new_ones_the_directory_owner(
    tmp_path: Path,
) -> None:
    users_dir = tmp_path / "user"
    users_dir.mkdir()
    os.chown(users_dir, NOBODY, NOBODY)
    existing = users_dir / "config.json"
    existing.write_text("{}")
    os.chown(existing, NOBODY, NOBODY)
    files.write_json_atomic(existing, {"a": 1})
    files.write_json_atomic(users_dir / "state.json", {"b": 2})
    files.ensure_dir(users_dir / "new" / "dir")
    for path in (existing, users_dir / "state.json", users_dir / "new", users_dir / "new" / "dir"):
        assert (path.stat().st_uid, path.stat().st_gid) == (NOBODY, NOBODY), path


@pytest.mark.skipif(
    os.geteuid() != 0 and os.environ.get("CI") != "true", reason="only root can chown"
)
def test_a_write_through_a_link_another_user_planted_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    loot = tmp_path / "loot.json"
    loot.write_text("{}")
    link = shared / "config.json"
    link.symlink_to(loot)
    os.chown(link, NOBODY, NOBODY, follow_symlinks=False)
    with pytest.raises(ConfigFileError, match="owned by user nobody"):
        files.write_json_atomic(link, {"auths": {"h": {"auth": "dG9rZW4="}}})
    assert loot.read_text() == "{}"
    assert sorted(p.name for p in shared.iterdir()) == ["config.json"]


@pytest.mark.parametrize(
    ("flags", "hint"), [(1, "read-only file system"), (0, "chmod u+w")]
)  # ST_RDONLY is 1 on Linux and macOS
def test_a_read_only_mount_is_not_told_to_chmod(tmp_path: Path, flags: int, hint: str) -> None:
    from types import SimpleNamespace

    from ecrlogin.files import read_only_hint

    def statvfs(path: Path) -> SimpleNamespace:
        return SimpleNamespace(f_flag=flags)

    assert hint in read_only_hint(tmp_path / "config.json", statvfs)
