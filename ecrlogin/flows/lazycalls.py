"""The run's `AwsCalls`, made on first use: the cached no-op never needs one (nor its threads and
botocore's error types)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecrlogin.aws.calls import AwsCalls


class LazyCalls:
    def __init__(self, given: Any = None, *, state_dir: Path | None = None) -> None:
        self._given: AwsCalls | None = given
        self._made: AwsCalls | None = None
        self._state_dir = state_dir  # where cut service models are kept (flows.servicemodels)

    def __call__(self) -> AwsCalls:
        if self._given is not None:
            return self._given
        if self._made is None:
            from ecrlogin.aws.calls import AwsCalls
            from ecrlogin.flows.servicemodels import ModelFiles

            models = ModelFiles(self._state_dir) if self._state_dir else None
            self._made = AwsCalls(models=models)
        return self._made

    def __enter__(self) -> LazyCalls:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._made is not None:  # what the caller gave, the caller closes
            self._made.close()


def forget(calls: object) -> None:
    """A run again after a sign-in: the given calls (a test's, all-regions') start afresh."""
    drop = getattr(calls, "forget", None)
    if drop is not None:
        drop()
