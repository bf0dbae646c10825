"""ecrlogin.flows.login: the orchestration, with stubbed AWS clients and a fake daemon."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from awsfakes import ACCOUNT, EXPIRES, NOW, ClientError, NoCalls, StubbedSessions, password_for

from ecrlogin import registry, state
from ecrlogin.aws.calls import AwsCalls
from ecrlogin.aws.errors import SsoSessionError
from ecrlogin.aws.sso import SsoSession
from ecrlogin.cli import output
from ecrlogin.errors import ConfigFileError, DaemonError
from ecrlogin.flows import deliver, login, signin
from ecrlogin.flows.model import Request, Result
from ecrlogin.identity.identity import resolve
from ecrlogin.sinks import dockerconfig

HOST = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"
EU = Request(profiles=("prod",), regions=("eu-west-1",))
PROFILES = ("default", "prod", "dev", "p")


def settings(sandbox: Path, **changes: Any) -> login.Settings:
    return login.Settings(sandbox / "docker", sandbox / "state", **changes)


def run(
    sandbox: Path,
    request: Request = EU,
    sessions: StubbedSessions | None = None,
    *,
    calls: Any = None,
    clock_offset: timedelta = timedelta(),
    environ: Mapping[str, str] | None = None,
    **changes: Any,
) -> login.Outcome:
    own = calls is None
    calls = calls or AwsCalls(session_factory=sessions or StubbedSessions())
    environ = {"AWS_SHARED_CREDENTIALS_FILE": str(static_keys(sandbox)), **(environ or {})}
    try:
        return login.login(
            request,
            settings(sandbox, **changes.pop("settings", {})),
            calls=calls,
            clock=lambda: NOW + clock_offset,
            environ=environ,
            **changes,
        )
    finally:
        if own:
            calls.close()


def static_keys(sandbox: Path) -> Path:
    """A credentials file naming each test profile's key: identities named, not opaque."""
    path = sandbox / "aws" / "credentials"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        sections = [f"[{name}]\naws_access_key_id = AKID{name.upper()}\n" for name in PROFILES]
        path.write_text("".join(sections))
    return path


def config(sandbox: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((sandbox / "docker" / "config.json").read_text())
    return data


def write_config(sandbox: Path, data: object) -> bytes:
    path = sandbox / "docker" / "config.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data))
    return path.read_bytes()


def test_ok_stores_as_docker_login_would(sandbox: Path) -> None:
    (result,) = run(sandbox).results
    assert (result.status, result.registry, result.profile) == ("ok", registry.parse(HOST), "prod")
    assert (result.expires_at, result.stored_in, result.error) == (EXPIRES, "config.json", None)
    auth = config(sandbox)["auths"][HOST]["auth"]
    assert base64.b64decode(auth).decode() == "AWS:" + password_for("prod", "eu-west-1")


def test_dry_run_calls_nothing_and_writes_nothing(sandbox: Path) -> None:
    (sandbox / "home" / ".aws").mkdir()
    (sandbox / "home" / ".aws" / "config").write_text("[profile prod]\nregion = eu-west-1\n")
    request = Request(
        profiles=("prod",), regions=("eu-west-1",), public=True, registries=(registry.parse(HOST),)
    )
    outcome = run(sandbox, request, calls=NoCalls(), settings={"dry_run": True})
    assert [r.status for r in outcome.results] == ["planned"] * 3
    own, named, public = outcome.results
    assert own.registry is None  # own account unknown before any call
    assert named.registry == registry.parse(HOST)
    assert public.registry == registry.public()
    assert all(r.identity is None and r.expires_at is None for r in outcome.results)
    assert not (sandbox / "docker").exists()
    assert not (sandbox / "state").exists()


def test_results_are_json_able(sandbox: Path) -> None:
    outcome = run(sandbox, Request(profiles=("prod",), regions=("eu-west-1",), public=True))
    data = json.loads(json.dumps([output.result_json(r) for r in outcome.results]))
    assert [d["registry"] for d in data] == [HOST, "public.ecr.aws"]
    assert data[0]["expires_at"] == "2030-01-02T00:00:00Z"
    assert data[1]["account"] is None
    assert data[1]["public"] is True


def test_second_run_with_a_valid_token_is_cached_and_calls_nothing(sandbox: Path) -> None:
    first = run(sandbox).results[0]
    (second,) = run(sandbox, calls=NoCalls(), clock_offset=timedelta(hours=1)).results
    assert second.status == "cached"
    assert (second.registry, second.identity, second.expires_at) == (
        first.registry,
        first.identity,
        first.expires_at,
    )
    assert second.stored_in == "config.json"


def test_cached_with_registry_named_on_the_command_line(sandbox: Path) -> None:
    request = Request(profiles=("prod",), registries=(registry.parse(HOST),))
    assert run(sandbox, request).results[0].status == "ok"
    assert run(sandbox, request, calls=NoCalls()).results[0].status == "cached"


@pytest.mark.parametrize(
    ("changes", "offset"),
    [
        ({"force": True}, timedelta()),
        ({"min_ttl": timedelta(hours=13)}, timedelta()),
        ({}, timedelta(hours=11, minutes=30)),  # 30m left < default min-ttl of 1h
        ({"min_ttl": timedelta(0)}, timedelta(hours=13)),  # expired
    ],
)
def test_fetched_again(sandbox: Path, changes: dict[str, Any], offset: timedelta) -> None:
    run(sandbox)
    sessions = StubbedSessions()
    (result,) = run(sandbox, sessions=sessions, clock_offset=offset, settings=changes).results
    assert result.status == "ok"
    assert sessions.count("ecr") == 1


def test_entry_rewritten_by_another_tool_is_fetched_again(sandbox: Path) -> None:
    run(sandbox)
    data = config(sandbox)
    data["auths"][HOST]["auth"] = base64.b64encode(b"AWS:someone-else").decode()
    write_config(sandbox, data)
    sessions = StubbedSessions()
    assert run(sandbox, sessions=sessions).results[0].status == "ok"
    assert sessions.count("ecr") == 1


def test_entry_removed_is_fetched_again(sandbox: Path) -> None:
    run(sandbox)
    write_config(sandbox, {"auths": {}})
    assert run(sandbox).results[0].status == "ok"


def test_one_failing_region_leaves_the_others_stored(sandbox: Path) -> None:
    def ecr(profile: str | None, region: str, service: str) -> Any:
        if region == "us-east-1":
            return ClientError("AccessDeniedException", 403)
        from awsfakes import ecr_answer

        return ecr_answer(profile, region)

    request = Request(profiles=("prod",), regions=("eu-west-1", "us-east-1", "ap-south-1"))
    outcome = run(sandbox, request, StubbedSessions(ecr=ecr))
    assert outcome.failed
    assert [r.status for r in outcome.results] == ["ok", "failed", "ok"]
    failed = outcome.results[1]
    assert "us-east-1: access denied" in (failed.error or "")
    assert "ecr:GetAuthorizationToken" in (failed.error or "")
    assert set(config(sandbox)["auths"]) == {
        HOST,
        f"{ACCOUNT}.dkr.ecr.ap-south-1.amazonaws.com",
    }


class FakeDaemon:
    def __init__(self, reject: bool) -> None:
        self.reject = reject
        self.logins: list[dict[str, Any]] = []

    def login(self, **kwargs: Any) -> dict[str, str]:
        import docker.errors
        import requests

        self.logins.append(kwargs)
        if self.reject:
            response = requests.Response()
            response.status_code = 401
            raise docker.errors.APIError("401 Unauthorized", response, "unauthorized: bad token")
        return {"Status": "Login Succeeded"}


def test_daemon_rejecting_stores_nothing(sandbox: Path) -> None:
    before = write_config(sandbox, {"auths": {"other.example": {"auth": "eA=="}}, "x": 1})
    daemon = FakeDaemon(reject=True)
    (result,) = run(sandbox, settings={"to": "daemon"}, daemon_client=lambda: daemon).results
    assert result.status == "failed"
    assert "rejected the login" in (result.error or "")
    assert password_for("prod", "eu-west-1") not in (result.error or "")
    assert (sandbox / "docker" / "config.json").read_bytes() == before
    assert state.load(sandbox / "state").records == ()


def test_daemon_accepting_then_stores(sandbox: Path) -> None:
    daemon = FakeDaemon(reject=False)
    (result,) = run(sandbox, settings={"to": "daemon"}, daemon_client=lambda: daemon).results
    assert result.status == "ok"
    assert daemon.logins == [
        {
            "username": "AWS",
            "password": password_for("prod", "eu-west-1"),
            "registry": HOST,
            "reauth": True,
        }
    ]
    assert HOST in config(sandbox)["auths"]


def test_daemon_unreachable_fails_every_target(sandbox: Path) -> None:
    def unreachable() -> Any:
        raise DaemonError("Docker daemon unreachable", "point DOCKER_HOST at a running daemon")

    request = Request(profiles=("prod",), regions=("eu-west-1", "us-east-1"))
    outcome = run(sandbox, request, settings={"to": "daemon"}, daemon_client=unreachable)
    assert [r.status for r in outcome.results] == ["failed", "failed"]
    assert all("DOCKER_HOST" in (r.error or "") for r in outcome.results)
    assert not (sandbox / "docker" / "config.json").exists()


def test_ecr_login_cred_helper_needs_nothing(sandbox: Path) -> None:
    before = write_config(sandbox, {"credHelpers": {HOST: "ecr-login"}})
    (result,) = run(sandbox).results
    assert (result.status, result.stored_in, result.expires_at) == (
        "ok",
        "credHelpers:ecr-login",
        None,
    )
    assert result.note == deliver.ECR_LOGIN_NOTE
    assert (sandbox / "docker" / "config.json").read_bytes() == before


@pytest.mark.parametrize("text", ["{not json", "[]", '{"auths": []}', '{"credsStore": 1}'])
def test_malformed_config_is_refused_before_any_call(sandbox: Path, text: str) -> None:
    path = sandbox / "docker" / "config.json"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(ConfigFileError, match="left untouched"):
        run(sandbox, calls=NoCalls())
    assert path.read_text() == text


def test_state_records_identity_expiry_fingerprint_never_the_password(sandbox: Path) -> None:
    run(sandbox)
    text = (sandbox / "state" / "state.json").read_text()
    assert password_for("prod", "eu-west-1") not in text
    assert config(sandbox)["auths"][HOST]["auth"] not in text
    (record,) = state.load(sandbox / "state").records
    assert (record.host, record.source, record.profile) == (HOST, "profile:prod", "prod")
    assert record.identity == f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/prod"
    assert (record.expires_at, record.stored_in) == (EXPIRES, "config.json")
    assert record.entry_print
    assert len(record.entry_print) == 16
    assert state.load(sandbox / "state").accounts == {
        f"profile:prod#{record.identity_print}": ACCOUNT
    }


def test_environment_keys_are_their_own_identity_source(sandbox: Path) -> None:
    environ = {"AWS_ACCESS_KEY_ID": "AKIDENV"}
    (result,) = run(sandbox, Request(regions=("eu-west-1",)), environ=environ).results
    assert (result.status, result.profile) == ("ok", None)
    (record,) = state.load(sandbox / "state").records
    assert record.source.startswith("key:")
    assert "AKIDENV" not in record.source


def test_default_region_from_the_session_and_no_region_at_all(sandbox: Path) -> None:
    (result,) = run(sandbox, Request(profiles=("prod",)), StubbedSessions("ap-south-1")).results
    assert result.region == "ap-south-1"
    (failed,) = run(sandbox, Request(profiles=("prod",)), StubbedSessions(None)).results
    assert failed.status == "failed"
    assert "no region set for profile 'prod'" in (failed.error or "")


def test_bad_region_in_the_settings_fails_that_profile_without_a_call(sandbox: Path) -> None:
    environ = {"AWS_DEFAULT_REGION": "moon-1"}
    (result,) = run(sandbox, Request(profiles=("x",)), calls=NoCalls(), environ=environ).results
    assert result.status == "failed"
    assert "the region of profile 'x' is 'moon-1', which is not an AWS region" in (
        result.error or ""
    )


def test_own_account_named_again_is_one_registry_and_one_call(sandbox: Path) -> None:
    sessions = StubbedSessions()
    request = Request(profiles=("prod",), regions=("eu-west-1",), accounts=(ACCOUNT,))
    outcome = run(sandbox, request, sessions)
    assert [(r.registry and r.registry.host, r.status) for r in outcome.results] == [(HOST, "ok")]
    assert sessions.count("ecr") == 1


def test_regions_to_refresh_are_those_stored_before_and_not_cached(sandbox: Path) -> None:
    settings = login.Settings(sandbox / "docker", sandbox / "state")
    hosts = {r: registry.build(ACCOUNT, r).host for r in ("eu-west-1", "us-east-1")}
    config = {"auths": {h: {"auth": "QVdTOng="} for h in hosts.values()}}
    (sandbox / "docker").mkdir()
    (sandbox / "docker" / "config.json").write_text(json.dumps(config))
    expiry = {"eu-west-1": NOW - timedelta(hours=1), "us-east-1": NOW + timedelta(hours=11)}
    environ = {"AWS_SHARED_CREDENTIALS_FILE": str(static_keys(sandbox))}
    who = resolve("p", environ)
    place = str(sandbox / "docker" / "config.json")
    records = [
        state.Record(host, "profile:p", "p", ACCOUNT, region, None, expiry[region], "config.json",
                     dockerconfig.fingerprint(config, host), who.fingerprint, place)
        for region, host in hosts.items()
    ]  # fmt: skip
    state.remember(settings.state_dir, records, {who.key: ACCOUNT})

    def refresh(settings: login.Settings, profile: str) -> set[str]:
        known = state.load(settings.state_dir)
        refresh = login.regions_to_refresh(
            settings, known=known, environ=environ, clock=lambda: NOW
        )
        return refresh(profile)

    assert refresh(settings, "p") == {"eu-west-1"}
    forced = login.Settings(sandbox / "docker", sandbox / "state", force=True)
    assert refresh(forced, "p") == {"eu-west-1", "us-east-1"}
    assert refresh(settings, "other") == set()


def test_the_caller_is_remembered_per_profile_definition_even_with_force(
    sandbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="ecrlogin")
    (sandbox / "aws").mkdir()
    environ = {"AWS_CONFIG_FILE": str(sandbox / "aws" / "config")}
    sts_calls = []
    for definition in ("region = eu-west-1", "region = eu-west-1", "role_arn = x"):
        (sandbox / "aws" / "config").write_text(f"[profile prod]\n{definition}\n")
        sessions = StubbedSessions()
        (result,) = run(
            sandbox, sessions=sessions, environ=environ, settings={"force": True}
        ).results
        assert (result.status, result.registry) == ("ok", registry.parse(HOST))
        assert result.identity == f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/prod"
        sts_calls.append(sessions.count("sts"))
    assert sts_calls == [1, 0, 1]  # asked, remembered, asked again for another definition
    (said,) = [r.message for r in caplog.records if "no sts:GetCallerIdentity" in r.message]
    assert said.startswith(f"prod: caller {result.identity}, remembered in ecrlogin's state")
    assert state.load(sandbox / "state").records[0].identity == result.identity  # for `status`


@pytest.mark.parametrize(
    ("accepted", "status", "note"),
    [
        (True, "cached", None),
        (False, "ok", login.REFUSED_NOTE),
        (None, "cached", "warning: could not ask the registry (no answer); kept as cached"),
    ],
)
def test_verify_asks_the_registry_before_trusting_a_record(
    sandbox: Path, accepted: bool | None, status: str, note: str | None
) -> None:
    from ecrlogin.flows.verify import Answer

    run(sandbox)
    asked: list[Any] = []

    def ask(hosts: Any, docker_config: Path, environ: Any) -> dict[Any, Answer]:
        asked.extend(hosts)
        return {key: Answer(accepted, "no answer") for key in hosts}

    (result,) = run(sandbox, ask=ask, settings={"verify": True}).results
    assert (result.status, result.note, asked) == (status, note, [(HOST, "docker")])


def test_verify_with_dry_run_plans_a_refused_one_and_calls_nothing(sandbox: Path) -> None:
    from ecrlogin.flows.verify import Answer

    (sandbox / "home" / ".aws").mkdir()
    (sandbox / "home" / ".aws" / "config").write_text("[profile prod]\nregion = eu-west-1\n")
    run(sandbox)
    asked: list[Any] = []

    def ask(hosts: Any, docker_config: Path, environ: Any) -> dict[Any, Answer]:
        asked.extend(hosts)
        return {key: Answer(False) for key in hosts}

    settings = {"verify": True, "dry_run": True}
    (result,) = run(sandbox, calls=NoCalls(), ask=ask, settings=settings).results
    assert (result.status, result.note, len(asked)) == ("planned", login.REFUSED_NOTE, 1)


def sso_expired_until(signed: list[str | None]) -> StubbedSessions:
    """Profile prod fails for want of an SSO session until `signed` holds it."""

    def answer(make: Any) -> Any:
        def call(profile: str | None, region: str, service: str) -> Any:
            if profile not in signed:
                raise SsoSessionError(profile)
            return make(profile, region, service)

        return call

    plain = StubbedSessions()
    return StubbedSessions(ecr=answer(plain.answers["ecr"]), sts=answer(plain.answers["sts"]))


@pytest.mark.parametrize(
    ("settings_changes", "asked", "status"),
    [({}, 1, "ok"), ({"no_input": True}, 0, "failed"), ({"dry_run": True}, 0, "planned")],
)
def test_an_expired_sso_session_is_offered_a_sign_in_then_run_again(
    sandbox: Path, settings_changes: dict[str, Any], asked: int, status: str
) -> None:
    signed: list[str | None] = []
    questions: list[str] = []
    session = SsoSession("corp", "https://corp.example/start", "eu-west-1")
    prompt = signin.Prompt(lambda q: questions.append(q) is None, lambda p: session, signed.append)
    outcome = run(sandbox, EU, sso_expired_until(signed), prompt=prompt, settings=settings_changes)
    assert len(questions) == asked
    assert [r.status for r in outcome.results] == [status]


def opaque_run(sandbox: Path, key_id: str, **changes: Any) -> tuple[Result, StubbedSessions]:
    """`login -p box` where box names no identity (a credential_process): key_id is what the
    process gives this time."""
    (sandbox / "aws").mkdir(exist_ok=True)
    (sandbox / "aws" / "config").write_text("[profile box]\ncredential_process = /bin/false\n")
    sessions = StubbedSessions()
    sessions.key_id = key_id
    environ = {"AWS_CONFIG_FILE": str(sandbox / "aws" / "config")}
    request = Request(profiles=("box",), regions=("eu-west-1",))
    (result,) = run(sandbox, request, sessions, environ=environ, **changes).results
    return result, sessions


@pytest.mark.parametrize(
    ("second_key", "status", "calls"), [("AKIDA", "cached", 0), ("AKIDB", "ok", 1)]
)
def test_an_opaque_source_is_cached_only_while_it_gives_the_same_key(
    sandbox: Path, second_key: str, status: str, calls: int
) -> None:
    assert opaque_run(sandbox, "AKIDA")[0].status == "ok"
    again, sessions = opaque_run(sandbox, second_key, clock_offset=timedelta(hours=1))
    assert (again.status, sessions.count("ecr"), sessions.count("sts")) == (status, calls, calls)
    assert "AKIDA" not in (sandbox / "state" / "state.json").read_text()  # only its digest


@pytest.mark.parametrize(
    "variable",
    ["AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL_ECR",
     "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED"],
)  # fmt: skip
def test_an_identity_variable_set_since_is_another_identity_and_caller(
    sandbox: Path, variable: str
) -> None:
    assert run(sandbox).results[0].status == "ok"
    sessions = StubbedSessions()
    force = {"force": True}
    (again,) = run(sandbox, sessions=sessions, environ={variable: "B"}, settings=force).results
    assert (again.status, sessions.count("sts")) == ("ok", 1)  # B's caller asked, not A's ARN
    assert run(sandbox, calls=NoCalls(), environ={variable: "B"}).results[0].status == "cached"


def test_an_opaque_source_that_gives_no_key_is_never_cached(sandbox: Path) -> None:
    first, _ = opaque_run(sandbox, "")
    again, sessions = opaque_run(sandbox, "", clock_offset=timedelta(hours=1))
    assert (first.status, again.status, sessions.count("ecr")) == ("ok", "ok", 1)
    assert state.load(sandbox / "state").records == ()
