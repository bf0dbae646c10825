"""`ecrlogin all-regions` against every region moto reports, and a region that fails."""

from __future__ import annotations

import json

import pytest

from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe, is_auth_error, json_results

pytestmark = pytest.mark.e2e

BROKEN = "eu-west-2"


def test_all_regions_then_every_host_pulls(local_ecr: LocalEcr, client: Client) -> None:
    login = client.ecrlogin("all-regions", "-o", "json")
    assert login.returncode == 0, describe(login)
    results = json_results(login.stdout)
    regions = {r["region"] for r in results.values()}
    assert len(regions) >= 17, sorted(regions)
    # Only regions of the caller's partition (moto also reports China and GovCloud).
    assert regions <= set(local_ecr.regions), sorted(regions - set(local_ecr.regions))
    for host, result in results.items():
        assert result["status"] == "ok", result
        pull = client.pull(f"{host}/{local_ecr.repository}:{local_ecr.tag}")
        assert pull.returncode == 0, describe(pull)


def test_one_failing_region_does_not_stop_the_others(local_ecr: LocalEcr, client: Client) -> None:
    with local_ecr.failing_region(BROKEN):
        login = client.ecrlogin("all-regions", "-o", "json")
    assert login.returncode == 1, describe(login)
    results = json.loads(login.stdout)["results"]
    failed = [r for r in results if r["status"] != "ok"]
    # The failed row may not know its registry host (no token came back): match the region.
    assert [r["region"] for r in failed] == [BROKEN], failed
    assert failed[0]["status"] == "failed"
    assert failed[0]["error"]
    assert len(results) >= 17
    assert local_ecr.host(BROKEN) not in client.config().get("auths", {})
    good = client.pull(local_ecr.image("eu-west-1"))
    assert good.returncode == 0, describe(good)
    bad = client.pull(local_ecr.image(BROKEN))
    assert is_auth_error(bad), describe(bad)


def test_login_with_a_failing_region_stores_the_other(local_ecr: LocalEcr, client: Client) -> None:
    with local_ecr.failing_region(BROKEN):
        login = client.ecrlogin("-r", "eu-west-1", "-r", BROKEN)
    assert login.returncode == 1, describe(login)
    assert BROKEN in login.stdout + login.stderr
    good = client.pull(local_ecr.image("eu-west-1"))
    assert good.returncode == 0, describe(good)
