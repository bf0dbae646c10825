"""ECR registry hosts: parse them strictly, build them from parts.

Partitions, DNS suffixes and region patterns come from botocore's own `partitions.json`, read
as a data file so that parsing a host never pays for importing botocore.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from ecrlogin.errors import EcrLoginError, UsageError
from ecrlogin.names import is_region_name

PUBLIC_HOST = "public.ecr.aws"
PUBLIC_REGION = "us-east-1"  # ECR Public's API lives in us-east-1 only
ACCOUNT_RE = re.compile(r"[0-9]{12}")
_HOST_RE = re.compile(
    r"(?P<account>[0-9]{12})\.(?P<kind>dkr\.ecr|dkr-ecr)(?P<fips>-fips)?"
    r"\.(?P<region>[a-z0-9-]+)\.(?P<suffix>[a-z0-9.-]+)"
)


@dataclass(frozen=True)
class Partition:
    name: str
    dns_suffix: str
    dualstack_suffix: str
    region_pattern: str
    regions: frozenset[str]

    def has_region(self, region: str) -> bool:
        return region in self.regions or re.fullmatch(self.region_pattern, region) is not None


@dataclass(frozen=True)
class Registry:
    host: str
    account: str | None
    region: str
    partition: str
    fips: bool = False
    dualstack: bool = False
    public: bool = False


def _partitions_file() -> Path:
    spec = find_spec("botocore")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("botocore is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "partitions.json"


@cache
def partitions() -> tuple[Partition, ...]:
    data = json.loads(_partitions_file().read_text(encoding="utf-8"))
    return tuple(
        Partition(
            name=entry["id"],
            dns_suffix=entry["outputs"]["dnsSuffix"],
            # ECR's dual-stack registry hosts use "on.<x>" where service APIs use "api.<x>"
            dualstack_suffix=re.sub(r"^api\.", "on.", entry["outputs"]["dualStackDnsSuffix"]),
            region_pattern=entry["regionRegex"],
            regions=frozenset(entry.get("regions", {})),
        )
        for entry in data["partitions"]
    )


def partition_of(region: str) -> Partition:
    """The partition a region belongs to; explicit region lists win over patterns."""
    candidates = partitions()
    for partition in candidates:
        if region in partition.regions:
            return partition
    for partition in candidates:
        if partition.has_region(region):
            return partition
    raise UsageError(f"{region!r} is not an AWS region", "regions look like eu-west-1")


def check_region(region: str) -> str:
    if not is_region_name(region):
        raise UsageError(f"{region!r} is not an AWS region", "regions look like eu-west-1")
    partition_of(region)
    return region


def check_typed_region(region: str) -> str:
    """A region from the command line: refused when it is no region name (UsageError); a
    warning when botocore does not know it (new regions appear before botocore knows them)."""
    check_region(region)
    known = {r for p in partitions() for r in p.regions if is_region_name(r)}
    if region not in known:
        from difflib import get_close_matches  # only here: a typo on the slow path

        close = get_close_matches(region, sorted(known), n=1)
        guess = f"; did you mean {close[0]}?" if close else ""
        logging.getLogger("ecrlogin").warning(
            "%s is not a region botocore knows%s (used as given)", region, guess
        )
    return region


def check_configured_region(region: str, profile: str | None) -> str:
    """A region from the AWS config or environment: a bad one is a settings problem (exit 1)."""
    try:
        return check_region(region)
    except UsageError:
        who = f"profile {profile!r}" if profile else "the default profile"
        raise EcrLoginError(
            f"the region of {who} is {region!r}, which is not an AWS region",
            "fix `region` in the AWS config or AWS_DEFAULT_REGION, or pass -r REGION",
        ) from None


def check_account(account: str) -> str:
    if not ACCOUNT_RE.fullmatch(account):
        raise UsageError(f"{account!r} is not a 12-digit AWS account ID")
    return account


def build(account: str, region: str, *, fips: bool = False, dualstack: bool = False) -> Registry:
    partition = partition_of(region)
    fips_part = "-fips" if fips else ""
    if dualstack:
        host = f"{account}.dkr-ecr{fips_part}.{region}.{partition.dualstack_suffix}"
    else:
        host = f"{account}.dkr.ecr{fips_part}.{region}.{partition.dns_suffix}"
    return Registry(host, account, region, partition.name, fips=fips, dualstack=dualstack)


def public() -> Registry:
    return Registry(PUBLIC_HOST, None, PUBLIC_REGION, "aws", public=True)


def host_of(reference: str) -> str:
    """The registry host of a host, URL or image reference; scheme and path are dropped."""
    text = reference
    scheme, sep, rest = text.partition("://")
    if sep:
        if scheme not in ("https", "http"):
            raise UsageError(f"{reference!r} is not an ECR registry", "use a registry host")
        text = rest
    return text.split("/", 1)[0]


def parse(reference: str) -> Registry:
    """An ECR registry from a host, URL or image reference; anything else is refused."""
    host = host_of(reference)
    if host == PUBLIC_HOST:
        return public()
    match = _HOST_RE.fullmatch(host)
    registry = _from_match(match) if match else None
    if registry is None:
        broken = _broken_rule(host)
        raise UsageError(
            f"{reference!r} is not an ECR registry{f': {broken}' if broken else ''}",
            "expected ACCOUNT.dkr.ecr.REGION.amazonaws.com[/image] or public.ecr.aws",
        )
    return registry


def _broken_rule(host: str) -> str | None:
    """Which rule an almost-ECR host broke: a port, upper case, a trailing dot."""
    name, _, port = host.partition(":")
    fixed = name.lower().rstrip(".")
    match = _HOST_RE.fullmatch(fixed)
    if fixed != PUBLIC_HOST and (match is None or _from_match(match) is None):
        return None
    rules = [
        *([f"it has a port (:{port}); ECR registries answer on 443 only"] if port else []),
        *(["it has upper case; ECR hosts are lower case"] if name != name.lower() else []),
        *(["it ends in a dot"] if name.endswith(".") else []),
    ]
    return f"{'; '.join(rules)} (use {fixed})" if rules else None


def _from_match(match: re.Match[str]) -> Registry | None:
    region = match["region"]
    if not is_region_name(region):
        return None
    try:
        partition = partition_of(region)
    except UsageError:
        return None
    dualstack = match["kind"] == "dkr-ecr"
    expected = partition.dualstack_suffix if dualstack else partition.dns_suffix
    if match["suffix"] != expected:
        return None
    return build(match["account"], region, fips=bool(match["fips"]), dualstack=dualstack)


def is_ecr_host(host: str) -> bool:
    try:
        return parse(host).host == host
    except UsageError:
        return False
