"""A local stand-in for Amazon ECR made of real parts; see docs/testing.md."""

from .client import Client
from .env import LocalEcr
from .prereqs import describe_missing, missing_parts
from .procs import StartupError
from .tool import ecrlogin, ecrlogin_path

__all__ = [
    "Client",
    "LocalEcr",
    "StartupError",
    "describe_missing",
    "ecrlogin",
    "ecrlogin_path",
    "missing_parts",
]
