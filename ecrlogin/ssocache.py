"""The SSO token cache that botocore and AWS CLI v2 share: `~/.aws/sso/cache/<sha1>.json`.

botocore's `SSOTokenProvider` (an `sso_session` profile) and its legacy SSO credential fetcher
(`sso_start_url` in the profile) read it from the home directory, as `os.path.expanduser("~")`
finds it; there is no variable to move it. Written like every file of ecrlogin's: owner-only,
whole (temp file, fsync, rename), never through a link or in a directory another user controls.
"""

from __future__ import annotations

import os
from pathlib import Path

from ecrlogin import files


def cache_dir() -> Path:
    return Path(os.path.expanduser(os.path.join("~", ".aws", "sso", "cache")))


def write(name: str, entry: dict[str, str], *, directory: Path | None = None) -> Path:
    """Replace the cache file `name` with `entry`; the path written."""
    where = directory or cache_dir()
    files.ensure_dir(where)
    path = where / name
    with files.locked(where):
        files.write_json_atomic(path, dict(entry))
    return path
