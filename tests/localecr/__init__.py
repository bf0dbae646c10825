"""A local stand-in for Amazon ECR made of real parts; see docs/testing.md."""

from .env import LocalEcr
from .prereqs import describe_missing, missing_parts
from .procs import StartupError

__all__ = ["LocalEcr", "StartupError", "describe_missing", "missing_parts"]
