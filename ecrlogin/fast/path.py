"""The fast path: the full CLI's answer to a cached no-op, without the full CLI.

`ecrlogin -q [-r R]... [-p P]... [HOST|IMAGE]...`, `-o json`, `--min-ttl`, `--docker-config`,
and `all-regions` with a remembered region list: when every registry of the run is still valid
by `ecrlogin.freshness`'s rules (the same code the full login decides with), it prints what
the full CLI would print and exits 0; in a project, when its file names registries (and
`min_ttl`) only. Anything it does not know, or any doubt (`from` or `[profiles]` in the project
file, a credential store, an unknown profile, a missing record, a note the full CLI would print…),
hands the run to the full CLI untouched. Standard-library light modules only: no click,
logging, dataclasses, typing, pathlib or platformdirs.
"""

from __future__ import annotations

import os

from ecrlogin import freshness, lightjson
from ecrlogin.awsfiles import AwsFiles, configured_region, identity_source
from ecrlogin.fast.args import Args, parse
from ecrlogin.fast.files import (
    State,
    Unsure,
    aws_files,
    docker_config,
    matches_pattern,
    partitions,
    state_dir,
)
from ecrlogin.lighttime import UTC, datetime, timedelta
from ecrlogin.names import is_account, is_region_name, role_account

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

DEFAULT_MIN_TTL = timedelta(hours=1)  # cli.options: --min-ttl 1h
TOKEN_LIFE = timedelta(hours=12)  # flows.login.TOKEN_LIFE: a longer --min-ttl gets a note
PROJECT_FILE = ".ecrlogin.toml"  # project.projectfile.FILE_NAME
MAX_PROJECT_BYTES = 1024 * 1024  # project.projectfile.MAX_FILE_BYTES
HELPER_RECORDS = "helper-hosts.json"  # helper.records.RECORDS_NAME


class Identity:
    """A profile resolved as `identity.identity.resolve` does."""

    __slots__ = ("fingerprint", "profile", "shown", "source")

    def __init__(self, profile: str | None, files: AwsFiles, environ: Mapping[str, str]) -> None:
        self.profile = profile or None
        self.source = identity_source(profile, environ)
        self.shown = self.source.removeprefix("profile:") if self.profile_based else None
        self.fingerprint = freshness.identity_fingerprint(self.source, files.sections_of)
        if self.profile_based and self.shown not in ("default", *files.profile_names()):
            raise Unsure  # an unknown profile: the full CLI names the known ones

    @property
    def profile_based(self) -> bool:
        return self.source.startswith("profile:")

    @property
    def key(self) -> str:
        return f"{self.source}#{self.fingerprint}"  # flows.deliver.account_key

    def same(self) -> tuple[str | None, str, str]:
        return (self.profile, self.source, self.fingerprint)


class Host:
    """A private ECR registry host in a standard partition (no FIPS, no dual-stack)."""

    __slots__ = ("account", "name", "partition", "region")

    def __init__(self, account: str, region: str) -> None:
        if not is_region_name(region):
            raise Unsure  # the full CLI says it is no region
        partition = _partition_of(region)
        self.account, self.region, self.partition = account, region, str(partition["id"])
        self.name = f"{account}.dkr.ecr.{region}.{partition['outputs']['dnsSuffix']}"

    @classmethod
    def parse(cls, reference: str) -> Host:
        """As `registry.parse`, for the hosts this path serves; anything else is Unsure."""
        scheme, sep, rest = reference.partition("://")
        if sep and scheme not in ("https", "http"):
            raise Unsure
        name = (rest if sep else reference).split("/", 1)[0]
        account, dkr, ecr, region, *_ = [*name.split(".", 4), "", "", "", ""]
        if not is_account(account) or (dkr, ecr) != ("dkr", "ecr"):
            raise Unsure
        host = cls(account, region)
        if host.name != name:
            raise Unsure  # another suffix, FIPS, dual-stack, a port…: the full CLI
        return host


def _partition_of(region: str) -> Mapping[str, Any]:
    """As `registry.partition_of`: explicit region lists win over patterns."""
    known = partitions()
    for partition in known:
        if region in partition.get("regions", {}):
            return partition
    for partition in known:
        if matches_pattern(partition, region):
            return partition
    raise Unsure


class Run:
    """What one cached run reads: the files, once."""

    def __init__(self, args: Args, environ: Mapping[str, str], now: datetime) -> None:
        self.args, self.environ, self.now = args, environ, now
        self.min_ttl = _min_ttl(args.last("min_ttl"))
        folder = args.last("docker_config") or environ.get("DOCKER_CONFIG") or "~/.docker"
        self.place = os.path.join(os.path.expanduser(folder), "config.json")
        self.config = docker_config(self.place)
        if self.config.get("credsStore") or self.config.get("credHelpers"):
            raise Unsure  # stores run programs and have their own rules: the full CLI
        self.state_dir = state_dir(environ)
        self.state = State(self.state_dir)
        self.files = aws_files(environ)

    def identities(self) -> list[Identity]:
        resolved = [Identity(p, self.files, self.environ) for p in self._profiles()]
        unique = {identity.same(): identity for identity in reversed(resolved)}
        return sorted(unique.values(), key=resolved.index)

    def _profiles(self) -> Sequence[str | None]:
        return self.args.all("profiles") or [None]

    def own_host(self, identity: Identity, region: str) -> Host:
        account = self.state.accounts.get(identity.key)
        if not isinstance(account, str):
            raise Unsure  # the own account is learned from AWS
        return Host(account, region)

    def cached(self, identity: Identity, host: Host, source: str | None = None) -> dict[str, Any]:
        """The result row of a still-valid registry; Unsure when it is not."""
        record = self.state.find(identity.source, host.name, self.place)
        if not freshness.still_valid(
            record,
            identity_print=identity.fingerprint,
            place=self.place,
            held_fingerprint=freshness.entry_fingerprint(self.config, host.name),
            now=self.now,
            min_ttl=self.min_ttl,
        ) or (record is None or record.expires_at is None):  # the second half: for mypy
            raise Unsure
        return {
            "registry": host.name,
            "account": host.account,
            "region": host.region,
            "partition": host.partition,
            "fips": False,
            "dualstack": False,
            "public": False,
            "profile": identity.shown,
            "identity": record.text("identity"),
            "expires_at": record.expires_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "stored_in": record.text("stored_in"),
            "status": "cached",
            "error": None,
            "source": source,
        }


def _min_ttl(given: str | None) -> timedelta:
    if given is None:
        return DEFAULT_MIN_TTL
    from ecrlogin.durations import parse_duration  # only for a duration given

    try:
        min_ttl = parse_duration(given)
    except ValueError:
        raise Unsure from None
    if min_ttl > TOKEN_LIFE:
        raise Unsure  # the full CLI adds a note
    return min_ttl


def login_rows(run: Run, cwd: str) -> list[dict[str, Any]]:
    """`login`: own registries in the -r (or configured) regions, and the named ones (on the
    command line, else the project file's)."""
    named = [Host.parse(reference) for reference in run.args.all("references")]
    project = None if run.args.flag("no_project") else _project_file_above(cwd)
    sources: dict[str, str] = {}
    if project is not None:
        listed, min_ttl = _project(project)
        checked = _min_ttl(min_ttl) if min_ttl is not None else None  # a bad one fails the run
        if checked is not None and not run.args.all("min_ttl"):
            run.min_ttl = checked
        if not named:
            named = list({host.name: host for host in listed}.values())
            sources = {host.name: os.path.basename(project) for host in listed}
    regions = run.args.all("regions")
    rows = []
    for identity in run.identities():
        own = regions if regions or named else [_configured_region(identity, run)]
        # own registries say no source, even where the project names the same host too
        rows += [run.cached(identity, run.own_host(identity, r), None) for r in own]
        rows += [
            run.cached(_routed(identity, host, run), host, sources.get(host.name)) for host in named
        ]
    return _one_per_host(rows)


def _project(path: str) -> tuple[list[Host], str | None]:
    """The project file's registries and min_ttl, when that is all it says (as
    `project.projectfile` reads it); `from`, `[profiles]`, another `to`: Unsure."""
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_PROJECT_BYTES + 1)
        data = _toml(raw.decode("utf-8"))
    except (OSError, ValueError):  # unreadable, not UTF-8, not TOML: the full CLI says so
        raise Unsure from None
    if len(raw) > MAX_PROJECT_BYTES:
        raise Unsure
    listed, min_ttl = data.get("registries", []), data.get("min_ttl")
    if set(data) - {"registries", "min_ttl", "to"} or data.get("to", "docker") != "docker":
        raise Unsure
    if not isinstance(listed, list) or not all(isinstance(r, str) and r.strip() for r in listed):
        raise Unsure
    if min_ttl is not None and not isinstance(min_ttl, str):
        raise Unsure
    return [Host.parse(reference.strip()) for reference in listed], min_ttl


def _toml(text: str) -> Mapping[str, object]:
    from ecrlogin.fast import tomlfile  # only in a project

    try:
        return tomlfile.loads(text)
    except tomlfile.NotSimple:
        import tomllib  # ~20 ms: only for the files the light reader leaves to it

        return tomllib.loads(text)


def all_regions_rows(run: Run) -> list[dict[str, Any]]:
    """`all-regions`: every region remembered for each identity (24 h), filtered."""
    from ecrlogin import regionfilter
    from ecrlogin.errors import UsageError

    rows = []
    for identity in run.identities():
        remembered = freshness.remembered_regions(run.state.regions.get(identity.key), run.now)
        if remembered is None:
            raise Unsure  # DescribeRegions must be asked
        try:
            regions = regionfilter.filtered(
                remembered, run.args.all("include"), run.args.all("exclude")
            )
        except UsageError:
            raise Unsure from None
        rows += [run.cached(identity, run.own_host(identity, r)) for r in regions]
    return _one_per_host(rows)


def _configured_region(identity: Identity, run: Run) -> str:
    """As the full CLI's; none configured: the full CLI asks botocore."""
    region = configured_region(run.files, identity.profile, run.environ)
    if region is None:
        raise Unsure
    return region


def _routed(default: Identity, host: Host, run: Run) -> Identity:
    """As `identity.routing.choose` without a project file: -p, a profile `--to helper`
    recorded for the host (Unsure: the full CLI routes it), AWS_PROFILE, the one profile naming
    the account, else the default chain; several naming it (a note) is Unsure."""
    if run.args.all("profiles"):
        return default
    if _recorded_by_helper(run.state_dir, host.name):
        raise Unsure
    if run.environ.get("AWS_PROFILE"):
        return default
    naming = [
        name for name in run.files.profile_names() if _names_account(run.files, name, host.account)
    ]
    if not naming:
        return default
    if len(naming) > 1:
        raise Unsure
    default_account = run.state.accounts.get(Identity(None, run.files, run.environ).key)
    if default_account == host.account:
        return default
    return Identity(naming[0], run.files, run.environ)


def _recorded_by_helper(directory: str, host: str) -> bool:
    """Whether `--to helper -p` recorded a profile for `host` (helper.records' file)."""
    try:
        with open(os.path.join(directory, HELPER_RECORDS), "rb") as handle:
            recorded = lightjson.loads(handle.read(1 << 20))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        raise Unsure from None
    hosts = recorded.get("hosts") if isinstance(recorded, dict) else None
    if not isinstance(hosts, dict):
        raise Unsure  # the full CLI reads (and warns about) what it cannot use
    entry = hosts.get(host)
    return isinstance(entry, dict) and isinstance(entry.get("profile"), str)


def _names_account(files: AwsFiles, name: str, account: str) -> bool:
    role = role_account(files.value(name, "role_arn") or "")
    return role == account or files.value(name, "sso_account_id") == account


def _one_per_host(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """As `flows.login._one_per_host`: one row per (host, profile)."""
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for row in rows:
        key = (row["registry"], row["profile"])
        if key not in seen:
            kept.append(row)
            seen.add(key)
    return kept


def _project_file_above(folder: str) -> str | None:
    """As `project.projectfile.find_project_file`: here or in the nearest parent."""
    while True:
        path = os.path.join(folder, PROJECT_FILE)
        try:
            if os.path.isfile(path):
                return path
        except OSError:
            pass
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def answer(
    argv: Sequence[str], environ: Mapping[str, str], *, cwd: str, now: datetime
) -> str | None:
    """What the full CLI would print on stdout for this cached run (exit 0), or None: ask it."""
    args = parse(argv)
    if args is None or "_ECRLOGIN_COMPLETE" in environ:
        return None
    try:
        run = Run(args, environ, now)
        rows = all_regions_rows(run) if args.command == "all-regions" else login_rows(run, cwd)
    except Unsure:
        return None
    if args.fmt != "json":
        return ""  # quiet: nothing at all
    import json  # ~15 ms, for `-o json` only

    return json.dumps({"results": rows}, indent=2) + "\n"
