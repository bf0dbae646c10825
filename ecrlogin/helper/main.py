"""`docker-credential-ecrlogin get|store|erase|list|version`: the docker-credential-helpers
protocol, with a plain `main(argv)` reading stdin (no click: a cache hit must start fast; it
imports `quick` alone, and `serve` only when `quick` has no answer).

Exit 0 and JSON on stdout for success; exit 1 and one line on stdout for anything else, which
docker shows as the helper's error. Not an ECR host: `credentials not found in native keychain`,
the protocol's own words, so that docker carries on without credentials.
"""

from __future__ import annotations

import os
import sys

from ecrlogin.errors import EcrLoginError, redact

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and collections cost a cache hit a few milliseconds
    from collections.abc import Sequence
    from typing import TextIO

NOT_FOUND = "credentials not found in native keychain"
PROGRAM = "docker-credential-ecrlogin"
USAGE = f"Usage: {PROGRAM} <store|get|erase|list|version>"


def main(
    argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    source, out = stdin or sys.stdin, stdout or sys.stdout
    if len(args) != 1:
        out.write(USAGE + "\n")
        return 1
    try:
        return _run(args[0], source, out)
    except EcrLoginError as error:
        out.write(error.one_line() + "\n")
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from ecrlogin.helper.serve import NotEcr

        if isinstance(error, NotEcr):
            out.write(NOT_FOUND + "\n")
        else:  # a bug: still one line, and never a secret
            out.write(redact(f"{PROGRAM}: internal error: {type(error).__name__}: {error}") + "\n")
    return 1


def _run(action: str, source: TextIO, out: TextIO) -> int:
    if action == "get":
        server_url = _server_url(source)
        from ecrlogin.helper import quick

        secret = quick.hit(server_url, os.environ)
        if secret is None:
            from ecrlogin.helper import serve

            secret = serve.get(server_url).secret
        out.write(_credentials(server_url, secret) + "\n")
        return 0
    if action == "store":
        source.read()  # ECR passwords come from AWS: accepted and ignored
        return 0
    if action in ("erase", "list"):
        from ecrlogin.helper import serve

        if action == "erase":
            serve.erase(_server_url(source))
        else:
            import json

            out.write(json.dumps(serve.listing()) + "\n")
        return 0
    if action == "version":
        out.write(f"{PROGRAM} (ecrlogin) {_version()}\n")
        return 0
    out.write(USAGE + "\n")
    return 1


def _credentials(server_url: str, secret: str) -> str:
    """`json.dumps({"ServerURL": …, "Username": "AWS", "Secret": …})`, without importing json."""
    from ecrlogin.lightjson import quote

    return f'{{"ServerURL": {quote(server_url)}, "Username": "AWS", "Secret": {quote(secret)}}}'


def _server_url(source: TextIO) -> str:
    text = source.read().strip()
    if not text:
        raise EcrLoginError("no credentials server URL")
    return text


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ecrlogin")
    except PackageNotFoundError:
        return "unknown"


def entry() -> None:
    sys.exit(main())
