"""found: where a registry was found reads as file:line, or the file alone."""

from __future__ import annotations

import pytest

from ecrlogin import registry
from ecrlogin.errors import EcrLoginError
from ecrlogin.project.found import FoundRegistry, ScanError

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    ("source", "line", "where"),
    [("compose.yaml", 3, "compose.yaml:3"), (".ecrlogin.toml", None, ".ecrlogin.toml")],
)
def test_where(source: str, line: int | None, where: str) -> None:
    found = FoundRegistry(registry.parse(HOST), f"{HOST}/app", source, line)
    assert found.where() == where


def test_a_scan_error_is_an_ecrlogin_error_with_exit_code_1() -> None:
    error = ScanError("compose.yaml:3: cannot be parsed", "fix it")
    assert isinstance(error, EcrLoginError)
    assert (error.exit_code, error.one_line()) == (1, "compose.yaml:3: cannot be parsed; fix it")
