"""credstore: a real `docker-credential-fake` program on PATH, driven through docker.credentials."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from fakehelper import FakeHelper, install

from ecrlogin.errors import CredentialStoreError
from ecrlogin.sinks import credstore
from ecrlogin.sinks.credstore import CredentialNotFoundError

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
# the shape of a real ECR password: kilobytes of base64
SECRET = base64.b64encode(os.urandom(3000)).decode()


@pytest.fixture
def helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHelper:
    return install(tmp_path / "bin", monkeypatch)


def test_store_get_erase_round_trip(helper: FakeHelper) -> None:
    credstore.store_secret("fake", HOST, SECRET)
    assert helper.secrets() == {HOST: {"Username": "AWS", "Secret": SECRET}}
    credstore.erase_secret("fake", HOST)
    assert helper.secrets() == {}


def test_the_secret_goes_on_stdin_never_on_the_command_line(helper: FakeHelper) -> None:
    credstore.store_secret("fake", HOST, SECRET)
    (call,) = helper.calls()
    assert call["argv"][1:] == ["store"]
    assert Path(call["argv"][0]).name == "docker-credential-fake"
    assert json.loads(call["stdin"]) == {"ServerURL": HOST, "Username": "AWS", "Secret": SECRET}
    assert all(SECRET not in value for value in call["env"].values())


def test_the_helper_runs_without_the_aws_secret_variables(
    helper: FakeHelper, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = {
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
        "AWS_SECURITY_TOKEN": "FwoGZXIvYXdzEXAMPLESECURITYTOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer-example",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_PROFILE", "prod")
    monkeypatch.setenv("PASSWORD_STORE_DIR", "/somewhere")
    credstore.store_secret("fake", HOST, SECRET)
    credstore.erase_secret("fake", HOST)
    calls = helper.calls()
    assert [c["argv"][1] for c in calls] == ["store", "erase"]
    for call in calls:
        assert not set(secrets) & set(call["env"])
        assert not any(v in json.dumps(call["env"]) for v in secrets.values())
        assert call["env"]["AWS_PROFILE"] == "prod"  # everything else is passed on
        assert call["env"]["PASSWORD_STORE_DIR"] == "/somewhere"
    assert os.environ["AWS_SESSION_TOKEN"] == secrets["AWS_SESSION_TOKEN"]  # ours untouched


def test_a_missing_helper_is_an_error_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(CredentialStoreError) as caught:
        credstore.store_secret("nosuchhelper", HOST, SECRET)
    assert "docker-credential-nosuchhelper is not on PATH" in caught.value.message
    assert caught.value.hint is not None
    assert "credsStore/credHelpers" in caught.value.hint


@pytest.mark.parametrize(
    ("message", "hint"),
    [
        ("pass not initialized: exit status 1: Error: password store is empty.", "pass init"),
        ('Error: password store is empty. Try "pass init".', "pass init"),
        ("Cannot autolaunch D-Bus without X11 $DISPLAY", "D-Bus"),
        ("dbus: couldn't determine address of session bus", "D-Bus"),
        (
            "The name org.freedesktop.secrets was not provided by any .service files",
            "secret service",
        ),
        (
            "error storing credentials - err: exit status 1, out: `The keychain is locked.`",
            "unlock",
        ),
        ("User interaction is not allowed.", "unlock"),
    ],
)
@pytest.mark.parametrize("operation", ["store", "erase"])
def test_known_store_failures_get_the_specific_hint(
    helper: FakeHelper, message: str, hint: str, operation: str
) -> None:
    helper.behave(fail=message, exit=1)
    run = {
        "store": lambda: credstore.store_secret("fake", HOST, SECRET),
        "erase": lambda: credstore.erase_secret("fake", HOST),
    }[operation]
    with pytest.raises(CredentialStoreError) as caught:
        run()
    assert caught.value.hint is not None
    assert hint in caught.value.hint
    assert f"failed to {operation} (exit 1)" in caught.value.message
    assert SECRET not in caught.value.one_line()


def test_an_unknown_failure_says_what_the_helper_said(helper: FakeHelper) -> None:
    helper.behave(fail="something odd happened", exit=7)
    with pytest.raises(CredentialStoreError) as caught:
        credstore.store_secret("fake", HOST, "short")
    assert caught.value.message == (
        "credential helper docker-credential-fake failed to store (exit 7): something odd happened"
    )
    assert caught.value.hint is None


def test_a_hanging_helper_is_cut_off_by_the_timeout(helper: FakeHelper) -> None:
    helper.behave(hang=True)
    started = time.monotonic()
    with pytest.raises(CredentialStoreError, match="did not answer within") as caught:
        credstore.helper_store("fake", timeout=0.5).store(HOST, "AWS", SECRET)
    assert time.monotonic() - started < 10
    assert caught.value.hint is not None
    assert "passphrase" in caught.value.hint


def test_ecrlogin_helper_timeout_shortens_the_wait(
    helper: FakeHelper, monkeypatch: pytest.MonkeyPatch
) -> None:
    helper.behave(hang=True)
    monkeypatch.setenv("ECRLOGIN_HELPER_TIMEOUT", "0.5")
    started = time.monotonic()
    with pytest.raises(CredentialStoreError, match="did not answer within"):
        credstore.store_secret("fake", HOST, SECRET)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0.5", 0.5),
        ("3", 3.0),
        ("", credstore.HELPER_TIMEOUT_SECONDS),
        ("soon", credstore.HELPER_TIMEOUT_SECONDS),
        ("0", credstore.HELPER_TIMEOUT_SECONDS),
        ("-1", credstore.HELPER_TIMEOUT_SECONDS),
        ("inf", credstore.HELPER_TIMEOUT_SECONDS),
        ("nan", credstore.HELPER_TIMEOUT_SECONDS),
    ],
)
def test_helper_timeout_takes_only_a_positive_finite_number(value: str, seconds: float) -> None:
    assert credstore.helper_timeout({"ECRLOGIN_HELPER_TIMEOUT": value}) == seconds
    assert credstore.helper_timeout({}) == credstore.HELPER_TIMEOUT_SECONDS


def test_nothing_stored_is_fine_for_erase(helper: FakeHelper) -> None:
    credstore.erase_secret("fake", HOST)  # "credentials not found" is not a failure here
    with pytest.raises(CredentialNotFoundError):
        credstore.helper_store("fake").erase(HOST)


def test_a_store_rejecting_large_secrets_gets_the_wincred_hint(helper: FakeHelper) -> None:
    helper.behave(max_secret=credstore.WINCRED_SECRET_LIMIT)
    credstore.store_secret("fake", "small.example", "x" * 100)  # small secrets still go in
    with pytest.raises(CredentialStoreError) as caught:
        credstore.store_secret("fake", HOST, SECRET)
    assert caught.value.hint is not None
    assert "2560" in caught.value.hint
    assert "Windows Credential Manager" in caught.value.hint
    assert HOST not in helper.secrets()


@pytest.mark.parametrize(
    "behaviour",
    [
        {"fail": "bad data", "echo_stdin": True},
        {"fail": f"rejected {SECRET}"},
        {"fail": json.dumps({"ServerURL": HOST, "Secret": SECRET})},
        {"max_secret": 10},
        {"hang": True},
    ],
)
def test_the_secret_never_appears_in_an_error(
    helper: FakeHelper, behaviour: dict[str, object]
) -> None:
    helper.behave(**behaviour)
    with pytest.raises(CredentialStoreError) as caught:
        credstore.helper_store("fake", timeout=0.5).store(HOST, "AWS", SECRET)
    error = caught.value
    for text in (error.one_line(), str(error), repr(error), repr(error.args)):
        assert SECRET not in text
        assert SECRET[:40] not in text


def test_child_environment_drops_only_the_secret_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "t")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    env = credstore.child_environment()
    assert "AWS_SECRET_ACCESS_KEY" not in env
    assert "AWS_SESSION_TOKEN" not in env
    assert env["AWS_ACCESS_KEY_ID"] == "AKIAEXAMPLE"
    assert env["HOME"] == os.environ["HOME"]


@pytest.mark.parametrize(
    "name", ["x/../evil/helper", "evil/helper", "../helper", "/abs/helper", "a\\b", "..", ".x", ""]
)
def test_a_helper_name_that_is_not_a_plain_name_is_refused(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evil = tmp_path / "docker-credential-x" / ".." / "evil"
    evil.mkdir(parents=True)
    marker = tmp_path / "ran"
    (evil / "helper").write_text(f"#!/bin/sh\ncat > {marker}\n")
    (evil / "helper").chmod(0o755)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CredentialStoreError, match="is not a plain name") as caught:
        credstore.store_secret(name, HOST, SECRET)
    assert caught.value.exit_code == 1
    assert "\n" not in caught.value.one_line()
    assert not marker.exists()


@pytest.mark.parametrize(
    "name", ["pass", "desktop.exe", "ecr-login", "dev-containers-6b5c0f", "gcr"]
)
def test_plain_helper_names_are_accepted(name: str) -> None:
    credstore.check_name(name)


@pytest.mark.parametrize(
    ("name", "platform", "refused"),
    [
        ("wincred", "win32", True),
        ("wincred", "linux", True),
        ("desktop", "win32", True),
        ("desktop.exe", "win32", True),
        ("desktop", "darwin", False),
        ("desktop", "linux", False),
        ("pass", "win32", False),
    ],
)
def test_wincred_limit_is_checked_before_running_the_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, platform: str, refused: bool
) -> None:
    helper = install(tmp_path / "bin", monkeypatch, name=name)
    credstore.store_secret(name, "small.example", "x" * 2560, platform=platform)  # at the limit
    if not refused:
        credstore.store_secret(name, HOST, SECRET, platform=platform)
        assert HOST in helper.secrets()
        return
    with pytest.raises(CredentialStoreError) as caught:
        credstore.store_secret(name, HOST, SECRET, platform=platform)
    assert f"({len(SECRET)} bytes) is larger than the 2560 bytes" in caught.value.message
    assert "--to helper" in (caught.value.hint or "")
    assert [c["stdin"] for c in helper.calls()] == [
        json.dumps({"ServerURL": "small.example", "Username": "AWS", "Secret": "x" * 2560})
    ]


def big_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: str) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    program = bin_dir / "docker-credential-loud"
    program.write_text(f"#!/bin/sh\nhead -c 100000000 /dev/zero | tr '\\0' x >&{stream}\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")


@pytest.mark.parametrize("stream", ["1", "2"])
def test_a_helper_writing_100_mb_is_stopped_after_1_mib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: str
) -> None:
    big_writer(tmp_path, monkeypatch, stream)
    started = time.monotonic()
    with pytest.raises(CredentialStoreError, match="wrote more than 1 MiB on store; stopped it"):
        credstore.store_secret("loud", HOST, SECRET)
    assert time.monotonic() - started < 10


def test_run_bounded_keeps_what_fits_and_still_times_out() -> None:
    done = credstore.run_bounded(
        ["sh", "-c", "cat; echo err >&2"], b"abc", env=os.environ, timeout=5, limit=10
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"abc", b"err\n")
    with pytest.raises(credstore.OutputTooLarge):
        credstore.run_bounded(
            ["sh", "-c", "echo 0123456789a"], None, env=os.environ, timeout=5, limit=10
        )
    with pytest.raises(subprocess.TimeoutExpired):
        credstore.run_bounded(["sleep", "30"], None, env=os.environ, timeout=0.3)


def test_helper_output_reaches_the_message_with_escapes_visible(helper: FakeHelper) -> None:
    helper.behave(fail="\x1b[2J\x1b]0;owned\x07cleared")
    with pytest.raises(CredentialStoreError) as caught:
        credstore.store_secret("fake", HOST, "short")
    assert "\\x1b[2J\\x1b]0;owned\\x07cleared" in caught.value.one_line()
    assert "\x1b" not in caught.value.one_line()


def test_a_wrapped_echo_of_the_secret_is_redacted(helper: FakeHelper) -> None:
    import textwrap

    helper.behave(fail="bad: " + " ".join(textwrap.wrap(SECRET, 76)))
    with pytest.raises(CredentialStoreError) as caught:
        credstore.store_secret("fake", HOST, SECRET)
    line = caught.value.one_line()
    assert not [i for i in range(len(SECRET) - 20) if SECRET[i : i + 20] in line]
