"""Generated AWS files, Docker configs, states, projects, environments and command lines, for
comparing `ecrlogin` (the fast path's replay first) with `ECRLOGIN_NO_FASTPATH=1 ecrlogin`.

The records are written with the full CLI's own modules (state, identity, dockerconfig), so
that most generated runs are cached and their answers are stored and replayed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

from hypothesis import strategies as st

from ecrlogin import fastpath, freshness, registry, state
from ecrlogin.cli.app import main
from ecrlogin.identity.identity import resolve
from ecrlogin.sinks import dockerconfig

ACCOUNT = "123456789012"
OTHER = "210987654321"
THIRD = "333333333333"
REGIONS = ("eu-west-1", "us-east-1", "cn-north-1")
PROFILES = ("prod", "dev")
# never near the --min-ttl edges (1h, 30m, 2h), so the two runs' clocks cannot disagree
LIVES = (timedelta(hours=-1), timedelta(minutes=45), timedelta(hours=3), timedelta(hours=11))
SHOWN_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # the clock a table is drawn with


@dataclass(frozen=True)
class Case:
    region_of: dict[str, str | None]  # profile ("" for default) -> its configured region
    account_of: dict[str, str]  # profile ("" for default) -> its own account
    role_account: dict[str, str | None]
    credentials: str  # the credentials file's [default]: keys, a process, or nothing (opaque)
    env: dict[str, str]
    state_at: str  # ECRLOGIN_STATE_DIR, XDG_STATE_HOME or the default under HOME
    entries: dict[tuple[str | None, str], tuple[timedelta, bool, bool]]  # life, tampered, stale
    regions_fresh: bool
    creds_store: bool
    project: str | None  # the text of .ecrlogin.toml above the folder the run starts in
    helper_records: bool  # `--to helper -p dev` recorded the own eu-west-1 host
    modes: tuple[int, int, int]  # config.json, the state folder, the AWS config file


rarely = st.sampled_from([False, False, False, False, True])  # most cases should be cached
seldom = st.sampled_from([False] * 11 + [True])
CREDENTIALS = (
    *["aws_access_key_id = AKIA0\naws_secret_access_key = s\n"] * 4,
    "credential_process = /bin/false\n",
    "",
)
ENVIRONMENTS = (
    {},
    {},
    {},
    {"AWS_PROFILE": "prod"},
    {"AWS_PROFILE": "nope"},
    {"AWS_REGION": "us-east-1"},
    {"AWS_ACCESS_KEY_ID": "AKIAFROMTHEENV", "AWS_SECRET_ACCESS_KEY": "s"},
    {"AWS_DEFAULT_PROFILE": "dev", "AWS_REGION": "eu-west-1"},
    {"AWS_PROFILE": "dev", "AWS_ACCESS_KEY_ID": "AKIAFROMTHEENV", "AWS_SECRET_ACCESS_KEY": "s"},
    {"NO_COLOR": "1", "COLUMNS": "60"},
)
PROJECTS = (
    *[None] * 8,  # most runs are not in a project
    f'registries = ["{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:1"]\n',
    f'registries = ["https://{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"]\nmin_ttl = "2h"\n',
    'min_ttl = "30m"\nto = "docker"\n',
    'min_ttl = "nope"\n',
    'registries = ["docker.io/library/alpine"]\n',
    'from = ["Dockerfile"]\n',
    f'from = ["Dockerfile"]\n[profiles]\n"{OTHER}" = "prod"\n',
    f'[profiles]\n"{ACCOUNT}" = "prod"\n',
)
files = st.builds(
    Case,
    region_of=st.fixed_dictionaries(
        {p: st.sampled_from([None, *REGIONS * 2]) for p in ("", *PROFILES)}
    ),
    account_of=st.fixed_dictionaries(  # a record per host: distinct accounts, mostly
        {
            "": st.just(ACCOUNT),
            "prod": st.sampled_from([OTHER, OTHER, ACCOUNT]),
            "dev": st.just(THIRD),
        }
    ),
    role_account=st.fixed_dictionaries({p: st.sampled_from([None, ACCOUNT]) for p in PROFILES}),
    credentials=st.sampled_from(CREDENTIALS),
    env=st.sampled_from(ENVIRONMENTS),
    state_at=st.sampled_from(["ECRLOGIN_STATE_DIR", "ECRLOGIN_STATE_DIR", "XDG_STATE_HOME", ""]),
    entries=st.fixed_dictionaries(  # a record for every (profile, region), most still valid
        {
            (profile, region): st.tuples(st.sampled_from(LIVES[2:] * 8 + LIVES), seldom, seldom)
            for profile in (None, *PROFILES)
            for region in REGIONS
        }
    ),
    regions_fresh=st.sampled_from([True, True, True, False]),
    creds_store=rarely,
    project=st.sampled_from(PROJECTS),
    helper_records=rarely,
    modes=st.tuples(
        st.sampled_from([0o600, 0o600, 0o644]),
        st.sampled_from([0o700, 0o700, 0o755, 0o777]),
        st.sampled_from([0o600, 0o644, 0o666]),
    ),
)


def flat(groups: list[list[str]]) -> list[str]:
    return [word for group in groups for word in group]


HOSTS = [f"{a}.dkr.ecr.{r}.amazonaws.com/app:1" for a in (ACCOUNT, OTHER) for r in REGIONS[:2]]
argvs = st.one_of(
    st.tuples(
        st.sampled_from(
            [["-q"], ["-o", "json"], ["-q", "-o", "json"], [], ["-q", "--no-project"], ["-qv"]]
        ),
        st.lists(st.sampled_from([["-r", r] for r in REGIONS]), max_size=2),
        st.lists(st.sampled_from([["-p", p] for p in PROFILES]), max_size=1),
        st.sampled_from([[]] * 4 + [["--min-ttl", "30m"], ["--min-ttl=2h"], ["--min-ttl", "13h"]]),
        st.sampled_from([[], [], [], [], ["--force"], ["--dry-run"], ["--from", "Dockerfile"]]),
        st.lists(st.sampled_from(HOSTS), max_size=1),
    ).map(lambda p: [*p[0], *flat(p[1]), *flat(p[2]), *p[3], *p[4], *p[5]]),
    st.tuples(
        st.sampled_from([["all-regions", "-q"], ["-o", "json", "all-regions"]]),
        st.lists(st.sampled_from([["-p", p] for p in PROFILES]), max_size=2),
        st.sampled_from(
            [[]] * 3 + [["--exclude", "us-*"], ["--include", "eu-*"], ["--include", "x"]]
        ),
    ).map(lambda parts: [*parts[0], *flat(parts[1]), *parts[2]]),
)


# Mostly cached runs: what a replay must repeat exactly (several accounts, state folders, modes).
cached_files = st.builds(
    Case,
    region_of=st.fixed_dictionaries({p: st.sampled_from(REGIONS) for p in ("", *PROFILES)}),
    account_of=st.fixed_dictionaries(  # a record per host: distinct accounts, mostly
        {
            "": st.just(ACCOUNT),
            "prod": st.sampled_from([OTHER, OTHER, ACCOUNT]),
            "dev": st.just(THIRD),
        }
    ),
    role_account=st.fixed_dictionaries({p: st.sampled_from([None, ACCOUNT]) for p in PROFILES}),
    credentials=st.just(CREDENTIALS[0]),
    env=st.sampled_from([e for e in ENVIRONMENTS if e.get("AWS_PROFILE") != "nope"]),
    state_at=st.sampled_from(["ECRLOGIN_STATE_DIR", "XDG_STATE_HOME", ""]),
    entries=st.fixed_dictionaries(
        {
            (profile, region): st.tuples(st.sampled_from(LIVES[2:]), st.just(False), seldom)
            for profile in (None, *PROFILES)
            for region in REGIONS
        }
    ),
    regions_fresh=st.just(True),
    creds_store=rarely,
    project=st.sampled_from([None, None, *PROJECTS[8:11], PROJECTS[13], PROJECTS[14]]),
    helper_records=rarely,
    modes=st.tuples(
        st.sampled_from([0o600, 0o644]),
        st.sampled_from([0o700, 0o755, 0o1777]),
        st.sampled_from([0o600, 0o644]),
    ),
)
cached_argvs = st.one_of(
    st.tuples(
        st.sampled_from([["-q"], ["-o", "json"], ["-q", "-o", "json"], ["-q", "--no-project"]]),
        st.lists(st.sampled_from([["-r", r] for r in REGIONS]), max_size=2),
        st.lists(st.sampled_from([["-p", p] for p in PROFILES]), max_size=2),
        st.sampled_from([[], ["--min-ttl", "30m"], ["--min-ttl=2h"], ["--from", "Dockerfile"]]),
        st.lists(st.sampled_from(HOSTS), max_size=2),
    ).map(lambda p: [*p[0], *flat(p[1]), *flat(p[2]), *p[3], *p[4]]),
    st.tuples(
        st.sampled_from([["all-regions", "-q"], ["-o", "json", "all-regions"]]),
        st.lists(st.sampled_from([["-p", p] for p in PROFILES]), max_size=2),
        st.sampled_from([[], ["--exclude", "us-*"], ["--include", "eu-*"]]),
    ).map(lambda parts: [*parts[0], *flat(parts[1]), *parts[2]]),
)


def environment(root: Path, case: Case) -> dict[str, str]:
    env = {
        "HOME": str(root / "home"),
        "DOCKER_CONFIG": str(root / "docker"),
        "AWS_CONFIG_FILE": str(root / "aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(root / "aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # a closed port: a wrong answer fails fast
        **case.env,
    }
    if case.state_at:
        env[case.state_at] = str(root / ("state" if case.state_at[0] == "E" else "xdg"))
    return env


def write(root: Path, case: Case, now: datetime) -> dict[str, str]:
    """The files of `case` under `root`; returns the environment that points at them."""
    env = environment(root, case)
    (root / "aws").mkdir(parents=True)
    (root / "home").mkdir(exist_ok=True)
    config = "".join(
        f"[{'default' if p is None else 'profile ' + p}]\n"
        + (f"region = {case.region_of.get(p or '')}\n" if case.region_of.get(p or "") else "")
        + (
            f"role_arn = arn:aws:iam::{case.role_account[p]}:role/x\nsource_profile = default\n"
            if p and case.role_account[p]
            else ""
        )
        for p in (None, *PROFILES)
    )
    (root / "aws" / "config").write_text(config)
    named = "".join(
        f"[{p}]\naws_access_key_id = AKIA{p.upper()}\naws_secret_access_key = s\n" for p in PROFILES
    )
    (root / "aws" / "credentials").write_text(f"[default]\n{case.credentials}{named}")
    docker: dict[str, object] = {
        "auths": {},
        **({"credsStore": "pass"} if case.creds_store else {}),
    }
    records, accounts, lists = [], {}, {}
    place = str(root / "docker" / "config.json")
    with mock.patch.dict(os.environ, env, clear=True):
        state_dir = state.state_dir()
    for (profile, region), (life, tampered, stale) in case.entries.items():
        identity = resolve(profile, env)
        own = case.account_of[profile or ""]
        key = identity.key
        accounts[key] = own
        lists[key] = freshness.region_list_entry(
            list(REGIONS), now - (timedelta() if case.regions_fresh else timedelta(hours=25))
        )
        others = (OTHER,) if profile is None and own != OTHER else ()  # named hosts too
        for account in (own, *others):
            host = registry.build(account, region).host
            docker["auths"][host] = {"auth": dockerconfig.encode_auth("secret")}  # type: ignore[index]
            printed = dockerconfig.fingerprint(docker, host)
            if tampered:
                docker["auths"][host] = {"auth": dockerconfig.encode_auth("other")}  # type: ignore[index]
            records.append(
                state.Record(
                    host,
                    identity.source,
                    identity.shown,
                    account,
                    region,
                    "arn:aws:iam::1:user/a",
                    now + life,
                    "config.json",
                    printed,
                    "old" if stale else identity.fingerprint,
                    place,
                )
            )
    (root / "work").mkdir()
    (root / "work" / "Dockerfile").write_text(f"FROM {HOSTS[0]}\nFROM {HOSTS[3]}\n")
    if case.project is not None:
        (root / ".ecrlogin.toml").write_text(case.project)
        (root / "Dockerfile").write_text(f"FROM {HOSTS[0]}\n")
    (root / "docker").mkdir()
    (root / "docker" / "config.json").write_text(json.dumps(docker))
    # one record per host and place (the first profile's), as ecrlogin's state keeps them
    records = list({(r.host, r.place): r for r in reversed(records)}.values())
    state.remember(state_dir, records, accounts)
    state.remember_regions(state_dir, lists)
    if case.helper_records:
        recorded = {
            "version": 1,
            "hosts": {registry.build(ACCOUNT, "eu-west-1").host: {"profile": "dev"}},
        }
        (state_dir / "helper-hosts.json").write_text(json.dumps(recorded))
    (root / "docker" / "config.json").chmod(case.modes[0])
    state_dir.chmod(case.modes[1])
    (root / "aws" / "config").chmod(case.modes[2])
    return env


def utc_now() -> datetime:
    return datetime.now(UTC)


def full_cli(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """`ECRLOGIN_NO_FASTPATH=1 ecrlogin ARGV`, in this process (a table drawn at SHOWN_AT)."""
    out, err, code = io.StringIO(), io.StringIO(), 0
    with (
        mock.patch.dict(os.environ, {**env, "ECRLOGIN_NO_FASTPATH": "1"}, clear=True),
        mock.patch("ecrlogin.flows.login.utc_now", return_value=SHOWN_AT),
        contextlib.chdir(cwd),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            main(argv)
        except SystemExit as done:
            code = int(done.code or 0)
    return code, out.getvalue(), err.getvalue()


def console(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str, bool]:
    """`ecrlogin ARGV`: the stored answer when it holds (last: True), else the full CLI."""
    stored = fastpath.answer(argv, env, cwd=str(cwd), now=time.time())
    if stored is not None:
        return stored[1], stored[0], "", True
    return (*full_cli(argv, env, cwd), False)
