"""ecrlogin's logger: one handler, installed once by `main`, writing to whatever `sys.stderr` is
at the time (a test's capture too), every line redacted; commands only set the level."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

LOGGER = "ecrlogin"


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


def install() -> None:
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
    logger = logging.getLogger(LOGGER)
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
