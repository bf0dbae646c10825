"""credstore: a real `docker-credential-fake` program on PATH, driven through docker.credentials."""

from __future__ import annotations

import base64
import json
import os
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
    assert credstore.read_secret("fake", HOST) == SECRET
    credstore.erase_secret("fake", HOST)
    assert helper.secrets() == {}
    assert credstore.read_secret("fake", HOST) is None


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
    credstore.read_secret("fake", HOST)
    credstore.erase_secret("fake", HOST)
    calls = helper.calls()
    assert [c["argv"][1] for c in calls] == ["store", "get", "erase"]
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
@pytest.mark.parametrize("operation", ["store", "erase", "get"])
def test_known_store_failures_get_the_specific_hint(
    helper: FakeHelper, message: str, hint: str, operation: str
) -> None:
    helper.behave(fail=message, exit=1)
    run = {
        "store": lambda: credstore.store_secret("fake", HOST, SECRET),
        "erase": lambda: credstore.erase_secret("fake", HOST),
        "get": lambda: credstore.read_secret("fake", HOST),
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


def test_garbage_from_get_is_an_error(helper: FakeHelper) -> None:
    helper.put(HOST, SECRET)
    helper.behave(garbage=True)
    with pytest.raises(CredentialStoreError, match="not a credential"):
        credstore.read_secret("fake", HOST)


def test_nothing_stored_is_none_for_get_and_fine_for_erase(helper: FakeHelper) -> None:
    assert credstore.read_secret("fake", HOST) is None
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
