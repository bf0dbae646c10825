"""ecrlogin's logger: one handler, installed once by `main`, writing to whatever `sys.stderr` is
at the time (a test's capture too), every line redacted; commands only set the level."""

from __future__ import annotations

import logging
import sys
import warnings
from typing import TextIO

LOGGER = "ecrlogin"
_SHOW_WARNING = warnings.showwarning


class _StderrHandler(logging.StreamHandler[TextIO]):
    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # always the current sys.stderr


def _redacting(record: logging.LogRecord) -> bool:
    from ecrlogin.errors import redact

    record.msg = redact(record.getMessage())  # control characters escaped too
    record.args = None
    return True


def _warning_to_debug(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """A library's warning (e.g. a system pyOpenSSL older than the installed cryptography) is
    not ecrlogin's to say: it goes to `--debug`, never to stderr on a normal run."""
    logging.getLogger(LOGGER).debug("%s: %s (%s:%d)", category.__name__, message, filename, lineno)


def install() -> None:
    warnings.showwarning = _warning_to_debug
    logger = logging.getLogger(LOGGER)
    if any(isinstance(h, _StderrHandler) for h in logger.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("ecrlogin: %(levelname)s: %(message)s"))
    handler.addFilter(_redacting)
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def set_verbosity(*, verbose: bool = False, debug: bool = False) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.getLogger(LOGGER).setLevel(level)


def reset() -> None:
    """Back to Python's defaults (tests: no handler or level leaks from one test to the next)."""
    warnings.showwarning = _SHOW_WARNING
    logger = logging.getLogger(LOGGER)
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
