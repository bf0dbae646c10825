"""Text ecrlogin did not write (AWS errors, helper and daemon output, names in config files,
identities read back from the state file) reaches the terminal inert: control characters
escaped visibly, never read as rich markup; odd helper names and loud helpers are refused or
stopped. Every case runs the real ecrlogin against moto through a fault proxy or real helpers.
"""

from __future__ import annotations

import pytest

from .conftest import Moto
from .sandbox import AWS_SECRET, KEY_ID, Run, Sandbox, host
from .servers import FaultProxy, Reply, Rule, json_error

HOST = host(123456789012)
OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
CLEAR = "\x1b[2J"
HOSTILE = OSC_TITLE + OSC_CLIPBOARD + CLEAR


def assert_inert(run: Run) -> None:
    """No raw escape or bell reached the terminal, and no internal error."""
    assert run.returncode in (0, 1), run.stderr
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in run.stdout + run.stderr
    assert "MarkupError" not in run.stderr
    assert "internal error" not in run.stderr


def test_aws_error_messages_are_escaped(box: Sandbox, proxy: FaultProxy) -> None:
    message = f"User is not authorized {HOSTILE}to call GetAuthorizationToken"
    proxy.rules.append(
        Rule("ecr", "GetAuthorizationToken", None, json_error("ServerException", message))
    )
    run = box.run(HOST, env=box.env(proxy.url))
    assert_inert(run)
    assert run.returncode == 1
    assert "\\x1b]0;pwned\\x07\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J" in run.stderr


def test_helper_stderr_and_names_are_escaped(box: Sandbox, moto: Moto) -> None:
    box.helper("loud", f"#!/bin/sh\ncat >/dev/null\nprintf '{CLEAR}cleared\\n' >&2\nexit 1\n")
    odd = host(210987654321)
    box.write_config({"credHelpers": {HOST: "loud", odd: f"x{OSC_TITLE}"}})
    run = box.run(HOST, odd, env=box.env(moto.url))
    assert_inert(run)
    assert "\\x1b[2Jcleared" in run.stderr
    assert "'x\\x1b]0;pwned\\x07' in config.json is not a plain name" in run.stderr


@pytest.mark.parametrize("name", ["x/../evil/helper", "../evil/helper", "evil/helper"])
def test_a_helper_name_with_a_path_is_refused_and_never_run(
    box: Sandbox, moto: Moto, name: str
) -> None:
    workdir = box.root / "work"
    evil = workdir / "docker-credential-x" / ".." / "evil"
    evil.mkdir(parents=True)
    marker = box.root / "evil-ran"
    for script in (evil / "helper", workdir / "docker-credential-evil" / "helper"):
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text(f"#!/bin/sh\ncat > {marker}\n")
        script.chmod(0o755)
    box.write_config({"credsStore": name})
    run = box.run("-o", "json", HOST, env=box.env(moto.url), prefix=("env", "-C", str(workdir)))
    assert run.returncode == 1
    assert not marker.exists()
    (result,) = run.json()["results"]
    assert "is not a plain name" in result["error"]
    assert run.error_lines() == [f"ecrlogin: {HOST}: {result['error']}"]


def caller_identity(arn: str) -> Reply:
    body = (
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AROAEXAMPLE:x</UserId>"
        "<Account>123456789012</Account></GetCallerIdentityResult>"
        "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
    )
    return Reply(200, body.encode(), "text/xml")


@pytest.mark.parametrize("profile", ["[red]x", "[/]", "[bold]"])
def test_profiles_and_identities_are_never_markup(
    box: Sandbox, proxy: FaultProxy, profile: str
) -> None:
    arn = "arn:aws:sts::123456789012:assumed-role/dev/[/]alice"  # XML 1.0 carries no controls
    proxy.rules.append(Rule("sts", "GetCallerIdentity", None, caller_identity(arn)))
    box.write_aws(
        f"[profile {profile}]\nregion = eu-west-1\naws_access_key_id = {KEY_ID}\n"
        f"aws_secret_access_key = {AWS_SECRET}\n"
    )
    env = box.env(proxy.url, keys=False, COLUMNS="200")
    run = box.run("-p", profile, HOST, env=env)
    assert_inert(run)
    assert run.returncode == 0, run.stderr
    assert profile in run.stdout
    assert "assumed-role/dev/[/]alice" in run.stdout
    status = box.run("status", env=env)  # the identity read back from the state file
    assert_inert(status)
    assert "assumed-role/dev/[/]alice" in status.stdout


def test_a_helper_writing_100_mb_is_stopped_and_memory_stays_small(
    box: Sandbox, moto: Moto
) -> None:
    box.helper("flood", "#!/bin/sh\nhead -c 100000000 /dev/zero | tr '\\0' x >&2\nexit 1\n")
    box.write_config({"credsStore": "flood"})
    rss_file = box.root / "rss"
    run = box.run(
        HOST,
        env=box.env(moto.url, ECRLOGIN_HELPER_TIMEOUT="20"),
        prefix=("/usr/bin/time", "-f", "%M", "-o", str(rss_file)),
    )
    assert_inert(run)
    assert run.returncode == 1
    assert "wrote more than 1 MiB on store; stopped it" in run.stderr
    peak_kib = int(rss_file.read_text().split()[-1])
    assert peak_kib < 150 * 1024, peak_kib  # measured: see docs/security.md
    assert run.seconds < 15


def test_state_file_identities_with_controls_do_not_reach_status_raw(box: Sandbox) -> None:
    from datetime import UTC, datetime, timedelta

    from ecrlogin import state
    from ecrlogin.sinks import dockerconfig

    config = {"auths": {HOST: {"auth": "QVdTOng="}}}
    box.write_config(config)
    identity = f"arn:aws:iam::123456789012:user/[/]{OSC_CLIPBOARD}"
    expires = datetime.now(UTC) + timedelta(hours=1)
    record = state.Record(
        HOST,
        "profile:p",
        f"[/]{CLEAR}",
        "123456789012",
        "eu-west-1",
        identity,
        expires,
        "config.json",
        dockerconfig.fingerprint(config, HOST),
        place=str(box.config_path),
    )
    state.remember(box.state_dir, [record], {})
    run = box.run("status", env=box.env(None, COLUMNS="200"))
    assert_inert(run)
    assert run.returncode == 0
    assert "user/[/]\\x1b]52;c;ZXZpbA==\\x07" in run.stdout
    assert "[/]\\x1b[2J" in run.stdout
