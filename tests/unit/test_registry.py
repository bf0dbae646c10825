"""registry: strict, anchored parsing of ECR hosts, and building hosts from botocore's data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore
import pytest

from ecrlogin import registry
from ecrlogin.errors import EXIT_USAGE, UsageError
from ecrlogin.names import is_region_name
from ecrlogin.registry import Registry

ACCOUNT = "123456789012"
USE1 = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"


def _botocore_partitions() -> list[dict[str, Any]]:
    path = Path(botocore.__file__).parent / "data" / "partitions.json"
    return list(json.loads(path.read_text())["partitions"])


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (USE1, Registry(USE1, ACCOUNT, "us-east-1", "aws")),
        (f"https://{USE1}/v2/x", Registry(USE1, ACCOUNT, "us-east-1", "aws")),
        (f"http://{USE1}", Registry(USE1, ACCOUNT, "us-east-1", "aws")),
        (f"{USE1}/app@sha256:{'a' * 64}", Registry(USE1, ACCOUNT, "us-east-1", "aws")),
        (
            f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2",
            Registry(f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com", ACCOUNT, "eu-west-1", "aws"),
        ),
        (
            f"{ACCOUNT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            Registry(
                f"{ACCOUNT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
                ACCOUNT,
                "us-gov-west-1",
                "aws-us-gov",
                fips=True,
            ),
        ),
        (
            f"{ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com",
            Registry(
                f"{ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com",
                ACCOUNT,
                "us-east-1",
                "aws",
                fips=True,
            ),
        ),
        (
            f"{ACCOUNT}.dkr-ecr.us-west-2.on.aws",
            Registry(
                f"{ACCOUNT}.dkr-ecr.us-west-2.on.aws", ACCOUNT, "us-west-2", "aws", dualstack=True
            ),
        ),
        (
            "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn",
            Registry(
                "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn",
                "210987654321",
                "cn-north-1",
                "aws-cn",
            ),
        ),
        (
            f"{ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu",
            Registry(
                f"{ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu",
                ACCOUNT,
                "eusc-de-east-1",
                "aws-eusc",
            ),
        ),
        (
            "public.ecr.aws/docker/library/alpine",
            Registry("public.ecr.aws", None, "us-east-1", "aws", public=True),
        ),
        ("public.ecr.aws", Registry("public.ecr.aws", None, "us-east-1", "aws", public=True)),
    ],
)
def test_parse_reads_account_region_partition_and_flags(reference: str, expected: Registry) -> None:
    assert registry.parse(reference) == expected
    assert registry.is_ecr_host(expected.host)


@pytest.mark.parametrize(
    "reference",
    [
        # the table of issue 2
        f"{USE1}.evil.example",
        f"evil.example/{USE1}",
        "12345.dkr.ecr.us-east-1.amazonaws.com",
        "docker.io/library/alpine",
        # look-alikes
        f"{USE1}.",
        USE1.upper(),
        f"{ACCOUNT}.dkr.ecr.US-EAST-1.amazonaws.com",
        f"{USE1}:443",
        f"{USE1}:443/app",
        f"user@{USE1}",
        f"https://user:pw@{USE1}/v2/",
        f"ftp://{USE1}",
        f"{USE1}\n",
        f" {USE1}",
        f"{USE1}?x=1",
        f"{USE1}#frag",
        "１２３４５６７８９０１２.dkr.ecr.us-east-1.amazonaws.com",  # fullwidth digits
        "١٢٣٤٥٦٧٨٩٠١٢.dkr.ecr.us-east-1.amazonaws.com",  # Arabic-Indic digits
        f"{ACCOUNT}.dkr.ecr.us-east-1.amаzonaws.com",  # Cyrillic а
        f"{ACCOUNT}.dkr.ecr.us-eаst-1.amazonaws.com",  # Cyrillic а in the region
        f"{ACCOUNT}.dkr.ecr.us-east-١.amazonaws.com",  # Arabic-Indic one
        f"{ACCOUNT}.dkr.ecr.us‐east‐1.amazonaws.com",  # Unicode hyphens
        f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com\u200b",  # zero-width space
        # wrong suffix for the partition
        f"{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com",
        f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com.cn",
        f"{ACCOUNT}.dkr.ecr.us-iso-east-1.amazonaws.com",
        f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.eu",
        f"{ACCOUNT}.dkr.ecr.us-east-1.on.aws",  # classic kind, dual-stack suffix
        f"{ACCOUNT}.dkr-ecr.us-east-1.amazonaws.com",  # dual-stack kind, classic suffix
        # wrong account or region shapes
        f"1{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com",
        "12345678901a.dkr.ecr.us-east-1.amazonaws.com",
        f"{ACCOUNT}.dkr.ecr.mars-east-1.amazonaws.com",
        f"{ACCOUNT}.dkr.ecr.aws-global.amazonaws.com",
        f"{ACCOUNT}.dkr.ecr..amazonaws.com",
        f"{ACCOUNT}.dkr.ecr-fipsy.us-east-1.amazonaws.com",
        f"{ACCOUNT}.ecr.us-east-1.amazonaws.com",
        f"{ACCOUNT}.api.ecr.us-east-1.amazonaws.com",
        f"x.{USE1}",
        # ECR Public look-alikes
        "public.ecr.aws.evil.example",
        "evil.public.ecr.aws",
        "PUBLIC.ECR.AWS",
        "public.ecr.aws:443",
        # not registries at all
        "",
        "localhost:5000/app",
        "ghcr.io/owner/app",
    ],
)
def test_parse_refuses_anything_that_is_not_exactly_an_ecr_host(reference: str) -> None:
    with pytest.raises(UsageError) as caught:
        registry.parse(reference)
    assert caught.value.exit_code == EXIT_USAGE
    assert repr(reference) in caught.value.message
    assert not registry.is_ecr_host(reference)


def test_is_ecr_host_wants_a_bare_host_not_a_url_or_image() -> None:
    assert registry.is_ecr_host(USE1)
    assert not registry.is_ecr_host(f"https://{USE1}")
    assert not registry.is_ecr_host(f"{USE1}/app:1")


@pytest.mark.parametrize("fips", [False, True])
@pytest.mark.parametrize("dualstack", [False, True])
def test_build_round_trips_parse_in_every_partition_of_botocore(
    fips: bool, dualstack: bool
) -> None:
    seen = set()
    for entry in _botocore_partitions():
        outputs = entry["outputs"]
        for region in entry.get("regions", {}):
            if not is_region_name(region):
                continue  # aws-global and friends are not ECR regions
            built = registry.build(ACCOUNT, region, fips=fips, dualstack=dualstack)
            assert built.partition == entry["id"]
            suffix = outputs["dualStackDnsSuffix"] if dualstack else outputs["dnsSuffix"]
            assert built.host.endswith("." + suffix.removeprefix("api."))
            assert built.host.startswith(f"{ACCOUNT}.dkr")
            assert registry.parse(built.host) == built
            assert registry.parse(f"https://{built.host}/v2/app/manifests/1") == built
            seen.add(entry["id"])
    assert {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"} <= seen


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("ap-southeast-9", "aws"),  # known to the pattern only
        ("us-gov-east-1", "aws-us-gov"),
        ("us-gov-north-7", "aws-us-gov"),
        ("cn-northwest-1", "aws-cn"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
    ],
)
def test_partition_of_uses_region_lists_then_patterns(region: str, partition: str) -> None:
    assert registry.partition_of(region).name == partition


@pytest.mark.parametrize("region", ["eu-west-1", "us-gov-west-1", "cn-north-1", "us-iso-east-1"])
def test_check_region_accepts_real_regions(region: str) -> None:
    assert registry.check_region(region) == region


@pytest.mark.parametrize(
    "region",
    [
        "",
        "EU-WEST-1",
        "eu-west",
        "euwest1",
        "eu-west-1 ",
        "eu-west-1\n",
        "eu-west-123",
        "xx-east-1",  # the right shape, but no partition has it
        "aws-global",
        "eu-wеst-1",  # Cyrillic е
        "eu-west-１",  # fullwidth one
    ],
)
def test_check_region_refuses_what_is_not_a_region(region: str) -> None:
    with pytest.raises(UsageError, match="not an AWS region"):
        registry.check_region(region)


def test_check_account_accepts_twelve_ascii_digits() -> None:
    assert registry.check_account("000000000000") == "000000000000"


@pytest.mark.parametrize(
    "account",
    [
        "",
        "12345678901",
        "1234567890123",
        "12345678901a",
        "１２３４５６７８９０１２",
        "123456789012\n",
    ],
)
def test_check_account_refuses_other_shapes(account: str) -> None:
    with pytest.raises(UsageError, match="12-digit"):
        registry.check_account(account)


@pytest.mark.parametrize(
    ("host", "rule"),
    [
        ("123456789012.dkr.ecr.eu-west-1.amazonaws.com:443", "it has a port (:443)"),
        ("123456789012.DKR.ecr.eu-west-1.amazonaws.com", "it has upper case"),
        ("123456789012.dkr.ecr.eu-west-1.amazonaws.com./app:1", "it ends in a dot"),
    ],
)
def test_an_almost_ecr_host_is_told_which_rule_it_broke(host: str, rule: str) -> None:
    with pytest.raises(UsageError) as refused:
        registry.parse(host)
    assert f": {rule}" in refused.value.message
    assert "(use 123456789012.dkr.ecr.eu-west-1.amazonaws.com)" in refused.value.message


def test_other_hosts_are_told_nothing_more() -> None:
    with pytest.raises(UsageError) as refused:
        registry.parse("docker.io:5000")
    assert refused.value.message == "'docker.io:5000' is not an ECR registry"


@pytest.mark.parametrize(
    ("region", "warned"),
    [
        ("eu-wst-1", "eu-wst-1 is not a region botocore knows; did you mean eu-west-1?"),
        ("us-qqqqqqqqqq-9", "us-qqqqqqqqqq-9 is not a region botocore knows (used as given)"),
        ("eu-west-1", None),
    ],
)
def test_a_typed_region_botocore_does_not_know_is_a_warning(
    caplog: pytest.LogCaptureFixture, region: str, warned: str | None
) -> None:
    assert registry.check_typed_region(region) == region
    assert (warned in caplog.text) if warned else caplog.text == ""
