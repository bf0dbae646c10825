"""Credential stores that are missing, failing, hanging or odd: the host's own row fails with a
specific hint, the other hosts are stored, nothing falls back to plain text, no secret on stderr."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from .conftest import Moto
from .sandbox import Run, Sandbox, find_secrets, host

HOST = host(123456789012)
PLAIN = host(210987654321)  # no helper for it: goes to config.json
HELPER_TIMEOUT = "2"


def failing(message: str, stream: str = "1") -> str:
    return f"#!/bin/sh\ncat >/dev/null\necho '{message}' >&{stream}\nexit 1\n"


SIZE_LIMITED = f"""#!{sys.executable}
import sys
request = sys.stdin.read()
if sys.argv[1] == "store" and len(request.encode()) > 2560:
    print("The stub received bad data.")
    sys.exit(1)
"""
GARBAGE = "#!/bin/sh\ncat\nhead -c 200000 /dev/urandom\nexit 3\n"  # echoes the secret back, too
HELPERS = {
    "pass not initialised": (
        failing(
            'pass not initialized: exit status 1: Error: password store is empty. Try "pass init".'
        ),
        "pass init",
    ),
    "no D-Bus": (failing("Cannot autolaunch D-Bus without X11 $DISPLAY", "2"), "D-Bus"),
    "locked keychain": (failing("User interaction is not allowed."), "unlock"),
    "locked keyring": (failing("Error: Cannot get secret of a locked object", "2"), "unlock"),
    "secret too large": (SIZE_LIMITED, "2560"),
    "garbage": (GARBAGE, "failed to store"),
    "hangs": ('#!/bin/sh\necho $$ > "$0.pid"\nexec sleep 600\n', f"within {HELPER_TIMEOUT}s"),
}


def login(box: Sandbox, moto: Moto) -> Run:
    env = box.env(moto.url, ECRLOGIN_HELPER_TIMEOUT=HELPER_TIMEOUT)
    return box.run("-o", "json", HOST, PLAIN, env=env, timeout=60)


def assert_failed_safely(box: Sandbox, moto: Moto, run: Run, hint: str) -> None:
    assert run.returncode == 1
    failed = run.results()[HOST]
    assert failed["status"] == "failed"
    assert hint in failed["error"]
    assert HOST not in box.config().get("auths", {})  # no plain-text fallback
    assert find_secrets({"stdout": run.stdout, "stderr": run.stderr}, moto.passwords()) == []


@pytest.mark.parametrize("name", HELPERS)
def test_failing_helper_fails_its_host_only(box: Sandbox, moto: Moto, name: str) -> None:
    script, hint = HELPERS[name]
    helper = box.helper("odd", script)
    box.write_config({"credHelpers": {HOST: "odd"}})
    run = login(box, moto)
    assert_failed_safely(box, moto, run, hint)
    assert run.results()[PLAIN]["status"] == "ok"
    assert box.config()["auths"][PLAIN]["auth"]
    assert run.seconds < 30
    pidfile = helper.with_name(helper.name + ".pid")
    if pidfile.exists():  # the hanging helper was killed, not left behind
        assert not os.path.exists(f"/proc/{pidfile.read_text().strip()}")


def test_missing_helper_stores_nothing_anywhere(box: Sandbox, moto: Moto) -> None:
    box.write_config({"credsStore": "not-installed"})
    run = login(box, moto)
    assert_failed_safely(box, moto, run, "not on PATH")
    assert run.results()[PLAIN]["status"] == "failed"
    assert box.config() == {"credsStore": "not-installed"}


@pytest.mark.skipif(
    shutil.which("docker-credential-pass") is None and os.environ.get("CI") != "true",
    reason="no pass helper (scripts/provision-system installs it; under CI=true this fails)",
)
def test_real_pass_helper_with_uninitialised_store(box: Sandbox, moto: Moto) -> None:
    box.write_config({"credsStore": "pass"})
    run = login(box, moto)
    assert_failed_safely(box, moto, run, "pass init")
    assert "auth" not in str(box.config())
