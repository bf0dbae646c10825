"""flows.recorder: which runs leave an answer for the fast path, and what it rests on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from replaycases import full_cli, utc_now, write
from test_fastpath import cached_case

from ecrlogin import answers
from ecrlogin.flows import recorder

ANSWERS = Path("state") / answers.ANSWERS_NAME


@pytest.mark.parametrize(
    ("credentials", "config", "env", "opaque"),
    [
        ("aws_access_key_id = A\n", "", {}, False),
        (
            "",
            "[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n",
            {},
            False,
        ),
        ("", "[default]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n", {}, False),
        ("", "[default]\ncredential_process = /bin/false\n", {}, True),
        ("aws_access_key_id = A\ncredential_process = x\n", "", {}, False),  # the file's keys first
        ("", "", {}, True),  # the instance role, container credentials
        ("", "", {"AWS_ACCESS_KEY_ID": "AKIA"}, False),
        (
            "",
            "",
            {"AWS_ROLE_ARN": "arn:aws:iam::1:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"},
            False,
        ),
        (
            "",
            "[profile p]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n",
            {"AWS_PROFILE": "p"},
            False,
        ),
    ],
)
def test_opaque_sources(
    sandbox: Path, credentials: str, config: str, env: dict[str, str], opaque: bool
) -> None:
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "credentials").write_text(f"[default]\n{credentials}")
    (sandbox / "aws" / "config").write_text(config)
    environ = {
        "AWS_CONFIG_FILE": str(sandbox / "aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(sandbox / "aws" / "credentials"),
        **env,
    }
    assert recorder.opaque_source(None, environ) is opaque


def test_the_answer_lists_what_the_run_read(tmp_path: Path) -> None:
    env = write(tmp_path, cached_case(), utc_now())
    assert full_cli(["-q"], env, tmp_path / "work")[0] == 0
    (stored,) = json.loads((tmp_path / ANSWERS).read_text())["answers"].values()
    read = {
        Path(p).relative_to(tmp_path).as_posix()
        for p in stored["files"]
        if p.startswith(str(tmp_path))
    }
    assert {"docker/config.json", "state/state.json", "aws/config", "aws/credentials"} <= read
    assert {"work/.ecrlogin.toml", ".ecrlogin.toml"} <= read  # looked for, not there
    assert (stored["stdout"], stored["exit"]) == ("", 0)


def test_a_file_changed_during_the_run_leaves_no_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = write(tmp_path, cached_case(), utc_now())
    offer = recorder.offer

    def offer_then_write(*args: object, **kwargs: object) -> None:
        offer(*args, **kwargs)  # type: ignore[arg-type]
        (tmp_path / "docker" / "config.json").write_text('{"auths": {}}')  # someone else wrote

    monkeypatch.setattr(recorder, "offer", offer_then_write)
    assert full_cli(["-q"], env, tmp_path / "work")[0] == 0
    assert not (tmp_path / ANSWERS).exists()


def test_a_run_that_says_something_on_stderr_leaves_no_answer(tmp_path: Path) -> None:
    env = write(tmp_path, cached_case(), utc_now())
    (tmp_path / "state" / "helper-hosts.json").write_text("{")  # a warning, even with -q
    code, out, err = full_cli(["-q", "-r", "eu-west-1"], env, tmp_path / "work")
    assert (code, out) == (0, "")
    assert "ignoring the helper's hosts" in err
    assert not (tmp_path / ANSWERS).exists()


def test_at_most_so_many_answers_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = write(tmp_path, cached_case(), utc_now())
    monkeypatch.setattr(answers, "MAX_ANSWERS", 2)
    for argv in (["-q"], ["-q", "-r", "eu-west-1"], ["-o", "json"]):
        full_cli(argv, env, tmp_path / "work")
    kept = json.loads((tmp_path / ANSWERS).read_text())["answers"]
    assert [a["stdout"] == "" for a in kept.values()] == [False, True]  # the newest two


def test_stdout_is_kept_only_once_an_answer_is_offered(capsys: pytest.CaptureFixture[str]) -> None:
    recording = recorder.start(["password"])
    print("the-password")  # `ecrlogin password` offers nothing: its stdout is never kept
    recorder.finish(recording, 0)
    assert recording.stdout == []
    assert recording.wrote_early
    assert capsys.readouterr().out == "the-password\n"


def test_the_same_answer_is_not_written_again(tmp_path: Path) -> None:
    env = write(tmp_path, cached_case(), utc_now())
    full_cli(["-q"], env, tmp_path / "work")
    before = (tmp_path / ANSWERS).stat()
    full_cli(["-q"], env, tmp_path / "work")  # ECRLOGIN_NO_FASTPATH=1 again: nothing changed
    assert (tmp_path / ANSWERS).stat().st_ino == before.st_ino
    (tmp_path / "aws" / "config").write_text("[default]\nregion = eu-west-1\n")
    full_cli(["-q"], env, tmp_path / "work")  # another digest: stored anew
    assert (tmp_path / ANSWERS).stat().st_ino != before.st_ino


@pytest.mark.parametrize(
    ("changes", "offered"),
    [({}, True), ({"verify": True}, False), ({"force": True}, False), ({"to": "podman"}, False)],
)
def test_only_a_plain_cached_docker_run_is_offered(
    tmp_path: Path, changes: dict[str, object], offered: bool
) -> None:
    """--verify (or `verify = true`) must ask the registry on every run: never replayed."""
    from dataclasses import replace
    from datetime import timedelta

    from ecrlogin.flows.model import Outcome, Result, Settings

    settings = replace(Settings(tmp_path / "docker", tmp_path / "state"), **changes)
    cached = Result("eu-west-1", None, "cached", expires_at=utc_now() + timedelta(hours=11))
    recording = recorder.start(["-q"], {})
    try:
        environ = {"AWS_ACCESS_KEY_ID": "AKIDNAMED"}  # a named identity, not an opaque source
        recorder.offer(Outcome((cached,)), settings, replayable_output=True, environ=environ)
        assert (recording.valid_until is not None) is offered
    finally:
        recorder.finish(recording, 1)  # exit 1: nothing stored


def test_a_tee_outliving_its_stream_closes_quietly() -> None:
    import io

    inner = io.TextIOWrapper(io.BytesIO())  # as click's test runner captures (StringIO never minds)
    tee = recorder._Tee(inner, lambda text: None)
    tee.write("seen")
    inner.close()
    tee.close()  # what finalising it does: no "I/O operation on closed file"
    assert tee.closed
