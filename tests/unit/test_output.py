"""ecrlogin.cli.output: JSON for machines, a table for people, quiet, and errors on stderr."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from ecrlogin import registry
from ecrlogin.cli import output
from ecrlogin.errors import AwsError
from ecrlogin.flows.kubesecret import Applied, Entry, KubeSecret, SecretOutcome
from ecrlogin.flows.logout import Removal
from ecrlogin.flows.model import Outcome, Result
from ecrlogin.flows.status import StatusReport, StatusRow

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
ARN = "arn:aws:sts::123456789012:assumed-role/dev/alice"
OK = Result(
    "eu-west-1",
    "prod",
    "ok",
    registry.parse(HOST),
    ARN,
    NOW + timedelta(hours=11, minutes=58),
    "config.json",
)
FAILED = Result(
    "us-east-1", "prod", "failed", failure=AwsError("us-east-1: access denied (grant it)")
)
RESULT_KEYS = [
    "registry",
    "account",
    "region",
    "partition",
    "fips",
    "dualstack",
    "public",
    "profile",
    "identity",
    "expires_at",
    "stored_in",
    "status",
    "error",
    "source",  # version 2: where a registry found in a project came from
]


def test_result_json_has_exactly_the_design_keys_in_order() -> None:
    data = output.result_json(OK)
    assert list(data) == RESULT_KEYS
    assert data == {
        "registry": HOST,
        "account": "123456789012",
        "region": "eu-west-1",
        "partition": "aws",
        "fips": False,
        "dualstack": False,
        "public": False,
        "profile": "prod",
        "identity": ARN,
        "expires_at": "2030-01-01T23:58:00Z",
        "stored_in": "config.json",
        "status": "ok",
        "error": None,
        "source": None,
    }


def test_result_json_of_public_and_of_unknown_registry() -> None:
    public = output.result_json(Result("us-east-1", None, "planned", registry.public()))
    assert (public["registry"], public["account"], public["region"]) == (
        "public.ecr.aws",
        None,
        "us-east-1",
    )
    assert public["public"] is True
    assert public["expires_at"] is None
    failed = output.result_json(Result("", "ghost", "failed", failure=AwsError("unknown profile")))
    assert list(failed) == RESULT_KEYS
    assert (failed["registry"], failed["region"], failed["error"]) == (
        None,
        None,
        "unknown profile",
    )


def test_status_json_keys() -> None:
    row = StatusRow(HOST, "prod", ARN, NOW, True, "credsStore:pass")
    data = output.status_json(row)
    assert list(data)[:6] == [
        "registry",
        "profile",
        "identity",
        "expires_at",
        "expired",
        "stored_in",
    ]
    assert data["profile_changed"] is None  # a key added by version 2
    assert data["expires_at"] == "2030-01-01T12:00:00Z"
    assert data["expired"] is True


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=11, minutes=58), "in 11h 58m"),
        (timedelta(minutes=5, seconds=30), "in 5m"),
        (timedelta(hours=2, minutes=3), "in 2h 03m"),
        (timedelta(0), "in 0m"),
        (-timedelta(minutes=3), "3m ago"),
        (-timedelta(hours=1, minutes=1), "1h 01m ago"),
    ],
)
def test_relative(delta: timedelta, text: str) -> None:
    assert output.relative(NOW + delta, NOW) == text


def test_relative_and_local_time_of_unknown() -> None:
    assert output.relative(None, NOW) == ""
    assert output.local_time(None, NOW) == "-"


def test_local_time_is_in_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert (
            output.local_time(NOW + timedelta(hours=2), NOW) == "2030-01-01 23:00 JST (in 2h 00m)"
        )
    finally:
        monkeypatch.undo()
        time.tzset()


def test_table_shows_registry_and_expiry(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_login(Outcome((OK,)), fmt="table", quiet=False, now=NOW)
    out, err = capsys.readouterr()
    assert HOST in out
    assert "in 11h 58m" in out
    assert "prod" in out
    assert "config.json" in out
    assert "ok" in out
    assert err == ""


def test_table_lines_end_without_padding(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_login(Outcome((OK, FAILED)), fmt="table", quiet=False, now=NOW)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert [line.rstrip() for line in lines] == lines


def test_unpadded_keeps_closing_colour_codes() -> None:
    assert output._unpadded("ok   \x1b[0m\n") == "ok\x1b[0m\n"


def test_a_run_with_nothing_to_show_prints_no_table(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_login(Outcome((), ("no ECR image found",)), fmt="table", quiet=False, now=NOW)
    assert capsys.readouterr() == ("", "ecrlogin: note: no ECR image found\n")


def test_no_ansi_escapes_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_login(Outcome((OK, FAILED)), fmt="table", quiet=False, now=NOW)
    out, err = capsys.readouterr()
    assert "\x1b[" not in out + err
    assert "failed" in out


@pytest.mark.parametrize(("no_color", "red"), [(True, False), (False, True)])
def test_no_color_on_a_terminal(
    no_color: bool, red: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich: behave as on a terminal
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    output.print_login(Outcome((OK, FAILED)), fmt="table", quiet=False, now=NOW)
    out = capsys.readouterr().out
    assert ("\x1b[31m" in out) is red  # the failed row; bold alone is not colour


def test_json_goes_to_stdout_and_parses(capsys: pytest.CaptureFixture[str]) -> None:
    output.print_login(Outcome((OK, FAILED), ("a note",)), fmt="json", quiet=False, now=NOW)
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert [r["status"] for r in data["results"]] == ["ok", "failed"]
    assert err.splitlines() == [
        "ecrlogin: (own account) us-east-1: access denied (grant it)",
        "ecrlogin: note: a note",
    ]


def test_quiet_prints_nothing_on_success(capsys: pytest.CaptureFixture[str]) -> None:
    noted = Result("eu-west-1", "prod", "ok", registry.parse(HOST), note="ecr-login helper")
    output.print_login(Outcome((OK, noted), ("a note",)), fmt="table", quiet=True, now=NOW)
    assert capsys.readouterr() == ("", "")


def test_failures_go_to_stderr_one_line_each_even_quiet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    other = Result("", "ghost", "failed", failure=AwsError("unknown AWS profile 'ghost'"))
    output.print_login(Outcome((OK, FAILED, other)), fmt="table", quiet=True, now=NOW)
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "ecrlogin: (own account) us-east-1: access denied (grant it)",
        "ecrlogin: profile ghost: unknown AWS profile 'ghost'",
    ]


def test_notes_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    noted = Result("eu-west-1", "prod", "ok", registry.parse(HOST), note="needs nothing")
    output.print_login(Outcome((noted,), ("partition list",)), fmt="table", quiet=False, now=NOW)
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"ecrlogin: note: {HOST}: needs nothing",
        "ecrlogin: note: partition list",
    ]


def test_status_table_and_empty(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [StatusRow(HOST, "prod", ARN, NOW - timedelta(minutes=5), True, "config.json")]
    output.print_status(StatusReport(tuple(rows)), fmt="table", now=NOW)
    out = capsys.readouterr().out
    assert HOST in out
    assert "expired" in out
    assert "5m ago" in out
    output.print_status(StatusReport(()), fmt="table", now=NOW)
    assert "No ECR registries" in capsys.readouterr().out
    output.print_status(StatusReport(tuple(rows)), fmt="json", now=NOW)
    assert json.loads(capsys.readouterr().out)["registries"][0]["registry"] == HOST


def test_print_logout(capsys: pytest.CaptureFixture[str]) -> None:
    removals = [
        Removal(HOST, True, "config.json"),
        Removal("210987654321.dkr.ecr.eu-west-1.amazonaws.com", False),
        Removal("111111111111.dkr.ecr.eu-west-1.amazonaws.com", False, error="helper failed"),
    ]
    output.print_logout(removals, quiet=False)
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{HOST}: logged out (config.json)",
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com: was not logged in",
    ]
    assert err == "ecrlogin: 111111111111.dkr.ecr.eu-west-1.amazonaws.com: helper failed\n"
    output.print_logout(removals, quiet=True)
    assert capsys.readouterr().out == ""


def test_progress_bar_is_off_the_terminal() -> None:
    with output.progress_bar(True) as progress:
        assert progress is None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_appears_only_when_a_token_is_fetched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    cached_run = Terminal()
    monkeypatch.setattr(sys, "stderr", cached_run)
    with output.progress_bar(True) as progress:
        assert progress is not None  # nothing fetched: never called
    assert cached_run.getvalue() == ""
    fetching_run = Terminal()
    monkeypatch.setattr(sys, "stderr", fetching_run)
    with output.progress_bar(True) as progress:
        assert progress is not None
        progress(1, 2)
    assert "fetching tokens" in fetching_run.getvalue()


HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J"


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_outside_text_is_never_markup_nor_raw_escapes(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = Result(
        "eu-west-1",
        "[red]x",
        "ok",
        registry.parse(HOST),
        f"arn:aws:sts::123456789012:assumed-role/dev/[/]{HOSTILE}",
        NOW + timedelta(hours=1),
        f"credsStore:[/]{HOSTILE}",
        note=f"[bold]note{HOSTILE}",
    )
    failed = Result("us-east-1", "[/]", "failed", failure=AwsError(f"AWS said [/] {HOSTILE}"))
    output.print_login(Outcome((odd, failed), (f"[/]{HOSTILE}",)), fmt=fmt, quiet=False, now=NOW)
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err
    assert "\x07" not in out + err
    assert "\\x1b]52;c;ZXZpbA==\\x07" in err
    if fmt == "table":
        assert "[red]x" in out
        assert "assumed-role/dev/[/]\\x1b]0;pwned\\x07" in out
        assert "credsStore:[/]\\x1b]0;pwned" in out
    else:
        assert json.loads(out)["results"][0]["profile"] == "[red]x"


def test_status_and_logout_escape_what_they_read_back(capsys: pytest.CaptureFixture[str]) -> None:
    row = StatusRow(HOST, f"[/]{HOSTILE}", f"arn:aws:iam::1:user/[/]{HOSTILE}", NOW, False, "x")
    output.print_status(StatusReport((row,)), fmt="table", now=NOW)
    output.print_logout([Removal(HOST, True, f"credsStore:{HOSTILE}")], quiet=False)
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "user/[/]\\x1b]0;pwned\\x07" in out
    assert "credsStore:\\x1b]0;pwned" in out


FIPS = "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com"
CACHED = Result(
    "us-east-1",
    "prod",
    "cached",
    registry.parse(FIPS),
    "arn:aws:iam::123456789012:user/bob",
    NOW + timedelta(hours=3),
    "credsStore:desktop",
)


@pytest.mark.parametrize(
    ("columns", "headers"),
    [
        (250, ["Registry", "Profile", "Identity", "Expires", "Stored in", "Status"]),
        (140, ["Registry", "Profile", "Identity", "Expires", "Stored in", "Status"]),
        (120, ["Registry", "Profile", "Expires", "Stored in", "Status"]),
        (100, ["Registry", "Profile", "Expires", "Stored in", "Status"]),
        (80, ["Registry", "Expires", "Status"]),
        (60, ["Registry", "Status"]),
        (30, ["Registry", "Status"]),
    ],
)
def test_narrow_terminals_drop_columns_and_never_break_a_host(
    columns: int,
    headers: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    output.print_login(Outcome((OK, CACHED)), fmt="table", quiet=False, now=NOW)
    lines = capsys.readouterr().out.splitlines()
    assert re.split(r"\s{2,}", lines[0].strip()) == headers
    assert lines[1].startswith(HOST + " ")
    assert lines[2].startswith(FIPS + " ")
    if "Identity" in headers:
        assert "assumed-role/dev/alice" in lines[1]
        assert ARN not in lines[1]
    if columns >= 60:
        assert max(len(line.rstrip()) for line in lines) <= columns


@pytest.mark.parametrize(
    ("arn", "short"),
    [
        (ARN, "assumed-role/dev/alice"),
        ("arn:aws:iam::123456789012:user/bob", "user/bob"),
        ("arn:aws-cn:iam::123456789012:root", "root"),
        ("not an arn", "not an arn"),
        (None, "-"),
    ],
)
def test_short_identity(arn: str | None, short: str) -> None:
    assert output.short_identity(arn) == short


SECRET = KubeSecret(
    "ecr-pull",
    ("team-a", "team-b"),
    (
        Entry(registry.parse(HOST), "pw-" + "k" * 40, datetime(2030, 1, 2, tzinfo=UTC)),
        Entry(registry.public(), "pw-" + "p" * 40, datetime(2030, 1, 1, 18, tzinfo=UTC)),
    ),
)


def test_kube_secret_yaml_is_read_back_by_kubectl_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output.print_kube_secret(SecretOutcome(SECRET, ()), fmt="yaml", quiet=True)
    printed, said = capsys.readouterr()
    assert said == ""
    (tmp_path / "secret.yaml").write_text(printed)
    (tmp_path / "kustomization.yaml").write_text("resources:\n- secret.yaml\n")
    # `kubectl kustomize` parses manifests without a cluster (`create --dry-run=client` needs one)
    kubectl = Path(sys.executable).parent / "kubectl"
    env = {"PATH": os.defpath, "HOME": str(tmp_path), "KUBECONFIG": os.devnull}
    read = subprocess.run(
        [kubectl, "kustomize", tmp_path], capture_output=True, env=env, check=True
    )
    assert list(yaml.safe_load_all(read.stdout)) == SECRET.manifests()
    assert SECRET.manifests()[0]["metadata"]["annotations"] == {
        "ecrlogin/expires-at": "2030-01-01T18:00:00Z"
    }


def test_kube_secret_json_is_a_list_for_several_namespaces(
    capsys: pytest.CaptureFixture[str],
) -> None:
    output.print_kube_secret(SecretOutcome(SECRET, ()), fmt="json", quiet=False)
    printed, said = capsys.readouterr()
    assert json.loads(printed) == {"apiVersion": "v1", "kind": "List", "items": SECRET.manifests()}
    assert "pw-" not in said
    assert said.startswith(f"ecrlogin: note: Secret ecr-pull for {HOST}, public.ecr.aws; valid")


def test_kube_secret_failures_print_no_secret(capsys: pytest.CaptureFixture[str]) -> None:
    failed = Result("eu-west-1", "prod", "failed", registry.parse(HOST), failure=AwsError("denied"))
    output.print_kube_secret(SecretOutcome(None, (failed,)), fmt="json", quiet=True)
    printed, said = capsys.readouterr()
    assert printed == ""
    assert said.splitlines() == [
        f"ecrlogin: {HOST}: denied",
        "ecrlogin: no Secret printed or applied: it would lack a registry",
    ]


def test_kube_secret_applied_says_where(capsys: pytest.CaptureFixture[str]) -> None:
    applied = (Applied("team-a", "secret/ecr-pull configured", True), Applied("b", "no", False))
    output.print_kube_secret(SecretOutcome(SECRET, (), applied=applied), fmt="yaml", quiet=False)
    printed, said = capsys.readouterr()
    assert printed == "team-a: secret/ecr-pull configured\n"
    assert said.splitlines() == ["ecrlogin: b: no", "ecrlogin: applied in: team-a"]
