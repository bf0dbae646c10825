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
