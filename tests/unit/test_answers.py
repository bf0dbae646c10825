"""ecrlogin.answers: a stored answer is replayed only while every input of it is as it was.

Each input is changed alone after an answer was stored; each change is a miss, and the full CLI
then answers (as `ECRLOGIN_NO_FASTPATH=1 ecrlogin` does)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from replaycases import ACCOUNT, console, full_cli, utc_now, write
from test_fastpath import cached_case

from ecrlogin import answers, fastpath

HOST = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"
PROJECT = f'registries = ["{HOST}/app:1"]\nfrom = ["Dockerfile"]\n'
ARGV = ["-o", "json", "--from", "extra.yaml"]
VARIABLES = [
    *("AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE"),
    *("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
    *("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_DISABLED"),
    *("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"),
    *("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ACCESS_KEY_ID"),
    *("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"),
    *("DOCKER_CONFIG", "DOCKER_HOST", "ECRLOGIN_STATE_DIR", "ECRLOGIN_ANYTHING"),
    *("XDG_STATE_HOME", "XDG_RUNTIME_DIR", "HOME", "NO_COLOR", "COLUMNS", "TERM", "PATH"),
]


@pytest.fixture
def stored(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A cached run in a project (its file, a `from` Dockerfile, a --from file) answered once."""
    env = write(tmp_path, cached_case(project=PROJECT), utc_now())
    (tmp_path / "Dockerfile").write_text(f"FROM {HOST}/base:1\n")
    (tmp_path / "work" / "extra.yaml").write_text(f"image: {HOST}/tool:2\n")
    (tmp_path / "state" / "helper-hosts.json").write_text('{"version": 1, "hosts": {}}')
    first = full_cli(ARGV, env, tmp_path / "work")
    assert first[0] == 0
    assert json.loads(first[1])["results"][0]["status"] == "cached"
    assert console(ARGV, env, tmp_path / "work")[3] is True
    return env, tmp_path


def missed_then_answered(argv: list[str], env: dict[str, str], cwd: Path) -> None:
    *answered, replayed = console(argv, env, cwd)
    assert replayed is False
    assert tuple(answered) == full_cli(argv, env, cwd)


@pytest.mark.parametrize("name", VARIABLES)
def test_each_variable(stored: tuple[dict[str, str], Path], name: str) -> None:
    env, root = stored
    missed_then_answered(ARGV, {**env, name: env.get(name, "") + "x"}, root / "work")


@pytest.mark.parametrize(
    "name",
    [
        "docker/config.json",
        "state/state.json",
        "state/helper-hosts.json",
        "aws/config",
        "aws/credentials",
        ".ecrlogin.toml",
        "Dockerfile",
        "work/extra.yaml",
    ],
)
def test_each_file_same_size_same_mtime(stored: tuple[dict[str, str], Path], name: str) -> None:
    env, root = stored
    path = root / name
    before = path.stat()
    text = path.read_bytes()
    path.write_bytes(text.replace(b"1", b"2", 1) if b"1" in text else text[::-1])  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # only ctime tells
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    missed_then_answered(ARGV, env, root / "work")


def test_a_file_that_appears_or_goes(stored: tuple[dict[str, str], Path]) -> None:
    env, root = stored
    (root / "work" / ".ecrlogin.toml").write_text("")  # nearer than the project's own
    missed_then_answered(ARGV, env, root / "work")
    full_cli(ARGV, env, root / "work")  # stored again
    (root / "state" / "helper-hosts.json").unlink()
    missed_then_answered(ARGV, env, root / "work")


def test_a_file_that_appears_in_a_scanned_folder(stored: tuple[dict[str, str], Path]) -> None:
    env, root = stored
    (root / "work" / "deploy").mkdir()
    argv = ["-q", "--from", "deploy"]
    full_cli(argv, env, root / "work")
    assert console(argv, env, root / "work")[3] is True
    (root / "work" / "deploy" / "app.yaml").write_text(f"image: {HOST}/app:3\n")
    missed_then_answered(argv, env, root / "work")


@pytest.mark.parametrize("argv", [[*ARGV, "-q"], ARGV[::-1], ["-o", "json", "--from=extra.yaml"]])
def test_the_command_line(stored: tuple[dict[str, str], Path], argv: list[str]) -> None:
    env, root = stored
    missed_then_answered(argv, env, root / "work")


def test_the_folder(stored: tuple[dict[str, str], Path]) -> None:
    env, root = stored
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "extra.yaml").write_text(f"image: {HOST}/tool:2\n")
    missed_then_answered(ARGV, env, root / "elsewhere")


def test_the_clock(stored: tuple[dict[str, str], Path]) -> None:
    env, root = stored
    kept = json.loads((root / "state" / answers.ANSWERS_NAME).read_text())["answers"]
    (until,) = [answer["valid_until"] for answer in kept.values()]
    assert until - time.time() == pytest.approx(10 * 3600, abs=60)  # 11 h left, --min-ttl 1h
    work = str(root / "work")
    assert fastpath.answer(ARGV, env, cwd=work, now=until - 1) is not None
    assert fastpath.answer(ARGV, env, cwd=work, now=until) is None


@pytest.mark.parametrize(("mode", "trusted"), [(0o700, True), (0o1777, True), (0o777, False)])
def test_answers_in_a_folder_others_may_write_to_are_not_read(
    stored: tuple[dict[str, str], Path], mode: int, trusted: bool
) -> None:
    env, root = stored
    (root / "state").chmod(mode)  # as safepaths.check_trusted: a sticky folder is like /tmp
    path = root / "state" / answers.ANSWERS_NAME
    kept = json.loads(path.read_text())
    key = answers.key(ARGV, env, str(root / "work"))  # as whoever could write there would do
    kept["answers"][key]["digest"] = answers.digest(key, kept["answers"][key]["files"])
    path.write_text(json.dumps(kept))
    replayed = fastpath.answer(ARGV, env, cwd=str(root / "work"), now=time.time())
    assert (replayed is not None) is trusted


@pytest.mark.parametrize("text", ["", "[]", '{"version": 1, "answers": []}', "{", "x" * 2_000_000])
def test_an_odd_answers_file_is_a_miss(stored: tuple[dict[str, str], Path], text: str) -> None:
    env, root = stored
    (root / "state" / answers.ANSWERS_NAME).write_text(text)
    missed_then_answered(ARGV, env, root / "work")


def test_secrets_are_kept_only_as_a_digest() -> None:
    chosen = dict(
        answers.environment({"AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_SESSION_TOKEN": "t"})
    )
    assert "s3cr3t" not in json.dumps(chosen)
    assert chosen["AWS_SECRET_ACCESS_KEY"].startswith("sha256:")
    assert answers.environment({"ECRLOGIN_NO_FASTPATH": "1", "SHELL": "sh"}) == []


def test_imports_only_light_modules() -> None:
    code = "import sys, ecrlogin.fastpath, ecrlogin.answers; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    heavy = {"dataclasses", "logging", "typing", "pathlib", "click", "re", "json", "hashlib"}
    assert loaded.isdisjoint(heavy | {"inspect", "platformdirs", "enum", "datetime"})
