"""ecrlogin.freshness: the one set of cache rules."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ecrlogin import freshness, state
from ecrlogin.sinks import dockerconfig

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def record(**changes: object) -> state.Record:
    fields: dict[str, object] = {
        "host": "h",
        "source": "profile:p",
        "profile": "p",
        "account": "1",
        "region": "r",
        "identity": None,
        "expires_at": NOW + timedelta(hours=2),
        "stored_in": "config.json",
        "entry_print": "f",
        "identity_print": "i",
        "place": "c",
    }
    return state.Record(**{**fields, **changes})  # type: ignore[arg-type]


def test_still_valid_needs_the_same_identity_place_entry_and_time() -> None:
    def valid(r: state.Record, min_ttl: timedelta = timedelta(hours=1)) -> bool:
        return freshness.still_valid(
            r, identity_print="i", place="c", held_fingerprint="f", now=NOW, min_ttl=min_ttl
        )

    assert valid(record())
    assert not valid(record(), timedelta(hours=3))
    assert not valid(record(identity_print="other"))
    assert not valid(record(place="elsewhere"))
    assert not valid(record(entry_print="g"))
    assert not valid(record(expires_at=None))


def test_region_lists_last_24_hours() -> None:
    entry = freshness.region_list_entry(["eu-west-1"], NOW - timedelta(hours=23))
    assert freshness.remembered_regions(entry, NOW) == ["eu-west-1"]
    assert freshness.remembered_regions(entry, NOW + timedelta(hours=2)) is None
    assert freshness.remembered_regions({"regions": "x", "at": NOW.isoformat()}, NOW) is None
    assert freshness.remembered_regions(None, NOW) is None


entries = st.dictionaries(st.sampled_from(["auth", "email", "x"]), st.text(max_size=5))


@given(
    st.dictionaries(st.sampled_from(["h", "k"]), entries),
    st.sampled_from([None, "pass"]),
    st.sampled_from([{}, {"h": "ecr-login"}]),
)
def test_entry_fingerprints_are_dockerconfigs(
    auths: dict[str, object], store: str | None, helpers: dict[str, str]
) -> None:
    config = {"auths": auths, "credHelpers": helpers, **({"credsStore": store} if store else {})}
    for host in ("h", "k"):
        assert freshness.entry_fingerprint(config, host) == dockerconfig.fingerprint(config, host)
        assert freshness.store_label(config, host) == dockerconfig.destination(config, host).label


def test_imports_only_light_modules() -> None:
    code = "import sys; import ecrlogin.freshness; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert loaded.isdisjoint(
        {
            "dataclasses",
            "logging",
            "typing",
            "pathlib",
            "click",
            "platformdirs",
            "inspect",
            "hashlib",
        }
    )


def test_digests_are_hashlibs_sha256() -> None:
    import hashlib

    assert freshness.digest("AKIA1", 12) == hashlib.sha256(b"AKIA1").hexdigest()[:12]
