"""Generated config, state and AWS files for comparing the fast path with the full CLI: the
records are written with the full CLI's own modules (state, identity, dockerconfig), so the
fast path is held to what the full login would have stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import strategies as st

from ecrlogin import freshness, registry, state
from ecrlogin.identity.identity import resolve
from ecrlogin.sinks import dockerconfig

ACCOUNT = "123456789012"
OTHER = "210987654321"
REGIONS = ("eu-west-1", "us-east-1", "cn-north-1")
PROFILES = ("prod", "dev")
# never near the --min-ttl edges (1h, 30m, 2h), so the two runs' clocks cannot disagree
LIVES = (timedelta(hours=-1), timedelta(minutes=45), timedelta(hours=3), timedelta(hours=11))


@dataclass(frozen=True)
class Files:
    region_of: dict[str, str | None]  # profile ("" for default) -> its configured region
    role_account: dict[str, str | None]
    env: dict[str, str]
    entries: dict[tuple[str | None, str], tuple[timedelta, bool, bool]]  # life, tampered, stale
    regions_fresh: bool
    creds_store: bool
    project: str | None  # the text of .ecrlogin.toml in the folder the run starts in
    aws_extra: str = ""  # more lines for [default]: comments, `s3 =` sub-settings, a broken line


AWS_EXTRAS = (
    "",
    "# a comment\n\n; another\n",
    "s3 =\n  max_concurrent_requests = 20\n\n  # c\n\tmax_queue_size = 10000\n",
    "cli_pager=\nOutput : json\n",
    "  indented = continues nothing\n",  # botocore fails: the full CLI says so
)


def flat(groups: list[list[str]]) -> list[str]:
    return [word for group in groups for word in group]


rarely = st.sampled_from([False, False, False, False, True])  # most cases should be cached
files = st.builds(
    Files,
    region_of=st.fixed_dictionaries(  # "" is [default]
        {p: st.sampled_from([None, *REGIONS * 2]) for p in ("", *PROFILES)}
    ),
    role_account=st.fixed_dictionaries({p: st.sampled_from([None, ACCOUNT]) for p in PROFILES}),
    env=st.sampled_from(
        [
            {},
            {},
            {},
            {"AWS_PROFILE": "prod"},
            {"AWS_REGION": "us-east-1"},
            {"AWS_ACCESS_KEY_ID": "AKIAFROMTHEENV"},
            {"AWS_DEFAULT_PROFILE": "dev", "AWS_REGION": "eu-west-1"},
            {"AWS_PROFILE": "dev", "AWS_ACCESS_KEY_ID": "AKIAFROMTHEENV"},
        ]
    ),
    entries=st.fixed_dictionaries(  # a record for every (profile, region), most still valid
        {
            (profile, region): st.tuples(st.sampled_from(LIVES[2:] * 3 + LIVES), rarely, rarely)
            for profile in (None, *PROFILES)
            for region in REGIONS
        }
    ),
    regions_fresh=st.sampled_from([True, True, True, False]),
    creds_store=rarely,
    project=st.sampled_from(
        [
            *[None] * 10,  # most runs are not in a project
            f'registries = ["{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:1"]\n',
            f'registries = ["https://{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"]\nmin_ttl = "2h"\n',
            'min_ttl = "30m"\nto = "docker"\n',
            'min_ttl = "nope"\n',
            'registries = ["docker.io/library/alpine"]\n',
            'from = ["Dockerfile"]\n',
            f'[profiles]\n"{ACCOUNT}" = "prod"\n',
            f'# the app\nregistries = [\n  "{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:1", # app'
            f"\n  '{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com',\n]\r\nmin_ttl = '45m' # short\n",
            f'registries = ["{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com\\u002Fapp"]\n',
        ]
    ),
    aws_extra=st.sampled_from(AWS_EXTRAS),
)
argvs = st.one_of(
    st.tuples(
        st.sampled_from([["-q"], ["-o", "json"], ["-q", "-o", "json"], [], ["-q", "--no-project"]]),
        st.lists(st.sampled_from([["-r", r] for r in REGIONS]), max_size=2),
        st.lists(st.sampled_from([["-p", p] for p in PROFILES]), max_size=2),
        st.sampled_from([[], ["--min-ttl", "30m"], ["--min-ttl=2h"], ["--min-ttl", "13h"]]),
        st.lists(
            st.sampled_from(
                [
                    f"{a}.dkr.ecr.{r}.amazonaws.com/app:1"
                    for a in (ACCOUNT, OTHER)
                    for r in REGIONS[:2]
                ]
            ),
            max_size=2,
        ),
    ).map(lambda parts: [*parts[0], *flat(parts[1]), *flat(parts[2]), *parts[3], *parts[4]]),
    st.tuples(
        st.sampled_from([["all-regions", "-q"], ["-o", "json", "all-regions"]]),
        st.lists(st.sampled_from([["-p", p] for p in PROFILES]), max_size=2),
        st.sampled_from([[], ["--exclude", "us-*"], ["--include", "eu-*"], ["--include", "x"]]),
    ).map(lambda parts: [*parts[0], *flat(parts[1]), *parts[2]]),
)


def write(root: Path, case: Files, now: datetime) -> dict[str, str]:
    """The files of `case` under `root`; returns the environment that points at them."""
    env = {
        "HOME": str(root / "home"),
        "DOCKER_CONFIG": str(root / "docker"),
        "ECRLOGIN_STATE_DIR": str(root / "state"),
        "AWS_CONFIG_FILE": str(root / "aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(root / "aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # a closed port: a wrong answer fails fast
        **case.env,
    }
    (root / "aws").mkdir(parents=True)
    config = "".join(
        f"[{'default' if p is None else 'profile ' + p}]\n"
        + (case.aws_extra if p is None else "")
        + (f"region = {case.region_of.get(p or '')}\n" if case.region_of.get(p or "") else "")
        + (
            f"role_arn = arn:aws:iam::{case.role_account[p]}:role/x\nsource_profile = default\n"
            if p and case.role_account[p]
            else ""
        )
        for p in (None, *PROFILES)
    )
    (root / "aws" / "config").write_text(config)
    (root / "aws" / "credentials").write_text(  # static keys: named identities, none opaque
        "".join(f"[{p}]\naws_access_key_id = AKIA{p.upper()}\naws_secret_access_key = s\n"
                for p in ("default", *PROFILES))
    )  # fmt: skip
    docker: dict[str, object] = {
        "auths": {},
        **({"credsStore": "pass"} if case.creds_store else {}),
    }
    records, accounts, lists = [], {}, {}
    place = str(root / "docker" / "config.json")
    for (profile, region), (life, tampered, stale) in case.entries.items():
        identity = resolve(profile, env)
        key = identity.key
        accounts[key] = ACCOUNT
        lists[key] = freshness.region_list_entry(
            list(REGIONS), now - (timedelta() if case.regions_fresh else timedelta(hours=25))
        )
        host = registry.build(ACCOUNT, region).host
        docker["auths"][host] = {"auth": dockerconfig.encode_auth("secret")}  # type: ignore[index]
        printed = dockerconfig.fingerprint(docker, host)
        if tampered:
            docker["auths"][host] = {"auth": dockerconfig.encode_auth("other")}  # type: ignore[index]
        records.append(
            state.Record(
                host,
                identity.source,
                identity.shown,
                ACCOUNT,
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
    if case.project is not None:
        (root / ".ecrlogin.toml").write_text(case.project)
    (root / "docker").mkdir()
    (root / "docker" / "config.json").write_text(json.dumps(docker))
    # one record per host and place (the first profile's), as ecrlogin's state now keeps them:
    # it names the profile whose token the config holds (issue 24)
    records = list({(r.host, r.place): r for r in reversed(records)}.values())
    state.remember(root / "state", records, accounts)
    if lists:
        state.remember_regions(root / "state", lists)
    return env


def utc_now() -> datetime:
    return datetime.now(UTC)
