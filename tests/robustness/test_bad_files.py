"""Bad Docker config files and directories: a one-line error that names the file, exit 1, and
the file byte-identical afterwards; odd but valid files work and keep every byte of others' data."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from .conftest import Moto
from .sandbox import Sandbox, drop_root_override, host

HOST = host(123456789012)
BAD_FILES = {
    "malformed JSON": b'{"auths": {"x": ',
    "invalid UTF-8": b'{"auths": {}}\xff\xfe',
    "top-level array": b'[{"auths": {}}]',
    "top-level string": b'"auths"',
    "auths not an object": b'{"auths": ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"]}',
    "non-string auth": b'{"auths": {"registry.example.com": {"auth": 12345}}}',
    "entry not an object": b'{"auths": {"registry.example.com": "dXNlcjpwYXNz"}}',
    "credHelpers not strings": b'{"credHelpers": {"registry.example.com": 1}}',
}
COMMANDS = {"login": ["-q", HOST], "logout": [HOST], "status": ["status"]}
UNKNOWN_KEYS = {
    "auths": {
        "registry.example.com": {"auth": "dXNlcjpwYXNz", "email": "x@example.com"},
        "https://index.docker.io/v1/": {"identitytoken": "opaque-refresh-token"},
    },
    "credHelpers": {"gcr.io": "gcloud", "registry.gitlab.com": "pass"},
    "currentContext": "remote",
    "proxies": {"default": {"httpProxy": "http://proxy.example:3128", "noProxy": "*.local"}},
    "psFormat": "table {{.ID}}\\t{{.Names}}",
    "detachKeys": "ctrl-e,e",
    "plugins": {"buildx": {"enabled": "true"}},
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_config_is_refused_and_left_untouched(
    box: Sandbox, moto: Moto, content: bytes, command: str
) -> None:
    box.write_config(content)
    run = box.run(*COMMANDS[command], env=box.env(moto.url))
    assert run.returncode == 1
    assert len(run.error_lines()) == 1, run.stderr
    assert str(box.config_path) in run.stderr
    assert box.config_path.read_bytes() == content
    assert box.debris() == []


@pytest.mark.parametrize("content", [b"", b"  \n"], ids=["0 bytes", "whitespace"])
def test_empty_config_is_an_empty_object(box: Sandbox, moto: Moto, content: bytes) -> None:
    box.write_config(content)
    run = box.run("-q", HOST, env=box.env(moto.url))
    assert run.returncode == 0, run.stderr
    assert list(box.config()["auths"]) == [HOST]


def test_ten_megabyte_config_works_and_keeps_everything(box: Sandbox, moto: Moto) -> None:
    others = {f"registry{n}.example.com": {"auth": "x" * 240} for n in range(40_000)}
    original = {"auths": others, "psFormat": "{{.ID}}"}
    box.write_config(original)
    assert box.config_path.stat().st_size > 10_000_000
    run = box.run("-q", HOST, env=box.env(moto.url))
    assert run.returncode == 0, run.stderr
    after = box.config()
    assert after.pop("auths").pop(HOST)["auth"]
    assert after == {"psFormat": "{{.ID}}"}
    assert box.run("logout", "-q", HOST, env=box.env()).returncode == 0
    assert box.config() == original
    print(f"10 MB config: login {run.seconds:.2f}s")


def test_unknown_keys_survive_login_and_logout_exactly(box: Sandbox, moto: Moto) -> None:
    box.write_config(UNKNOWN_KEYS)
    assert box.run("-q", HOST, env=box.env(moto.url)).returncode == 0
    after_login = box.config()
    assert set(after_login["auths"].pop(HOST)) == {"auth"}
    assert after_login == UNKNOWN_KEYS
    run = box.run("logout", "-q", HOST, env=box.env())
    assert run.returncode == 0, run.stderr
    assert box.config() == UNKNOWN_KEYS


@pytest.mark.parametrize("kind", ["absolute", "relative", "dangling"])
def test_symlinked_config_stays_a_link(box: Sandbox, moto: Moto, kind: str) -> None:
    real = box.root / "dotfiles" / "docker-config.json"
    real.parent.mkdir()
    if kind != "dangling":
        real.write_text(json.dumps({"psFormat": "x"}))
    box.docker_dir.mkdir(mode=0o700)
    box.config_path.symlink_to(real if kind == "absolute" else Path("../dotfiles", real.name))
    run = box.run("-q", HOST, env=box.env(moto.url))
    assert run.returncode == 0, run.stderr
    assert box.config_path.is_symlink()
    data = json.loads(real.read_text())
    assert HOST in data["auths"]
    assert data.get("psFormat") == (None if kind == "dangling" else "x")
    assert [p.name for p in real.parent.iterdir()] == [real.name]


def _read_only_dir(box: Sandbox) -> None:
    box.docker_dir.chmod(0o500)


def _read_only_file(box: Sandbox) -> None:
    box.config_path.chmod(0o400)


def _directory_instead(box: Sandbox) -> None:
    box.config_path.unlink()
    box.config_path.mkdir()


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (_read_only_dir, "Permission denied"),
        (_read_only_file, "read-only"),
        (_directory_instead, "is a directory"),
    ],
    ids=["read-only dir", "read-only file", "directory where the file should be"],
)
def test_unwritable_config_is_a_clear_error(box: Sandbox, moto: Moto, spoil, problem: str) -> None:  # type: ignore[no-untyped-def]
    original = box.write_config({"psFormat": "x"})
    spoil(box)
    run = box.run("-q", HOST, env=box.env(moto.url), prefix=drop_root_override())
    assert run.returncode == 1
    assert len(run.error_lines()) == 1, run.stderr
    assert str(box.config_path) in run.stderr or str(box.docker_dir) in run.stderr
    assert problem in run.stderr
    if box.config_path.is_file():
        assert box.config_path.read_bytes() == original
    box.docker_dir.chmod(0o700)
    assert box.debris() == []


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_and_directories_are_private(box: Sandbox, moto: Moto) -> None:
    run = box.run("-q", HOST, env=box.env(moto.url))
    assert run.returncode == 0, run.stderr
    assert (_mode(box.docker_dir), _mode(box.config_path)) == (0o700, 0o600)
    assert (_mode(box.state_dir), _mode(box.state_path)) == (0o700, 0o600)


def test_a_readable_config_becomes_0600_with_exactly_one_warning(box: Sandbox, moto: Moto) -> None:
    box.write_config({"psFormat": "x"}, mode=0o644)
    run = box.run("-q", HOST, host(210987654321), env=box.env(moto.url))
    assert run.returncode == 0, run.stderr
    assert _mode(box.config_path) == 0o600  # a token never sits in a file others can read
    warnings = [line for line in run.error_lines() if "readable or writable by other" in line]
    assert len(warnings) == 1, run.stderr
    assert "made it 600" in warnings[0]


def test_stale_temp_files_of_killed_writers_are_removed(box: Sandbox, moto: Moto) -> None:
    box.write_config({"psFormat": "x"})
    stale = box.docker_dir / ".config.json.k1ll3d.tmp"
    stale.write_text('{"auths": {"half-written')
    other = box.docker_dir / ".tmp-config.json123"  # the docker CLI's: not ours to remove
    other.write_text("{}")
    assert box.run("-q", HOST, env=box.env(moto.url)).returncode == 0
    assert sorted(p.name for p in box.docker_dir.iterdir()) == [
        ".tmp-config.json123",
        "config.json",
    ]
    assert os.path.exists(other)
