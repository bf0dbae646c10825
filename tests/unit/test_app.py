"""ecrlogin.cli.app: routing, every option, exit codes, help, JSON end to end, and import costs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_output import RESULT_KEYS  # DESIGN.md's keys, in order: one list for both files

from ecrlogin import registry
from ecrlogin.cli.app import cli, main
from ecrlogin.errors import AwsError
from ecrlogin.flows import allregions, login
from ecrlogin.flows import password as flows_password
from ecrlogin.flows.model import Outcome, Result

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
OTHER = "210987654321.dkr.ecr.us-east-1.amazonaws.com"
MOTO_ACCOUNT = "123456789012"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`ecrlogin ARGS` through `main`, the one exit-code handler."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


class Spy:
    """Stands in for `login.login`: records what the CLI asked for."""

    def __init__(self) -> None:
        self.outcome = Outcome(())
        self.calls: list[tuple[Any, login.Settings, dict[str, Any]]] = []

    def __call__(self, request: Any, settings: login.Settings, **extra: Any) -> Outcome:
        self.calls.append((request, settings, extra))
        return self.outcome

    @property
    def request(self) -> Any:
        return self.calls[-1][0]

    @property
    def settings(self) -> login.Settings:
        return self.calls[-1][1]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    fake = Spy()
    monkeypatch.setattr(login, "login", fake)
    return fake


@pytest.fixture
def discovered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def discover(
        profiles: Any, calls: Any, likely: Any, environ: Any, caller_known: Any, **options: Any
    ) -> allregions.Discovery:
        assert callable(likely)  # the regions of earlier runs, to order client creation
        assert callable(caller_known)  # callers remembered: no GetCallerIdentity
        seen.append({"profiles": tuple(profiles), **options})
        return allregions.Discovery({p: ["eu-west-1"] for p in profiles}, ("a note",))

    monkeypatch.setattr(allregions, "discover", discover)
    return seen


# --- routing -------------------------------------------------------------------------------


def test_alias_routes_to_all_regions(
    spy: Spy, discovered: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "-p", "prod", "all-regions", "-q") == (0, "", "")
    assert discovered[0]["profiles"] == ("prod",)
    assert spy.request.profiles == ("prod",)
    assert spy.calls[0][2]["regions_of"]("prod") == ["eu-west-1"]
    assert spy.calls[0][2]["notes"] == ("a note",)


def test_bare_host_routes_to_login(spy: Spy, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "-q", f"{HOST}/team/app:1")[0] == 0
    assert spy.request.registries == (registry.parse(HOST),)
    assert spy.request.regions == ()


def test_status_routes_to_status(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "status")
    assert (code, out.strip()) == (0, "No ECR registries in the Docker config.")


# --- options -------------------------------------------------------------------------------


def test_login_defaults(spy: Spy, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys)[0] == 0
    request, settings = spy.request, spy.settings
    assert (request.profiles, request.regions, request.accounts) == ((), (), ())
    assert (request.public, request.registries) == (False, ())
    assert settings == login.Settings(
        docker_config=sandbox / "docker",
        state_dir=sandbox / "state",
        to="docker",
        min_ttl=timedelta(hours=1),
        force=False,
        dry_run=False,
    )


def test_every_login_option(spy: Spy, sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(
        capsys,
        "login",
        "-p", "prod", "--profile", "dev",
        "-r", "eu-west-1", "--region", "us-east-1",
        "-a", "210987654321", "--account", "111111111111",
        "--public", "--to", "daemon", "--docker-config", str(sandbox / "elsewhere"),
        "--min-ttl", "30m", "--force", "--dry-run", "-o", "json", "-v", "--debug",
        HOST, f"https://{OTHER}/v2/x",
    )  # fmt: skip
    assert code == 0
    request, settings = spy.request, spy.settings
    assert request.profiles == ("prod", "dev")
    assert request.regions == ("eu-west-1", "us-east-1")
    assert request.accounts == ("210987654321", "111111111111")
    assert request.public is True
    assert request.registries == (registry.parse(HOST), registry.parse(OTHER))
    assert (settings.docker_config, settings.to) == (sandbox / "elsewhere", "daemon")
    assert (settings.min_ttl, settings.force, settings.dry_run) == (
        timedelta(minutes=30),
        True,
        True,
    )


def test_every_all_regions_option(
    spy: Spy, discovered: list[dict[str, Any]], sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "all-regions",
        "-p", "a", "-p", "b", "--include", "eu-*", "--include", "us-*", "--exclude", "*-2",
        "-a", "210987654321", "--public", "--to", "daemon", "--docker-config", str(sandbox),
        "--min-ttl", "2h", "--force", "--dry-run", "--output", "json", "--quiet", "--verbose",
    )  # fmt: skip
    assert (code, json.loads(out)) == (0, {"results": [], "error": None})
    assert discovered == [
        {
            "profiles": ("a", "b"),
            "include": ("eu-*", "us-*"),
            "exclude": ("*-2",),
            "dry_run": True,
        }
    ]
    request, settings = spy.request, spy.settings
    assert (request.profiles, request.accounts, request.public) == (
        ("a", "b"),
        ("210987654321",),
        True,
    )
    assert (settings.docker_config, settings.to, settings.min_ttl) == (
        sandbox,
        "daemon",
        timedelta(hours=2),
    )
    assert settings.force
    assert settings.dry_run


def test_all_regions_has_no_region_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "all-regions", "-r", "eu-west-1")
    assert code == 2
    assert "No such option" in err


def write_config(directory: Path, data: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(data))
    return directory / "config.json"


def test_status_options(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = sandbox / "elsewhere"
    write_config(elsewhere, {"auths": {HOST: {"auth": "QVdTOng="}, "docker.io": {}}})
    code, out, _ = run(capsys, "status", "-o", "json", "--docker-config", str(elsewhere))
    assert code == 0
    assert json.loads(out) == {
        "registries": [
            {
                "registry": HOST,
                "profile": None,
                "identity": None,
                "expires_at": None,
                "expired": None,
                "stored_in": "config.json",
                "profile_changed": None,
                "accepted": None,
            }
        ]
    }
    code, out, _ = run(capsys, "status", "--output", "table", "--docker-config", str(elsewhere))
    assert code == 0
    assert HOST in out


def test_logout_options(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(
        sandbox / "d", {"auths": {HOST: {"auth": "QVdTOng="}, OTHER: {}, "docker.io": {}}}
    )
    code, out, _ = run(capsys, "logout", "--docker-config", str(sandbox / "d"), HOST)
    assert (code, out) == (0, f"{HOST}: logged out (config.json)\n")
    assert set(json.loads(path.read_text())["auths"]) == {OTHER, "docker.io"}
    code, out, _ = run(capsys, "logout", "--all", "-q", "--docker-config", str(sandbox / "d"))
    assert (code, out) == (0, "")
    assert set(json.loads(path.read_text())["auths"]) == {"docker.io"}


def test_logout_named_hosts_only_ecr(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "logout", "docker.io")
    assert code == 2
    assert "not an ECR registry" in err


def test_logout_without_arguments_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "logout")
    assert code == 2
    assert err == "ecrlogin: error: name the registries to log out of, or pass --all, -p or -r\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (None, (), None, False)),
        (["-p", "prod", "-r", "eu-west-1"], ("prod", ("eu-west-1",), None, False)),
        (
            ["--profile", "p", "--region", "us-east-1", "--public"],
            ("p", ("us-east-1",), None, True),
        ),
        (["-p", "p", HOST], ("p", (), HOST, False)),
    ],
)
def test_password_options(
    args: list[str],
    expected: tuple[Any, ...],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen = []

    def password(
        profile: str | None, regions: tuple[str, ...], *, reference: str | None, public: bool
    ) -> str:
        seen.append((profile, regions, reference, public))
        return "the-password"

    monkeypatch.setattr(flows_password, "password", password)
    assert run(capsys, "password", *args) == (0, "the-password\n", "")
    assert seen == [expected]


# --- exit codes ----------------------------------------------------------------------------


def test_exit_1_when_a_registry_failed(spy: Spy, capsys: pytest.CaptureFixture[str]) -> None:
    spy.outcome = Outcome(
        (
            Result("eu-west-1", "prod", "ok", registry.parse(HOST)),
            Result("us-east-1", "prod", "failed", failure=AwsError("us-east-1: throttled")),
        )
    )
    code, _, err = run(capsys, "-q", "-r", "eu-west-1", "-r", "us-east-1")
    assert code == 1
    assert err == "ecrlogin: (own account) us-east-1: throttled\n"


def test_exit_1_for_a_malformed_config(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(sandbox / "docker", {})
    path.write_text("{oops")
    code, out, err = run(capsys, "-r", "eu-west-1")
    assert (code, out) == (1, "")
    assert err.startswith("ecrlogin: error: ")
    assert "not valid JSON" in err
    assert err.count("\n") == 1
    assert path.read_text() == "{oops"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--frobnicate"], "No such option"),
        (["status", "--force"], "No such option"),
        (["docker.io/library/alpine"], "not an ECR registry"),
        ([f"{HOST}.evil.example"], "not an ECR registry"),
        (["--min-ttl", "soon"], "not a duration"),
        (["-r", "mars-1"], "not an AWS region"),
        (["-r", "EU-WEST-1"], "not an AWS region"),
        (["-a", "12345"], "not a 12-digit AWS account ID"),
        (["--to", "nowhere"], "Invalid value"),
        (["-o", "xml"], "Invalid value"),
        (["password", "-r", "nowhere"], "not an AWS region"),
    ],
)
def test_exit_2_for_bad_command_lines(
    args: list[str], message: str, spy: Spy, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert message in err
    assert spy.calls == []  # refused before anything was asked of AWS


@pytest.mark.parametrize("debug", [False, True])
def test_exit_3_for_a_bug(
    debug: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Outcome:
        raise ZeroDivisionError("division by zero in " + "k" * 120)

    monkeypatch.setattr(login, "login", broken)
    code, _, err = run(capsys, "-r", "eu-west-1", *(["--debug"] if debug else []))
    assert code == 3
    first = err.splitlines()[0]
    assert first == "ecrlogin: internal error: ZeroDivisionError: division by zero in [redacted]"
    assert ("Traceback (most recent call last)" in err) is debug
    assert "k" * 120 not in err
    if not debug:
        assert err.splitlines()[1:] == [
            "ecrlogin: run again with --debug for the traceback, and report it"
        ]


def test_exit_130_when_interrupted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Outcome:
        raise KeyboardInterrupt

    monkeypatch.setattr(login, "login", interrupted)
    code, _, err = run(capsys, "-r", "eu-west-1")
    assert code == 130
    assert "ecrlogin: interrupted" in err
    assert "Traceback" not in err


def test_exit_0_and_no_output_when_quiet(spy: Spy, capsys: pytest.CaptureFixture[str]) -> None:
    spy.outcome = Outcome((Result("eu-west-1", "prod", "cached", registry.parse(HOST)),))
    assert run(capsys, "-q", HOST) == (0, "", "")


@pytest.mark.parametrize("command", [[], ["all-regions"], ["password"]])
def test_exit_1_for_a_bad_region_in_the_aws_config(
    command: list[str], sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aws_config = sandbox / "aws" / "config"
    aws_config.parent.mkdir()
    aws_config.write_text("[profile x]\nregion = moon-1\n")
    dry = ["--dry-run"] if command != ["password"] else []
    code, _, err = run(capsys, *command, "-p", "x", *dry)
    assert code == 1
    assert "the region of profile 'x' is 'moon-1'" in err


# --- help and version ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--help"], ["login", "all-regions", "status", "logout", "password", "130 interrupted"]),
        (["-h"], ["Usage: ecrlogin [OPTIONS] COMMAND"]),
        (["login", "--help"], ["--profile", "--region", "--account", "--public", "--to",
                               "--docker-config", "--min-ttl", "--force", "--dry-run",
                               "--output", "--quiet", "--verbose", "--debug",
                               "REGISTRY_OR_IMAGE"]),
        (["all-regions", "--help"], ["--include", "--exclude", "--profile", "--dry-run",
                                     "DescribeRegions"]),
        (["status", "--help"], ["--output", "--docker-config"]),
        (["logout", "--help"], ["--all", "[REGISTRY]..."]),
        (["password", "--help"], ["--profile", "--region", "--public"]),
    ],
)  # fmt: skip
def test_help(args: list[str], expected: list[str]) -> None:
    result = CliRunner().invoke(cli, args, prog_name="ecrlogin")
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output


def test_help_through_main_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-q", "--help")
    assert code == 0
    assert "Usage: ecrlogin login" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"ecrlogin, version {version('ecrlogin')}\n")


# --- end to end against moto ---------------------------------------------------------------


@pytest.fixture
def aws_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTING")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")


@pytest.fixture
def mocked(aws_keys: None) -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


def test_json_output_end_to_end(
    mocked: None, sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "-o", "json", "-r", "eu-west-1", "-r", "us-east-1", "-a", "210987654321"
    )
    assert (code, err) == (0, "")
    results = json.loads(out)["results"]
    assert all(list(r) == RESULT_KEYS for r in results)
    assert [(r["registry"], r["status"]) for r in results] == [
        (f"{MOTO_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com", "ok"),
        (f"{MOTO_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com", "ok"),
        ("210987654321.dkr.ecr.eu-west-1.amazonaws.com", "ok"),
        ("210987654321.dkr.ecr.us-east-1.amazonaws.com", "ok"),
    ]
    first = results[0]
    assert first["account"] == MOTO_ACCOUNT
    assert first["partition"] == "aws"
    assert first["profile"] is None  # keys from the environment
    assert first["identity"] == f"arn:aws:sts::{MOTO_ACCOUNT}:user/moto"
    assert first["expires_at"].endswith("Z")
    assert first["stored_in"] == "config.json"
    assert first["error"] is None
    assert first["fips"] is False
    auths = json.loads((sandbox / "docker" / "config.json").read_text())["auths"]
    assert set(auths) == {r["registry"] for r in results}


def test_debug_output_never_shows_the_password(
    mocked: None, sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--debug", "-v", "-r", "eu-west-1", "--force")
    assert code == 0
    assert "ecrlogin: DEBUG:" in err  # --debug did say more
    assert f"{MOTO_ACCOUNT}-auth-token" not in out + err  # moto's fixed password
    assert "testing-secret" not in out + err


def test_dry_run_json_end_to_end(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text("[profile prod]\n")
    code, out, _ = run(
        capsys, "--dry-run", "-o", "json", "-p", "prod", "-r", "eu-west-1", HOST, "--public"
    )
    assert code == 0
    results = json.loads(out)["results"]
    assert [r["status"] for r in results] == ["planned"] * 3
    assert [r["registry"] for r in results] == [None, HOST, "public.ecr.aws"]
    assert [r["profile"] for r in results] == ["prod"] * 3
    assert all(r["identity"] is None and r["expires_at"] is None for r in results)
    assert not (sandbox / "docker").exists()


def test_all_regions_end_to_end(
    mocked: None, sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "all-regions", "-o", "json", "--include", "eu-west-*", "--exclude", "eu-west-3"
    )
    assert code == 0
    results = json.loads(out)["results"]
    assert [(r["region"], r["status"]) for r in results] == [
        ("eu-west-1", "ok"),
        ("eu-west-2", "ok"),
    ]


def test_unknown_profile_end_to_end(sandbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    aws_config = sandbox / "aws" / "config"
    aws_config.parent.mkdir()
    aws_config.write_text("[profile prod]\nregion = eu-west-1\n")
    code, out, err = run(capsys, "-p", "ghost", "-r", "eu-west-1", "-o", "json")
    assert code == 1
    (result,) = json.loads(out)["results"]
    assert result["status"] == "failed"
    assert "unknown AWS profile 'ghost' (known: prod)" in result["error"]
    assert err.count("\n") == 1


# --- what gets imported --------------------------------------------------------------------

HEAVY = ("boto3", "botocore", "docker", "rich")


def imported(args: list[str], env: dict[str, str] | None = None) -> tuple[set[str], str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ecrlogin", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert names & {"ecrlogin.cli.app", "ecrlogin.answers"}  # the parse found something
    return names, done.stdout


def heavy(names: set[str], which: tuple[str, ...] = HEAVY) -> set[str]:
    return {n for n in names if n.split(".")[0] in which}


def test_help_imports_nothing_heavy() -> None:
    names, out = imported(["--help"])
    assert "Usage: ecrlogin" in out
    assert heavy(names) == set()


@pytest.fixture
def moto_server(aws_keys: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    try:
        yield endpoint
    finally:
        server.stop()


def test_cached_run_imports_neither_aws_nor_docker(moto_server: str, sandbox: Path) -> None:
    import os

    env = dict(os.environ)
    first = subprocess.run(
        [sys.executable, "-m", "ecrlogin", "-r", "eu-west-1", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["results"][0]["status"] == "ok"
    # moto's token expired in 2015: move the expiry ecrlogin recorded into the future
    state_file = sandbox / "state" / "state.json"
    saved = json.loads(state_file.read_text())
    (record,) = saved["records"]
    record["expires_at"] = "2999-01-01T00:00:00+00:00"
    state_file.write_text(json.dumps(saved))

    names, out = imported(["-q", "-r", "eu-west-1", "-o", "json"], env)
    (result,) = json.loads(out)["results"]
    assert result["status"] == "cached"
    assert heavy(names, ("boto3", "botocore", "docker")) == set()

    names, _ = imported(["-r", "eu-west-1", "-o", "json", "--force"], env)
    assert heavy(names, ("boto3", "botocore"))  # the check can see them when they are used


def test_all_regions_checks_accounts_before_any_aws_call(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # a call would fail with exit 1
    code, _, err = run(capsys, "all-regions", "-a", "12345", "-q")
    assert code == 2
    assert "12-digit" in err


# --- the trial from outside (issue 9) ------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["all-regions"]])
def test_an_unknown_aws_profile_from_the_environment_is_exit_1_naming_it(
    mocked: None,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.setenv("AWS_PROFILE", "nope")
    code, _, err = run(capsys, *command, "-q")
    assert code == 1
    assert "unknown AWS profile 'nope' (known: none)" in err
    assert "internal error" not in err


def test_aws_region_is_the_default_region(
    mocked: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    code, out, _ = run(capsys, "-o", "json")
    assert code == 0
    assert json.loads(out)["results"][0]["region"] == "ap-south-1"


@pytest.mark.parametrize(("command", "key"), [([], "results"), (["status"], "registries")])
def test_json_output_is_one_document_even_when_the_run_fails_first(
    sandbox: Path, command: list[str], key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(sandbox / "docker", {}).write_text("{oops")
    code, out, err = run(capsys, *command, "-o", "json", "-r", "eu-west-1")
    assert code == 1
    data = json.loads(out)
    assert data[key] == []
    assert "not valid JSON" in data["error"]
    assert "not valid JSON" in err


def test_an_unwritable_state_directory_after_a_stored_login_is_a_warning(
    mocked: None, sandbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = sandbox / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("ECRLOGIN_STATE_DIR", str(blocker / "state"))
    code, out, err = run(capsys, "-o", "json", "-r", "eu-west-1")
    assert code == 0  # the token is stored and works: a Makefile goes on
    assert json.loads(out)["results"][0]["status"] == "ok"
    assert "the tokens are stored, but the next run cannot skip them" in err


def test_dry_run_of_an_unknown_profile_says_so(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "-p", "prd", "--dry-run", "-q")
    assert code == 1
    assert "unknown AWS profile 'prd'" in err


def test_min_ttl_beyond_a_tokens_life_says_it_always_fetches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "--min-ttl", "13h", "-r", "eu-west-1", "--dry-run")
    assert code == 0
    assert "ECR tokens last 12h: --min-ttl 13h fetches on every run" in err


@pytest.mark.parametrize(
    ("word", "suggestion"), [("statu", "status"), ("all-region", "all-regions")]
)
def test_a_command_word_close_to_a_real_one_gets_did_you_mean(
    word: str, suggestion: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, word)
    assert code == 2
    assert f"did you mean {suggestion!r}" in err


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_the_script(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "completion", shell)
    assert code == 0
    assert "_ECRLOGIN_COMPLETE" in out


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("ecrlogin st", {"status"}),
        ("ecrlogin -p pr", {"prod", "prod-eu"}),
        ("ecrlogin status -r eu-we", {"eu-west-1", "eu-west-2", "eu-west-3"}),
        ("ecrlogin --to da", {"daemon"}),
        ("ecrlogin -r aws", set()),  # not aws-global, aws-cn-global, … (refused as regions)
    ],
)
def test_completion_completes_commands_options_profiles_and_regions(
    sandbox: Path, words: str, expected: set[str]
) -> None:
    import os

    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text("[profile prod]\n[profile prod-eu]\n[profile dev]\n")
    env = {**os.environ, "_ECRLOGIN_COMPLETE": "bash_complete", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - 1)
    done = subprocess.run(
        [sys.executable, "-m", "ecrlogin"], capture_output=True, text=True, env=env, check=False
    )
    offered = {line.split(",", 1)[1] for line in done.stdout.splitlines() if "," in line}
    assert offered == expected, done.stderr


def test_from_a_folder_named_like_a_command_is_scanned(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (sandbox / "logs").mkdir()
    (sandbox / "logs" / "Dockerfile").write_text(f"FROM {HOST}/app:1\n")
    monkeypatch.chdir(sandbox)
    code, out, err = run(capsys, "--from", "logs", "--dry-run", "-o", "json")
    assert (code, err) == (0, "")
    (row,) = json.loads(out)["results"]
    assert (row["registry"], row["status"], row["source"]) == (HOST, "planned", "logs/Dockerfile:1")


@pytest.mark.parametrize("variable", ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
def test_an_unknown_aws_profile_is_exit_1_whatever_the_cache_holds(
    tmp_path: Path, variable: str
) -> None:
    from replaycases import console, full_cli, utc_now, write
    from test_fastpath import cached_case

    env = write(tmp_path, cached_case(env={variable: "nope"}), utc_now())  # its record: cached
    work = tmp_path / "work"
    argv = ["-q", "-r", "eu-west-1"]  # no region lookup: the record alone would say cached
    for answered in (full_cli(argv, env, work), console(argv, env, work)[:3]):
        code, _, err = answered
        assert code == 1
        assert "unknown AWS profile 'nope'" in err


@pytest.mark.parametrize("args", [("-p", ""), ("status", "-p", ""), ("logout", "-p", "")])
def test_an_empty_profile_name_is_refused(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "an empty profile name" in err


@pytest.mark.parametrize(("args", "usage"), [((), "COMMAND"), (("status",), "ecrlogin status")])
def test_help_as_a_word_shows_the_help(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], usage: str
) -> None:
    code, out, _ = run(capsys, "help", *args)
    assert code == 0
    assert out.startswith("Usage: ecrlogin")
    assert usage in out.splitlines()[0]


def test_doctor_refuses_a_host_that_is_not_ecr_with_exit_2(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "doctor", "docker.io/library/alpine:3", "-o", "json")
    assert code == 2
    assert json.loads(out)["steps"] == []
    assert "is not an ECR registry" in err


@pytest.mark.parametrize("command", [["-r", "eu-west-1"], ["all-regions", "-q"]])
def test_no_input_reaches_the_settings(
    spy: Spy,
    discovered: list[dict[str, Any]],
    command: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, *command, "--dry-run")[0] == 0
    assert spy.settings.no_input is False
    assert run(capsys, *command, "--dry-run", "--no-input")[0] == 0
    assert spy.settings.no_input is True


def test_sso_login_takes_a_profile_or_a_session_not_both(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "sso", "login", "-p", "dev", "--sso-session", "corp")
    assert code == 2
    assert "not both" in err


# --- kube-secret and the kubelet's plugin (issue 23) ---------------------------------------


def test_kube_secret_prints_yaml_and_stores_nothing(
    mocked: None, sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    code, out, err = run(capsys, "kube-secret", "ecr-pull", "-n", "a", "-r", "eu-west-1", "-q")
    assert (code, err) == (0, "")
    (secret,) = yaml.safe_load_all(out)
    assert (secret["kind"], secret["metadata"]["namespace"]) == ("Secret", "a")
    assert secret["type"] == "kubernetes.io/dockerconfigjson"
    assert not (sandbox / "docker").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["kube-secret", "ecr-pull", "--context", "x"], "--context goes with --apply"),
        (["kube-secret", "Bad_Name"], "not a valid Secret name"),
        (["kube-secret", "ok", "-n", "Bad"], "not a valid namespace"),
    ],
)
def test_kube_secret_refuses_a_bad_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # a call would fail with exit 1
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert says in err


def test_kubelet_plugin_failure_is_one_line_on_stderr(
    aws_keys: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    request = {
        "apiVersion": "credentialprovider.kubelet.k8s.io/v1",
        "kind": "CredentialProviderRequest",
        "image": f"{OTHER}/app:1",
    }
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(request)))
    code, out, err = run(capsys, "kubelet-credential-provider")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("ecrlogin: error: ")


def test_kubelet_plugin_imports_no_rich(moto_server: str) -> None:
    import os

    text = json.dumps(
        {
            "apiVersion": "credentialprovider.kubelet.k8s.io/v1",
            "kind": "CredentialProviderRequest",
            "image": f"{MOTO_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:1",
        }
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ecrlogin", "kubelet-credential-provider"],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    response = json.loads(done.stdout)
    assert response["auth"][f"{MOTO_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"]["username"] == "AWS"
    loaded = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "botocore" in loaded
    assert heavy(loaded, ("rich", "docker")) == set()
