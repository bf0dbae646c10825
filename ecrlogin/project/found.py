"""What the project readers hand back, and how they fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecrlogin.errors import EcrLoginError

if TYPE_CHECKING:  # parsing hosts is the scanner's business; the types alone cost nothing
    from ecrlogin.registry import Registry


@dataclass(frozen=True)
class ImageReference:
    """An image reference as written in a file, before anyone decides whether it is ECR."""

    reference: str
    line: int  # 1-based


@dataclass(frozen=True)
class FoundRegistry:
    """An ECR registry a project names, with the reference it came from and where that is."""

    registry: Registry
    reference: str
    source: str  # a path relative to the scan's base folder where possible, e.g. "compose.yaml"
    line: int | None = None

    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


class ScanError(EcrLoginError):
    """A file named for scanning that is missing, too large, or cannot be parsed (exit 1)."""


class SyntaxProblem(Exception):
    """A format reader's complaint about its text; the scanner adds the file's name."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
