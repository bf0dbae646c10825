"""moto's server, with ECR tokens that look and behave like real ones.

Run as ``python -m tests.localecr.motoserver --auth-dir DIR [moto_server options]``.

moto's own ``GetAuthorizationToken`` hands out a fixed password that expired in 2015. This
wrapper replaces it before the server starts, so that every call issues a fresh random
password of 2,500+ characters valid for 12 hours, and records it where the registry's nginx
front reads its accepted passwords:

- ``DIR/issued/<region>/<key>``: one ``AWS:{SHA}<base64 sha1>`` line, the nginx
  ``auth_basic_user_file`` for that password. nginx checks only the first line whose user
  matches, so a file of many ``AWS:`` lines would accept only the oldest password; instead
  nginx picks the file by ``<key>``, 32 characters cut from the ``Authorization`` header
  (see ``token_key``), then checks the whole password against its SHA-1. nginx reads the
  file on each request, so a password works as soon as it is issued, for 12 hours, on every
  registry host of its region, as in real ECR.
- ``DIR/passwords``: ``<region> <password>`` lines, for the tests to look for leaks.
- ``DIR/faults/<region>``: if this file exists, GetAuthorizationToken in that region fails
  with the error code written in it (default ``AccessDeniedException``), to test that one
  failing region does not stop the others.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import secrets
import sys
import threading
import time
from datetime import UTC
from pathlib import Path
from typing import Any

TOKEN_TTL_SECONDS = 12 * 3600
# Real ECR passwords are 2.5-3.2 KB of base64 text; stay in that range.
PASSWORD_BYTES = 1900

_lock = threading.Lock()


def token_key(password: str) -> str | None:
    """The part of `Basic base64("AWS:<password>")` that names the password's auth file.

    Characters 8-40 of the base64 text depend on the password only; a key with a "/" cannot
    be a file name, so such passwords are not issued (nginx's map matches no "/" there).
    """
    encoded = base64.b64encode(f"AWS:{password}".encode()).decode()
    key = encoded[8:40]
    return None if "/" in key else key


def new_password() -> tuple[str, str]:
    """A random password like ECR's (2,500+ characters), and its key."""
    while True:
        password = base64.b64encode(secrets.token_bytes(PASSWORD_BYTES)).decode("ascii")
        key = token_key(password)
        if key is not None:
            return password, key


def htpasswd_line(password: str) -> str:
    digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()
    return f"AWS:{{SHA}}{digest}\n"


def record(auth_dir: Path, region: str, password: str, key: str) -> None:
    region_dir = auth_dir / "issued" / region
    region_dir.mkdir(parents=True, exist_ok=True)
    # Written before the token is returned, so the registry accepts it from the first use.
    (region_dir / key).write_text(htpasswd_line(password), encoding="ascii")
    with _lock, open(auth_dir / "passwords", "a", encoding="ascii") as f:
        f.write(f"{region} {password}\n")


def install(auth_dir: Path) -> None:
    """Replace moto's GetAuthorizationToken; must run before the server starts."""
    from datetime import datetime

    from moto.core.exceptions import JsonRESTError
    from moto.core.responses import ActionResult
    from moto.ecr.responses import ECRResponse

    def get_authorization_token(self: Any) -> ActionResult:
        region: str = self.region
        fault = auth_dir / "faults" / region
        if fault.exists():
            code = fault.read_text().strip() or "AccessDeniedException"
            raise JsonRESTError(code, f"injected fault for region {region}")
        registry_ids = self._get_param("registryIds") or [self.current_account]
        expires = datetime.fromtimestamp(time.time() + TOKEN_TTL_SECONDS, tz=UTC)
        auth_data = []
        for registry_id in registry_ids:
            password, key = new_password()
            record(auth_dir, region, password, key)
            token = base64.b64encode(f"AWS:{password}".encode()).decode()
            auth_data.append(
                {
                    "authorizationToken": token,
                    "expiresAt": expires,
                    "proxyEndpoint": f"https://{registry_id}.dkr.ecr.{region}.amazonaws.com",
                }
            )
        return ActionResult({"authorizationData": auth_data})

    ECRResponse.get_authorization_token = get_authorization_token  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--auth-dir", type=Path, required=True)
    args, moto_args = parser.parse_known_args(argv)
    install(args.auth_dir)
    from moto.server import main as moto_main

    moto_main(moto_args)


if __name__ == "__main__":
    main(sys.argv[1:])
