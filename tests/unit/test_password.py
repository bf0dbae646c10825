"""flows.password: one password alone, for pipes; the region from -r, a host, or the profile."""

from __future__ import annotations

import pytest
from awsfakes import StubbedSessions, password_for

from ecrlogin.aws.calls import AwsCalls
from ecrlogin.errors import UsageError
from ecrlogin.flows.password import password

HOST = "123456789012.dkr.ecr.ap-south-1.amazonaws.com/app:1"


@pytest.mark.parametrize(
    ("profile", "regions", "options", "expected"),
    [
        ("prod", ("eu-west-1",), {}, ("prod", "eu-west-1")),
        ("prod", (), {"public": True}, ("prod", "public")),
        ("dev", (), {}, ("dev", "eu-west-1")),  # the session's region
        ("dev", (), {"reference": HOST}, ("dev", "ap-south-1")),  # the host's region
    ],
)
def test_password_returns_the_right_password(
    profile: str, regions: tuple[str, ...], options: dict[str, object], expected: tuple[str, str]
) -> None:
    calls = AwsCalls(session_factory=StubbedSessions())
    try:
        found = password(profile, regions, calls=calls, environ={}, **options)  # type: ignore[arg-type]
    finally:
        calls.close()
    assert found == password_for(*expected)


@pytest.mark.parametrize(
    ("regions", "reference", "message"),
    [
        (("eu-west-1", "us-east-1"), None, "at most one -r"),
        (("eu-west-1",), HOST, "is in ap-south-1, not in eu-west-1"),
        (("moon-1",), None, "moon-1"),
    ],
)
def test_contradictions_are_usage_errors(
    regions: tuple[str, ...], reference: str | None, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        password("prod", regions, reference=reference, calls=object(), environ={})
