"""ecrlogin's logger: a dependency's warning is a `--debug` line, never a stray stderr line."""

from __future__ import annotations

import logging
import warnings

import pytest

from ecrlogin.cli import logs


class LibraryDeprecation(UserWarning):
    """Stands for e.g. cryptography's CryptographyDeprecationWarning (a UserWarning)."""


@pytest.mark.parametrize(("debug", "shown"), [(False, False), (True, True)])
def test_a_library_warning_reaches_stderr_only_under_debug(
    capsys: pytest.CaptureFixture[str], debug: bool, shown: bool
) -> None:
    logs.install()
    logs.set_verbosity(debug=debug)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = logs._warning_to_debug  # catch_warnings restored the original
        warnings.warn("pyOpenSSL is old", LibraryDeprecation, stacklevel=1)
    err = capsys.readouterr().err
    assert ("LibraryDeprecation: pyOpenSSL is old" in err) is shown
    assert err.startswith("ecrlogin: DEBUG: ") or not err


def test_install_routes_warnings_and_reset_restores_them() -> None:
    original = warnings.showwarning
    logs.install()
    assert warnings.showwarning is logs._warning_to_debug
    logs.reset()
    assert warnings.showwarning is original
    assert logging.getLogger(logs.LOGGER).handlers == []
