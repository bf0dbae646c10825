"""Fixtures shared by more than one unit test file."""

import os
from collections.abc import Iterator

import pytest
from ecrhosts import dirs as dirs  # a Docker config and state of every kind of ECR host
from ecrhosts import helper as helper  # its fake credential helper, holding one host


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """No umask help: the modes must come from ecrlogin itself."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture(autouse=True)
def opaque_sources_give_a_fixed_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper binds an opaque source (no keys, role or SSO named in any file or variable) to
    the key id its credentials have now, through botocore. Unit tests of the helper run with no
    AWS files at all: that source here gives AKIDFAKE, without botocore or an instance endpoint
    (test_fetch and test_locate test the real binding)."""
    monkeypatch.setattr("ecrlogin.helper.locate._credential_key", lambda profile: "AKIDFAKE")


@pytest.fixture(autouse=True)
def no_helper_session_from_another_test() -> Iterator[None]:
    """A helper (or kubelet plugin) process makes one botocore session per profile and keeps it
    for its one request; in this process each test has its own environment, so its own."""
    from ecrlogin.helper import fetch

    fetch._sessions.clear()
    yield
    fetch._sessions.clear()
