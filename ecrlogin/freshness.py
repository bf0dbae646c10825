"""The one set of cache rules: may a registry be skipped because the token ecrlogin stored is
still there and still good? And is a remembered region list still good?

Used by the login flow (the fast path only replays what it decided: `ecrlogin.answers`, which
digests with this module's `sha256`). Standard library only, and only its light modules (no
dataclasses, logging, typing or pathlib at run time): every import here is paid on every run,
the fast path's too.
"""

from __future__ import annotations

from ecrlogin import lightjson
from ecrlogin.lighttime import datetime, timedelta

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from typing import Any, Protocol

    class Stored(Protocol):
        """What the rules read of a state record (`state.Record`)."""

        @property
        def expires_at(self) -> datetime | None: ...
        @property
        def entry_print(self) -> str | None: ...
        @property
        def identity_print(self) -> str | None: ...
        @property
        def place(self) -> str | None: ...

    SectionsOf = Callable[[str, str], Iterable[tuple[str, Mapping[str, str]]]]

# Values that change with every credential refresh, or that are secrets: never hashed in.
VOLATILE_KEYS = frozenset(
    {"aws_secret_access_key", "aws_session_token", "aws_security_token", "x_security_token_expires"}
)
_CHAIN_KEYS = ("source_profile", "sso_session")
if TYPE_CHECKING:
    from hashlib import sha256 as sha256  # shared: answers.py digests with it too
else:  # CPython's own SHA-256 (the same digest): hashlib would load OpenSSL, ~3 ms every run
    try:
        from _sha256 import sha256  # Python 3.11
    except ImportError:  # pragma: no cover
        try:
            from _sha2 import sha256  # Python 3.12+
        except ImportError:  # other interpreters
            from hashlib import sha256
REGION_LIST_LIFE = timedelta(hours=24)  # all-regions remembers a region list this long


def still_valid(
    record: Stored | None,
    *,
    identity_print: str,
    place: str,
    held_fingerprint: str | None,
    now: datetime,
    min_ttl: timedelta,
) -> bool:
    """True when `record` is ecrlogin's own entry, stored for this identity's current definition
    in this very config, unchanged since (same fingerprint), and valid for `min_ttl` more."""
    if record is None or record.expires_at is None or record.entry_print is None:
        return False
    return (
        record.identity_print == identity_print
        and record.place == place
        and record.entry_print == held_fingerprint
        and record.expires_at - now >= min_ttl
    )


def store_label(config: Mapping[str, Any], host: str) -> str:
    """Where docker keeps `host`'s credentials: `credHelpers:<name>`, `credsStore:<name>` or
    `config.json` (docker's own order)."""
    helper = (config.get("credHelpers") or {}).get(host)
    if helper:
        return f"credHelpers:{helper}"
    if config.get("credsStore"):
        return f"credsStore:{config['credsStore']}"
    return "config.json"


def entry_fingerprint(config: Mapping[str, Any], host: str) -> str | None:
    """A short digest of what docker holds for `host` (never reversible to the secret): a
    token rewritten since by another tool no longer matches the record."""
    entry = (config.get("auths") or {}).get(host)
    if entry is None:
        return None
    seen = lightjson.dumps_sorted(entry) + store_label(config, host)
    return digest(seen, 16)


def digest(text: str, size: int) -> str:
    """The first `size` hex digits of SHA-256 of `text` (never reversible to a secret)."""
    return sha256(text.encode()).hexdigest()[:size]


# The variables botocore's credential chain (and who answers it) reads for a run, besides the
# AWS files: each is part of the identity key (DESIGN v3, "The identity in effect").
IDENTITY_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
)
IDENTITY_KEY_VERSION = "3"  # DESIGN v3: records keyed before the environment counted are misses
HASHED_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")  # secrets: only their digest
ENDPOINT_VARIABLES = "AWS_ENDPOINT_URL"  # AWS_ENDPOINT_URL and every AWS_ENDPOINT_URL_<SERVICE>


def environment_lines(environ: Mapping[str, str]) -> list[str]:
    """`env NAME=value` for each identity variable set (a session token by its digest)."""
    lines = [f"env {name}={environ[name]}" for name in IDENTITY_VARIABLES if name in environ]
    lines += [
        f"env {name}#{digest(environ[name], 32)}" for name in HASHED_VARIABLES if name in environ
    ]
    endpoints = sorted(name for name in environ if name.startswith(ENDPOINT_VARIABLES))
    return lines + [f"env {name}={environ[name]}" for name in endpoints]


def identity_fingerprint(
    source: str, sections_of: SectionsOf, environ: Mapping[str, str] | None = None
) -> str:
    """A digest of the profile's sections (following source_profile and sso_session) in the
    config and credentials files, or of the environment's access key id (`source` says which),
    and of every identity variable (`environment_lines`; `environ` defaults to os.environ).

    `sections_of(kind, name)` yields (file label, section) pairs, as the AWS files hold them.
    """
    if environ is None:
        import os

        environ = os.environ
    digest = sha256(f"{IDENTITY_KEY_VERSION}\0{source}".encode())
    if source.startswith("profile:"):
        for line in definition(source.removeprefix("profile:"), sections_of):
            digest.update(b"\0" + line.encode())
    for line in environment_lines(environ):
        digest.update(b"\0" + line.encode())
    return digest.hexdigest()[:16]


def definition(name: str, sections_of: SectionsOf) -> list[str]:
    """`section key=value` lines that define profile `name`, secrets and refresh data left out."""
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    pending = [("profile", name)]
    while pending:
        kind, current = pending.pop()
        if (kind, current) in seen:
            continue  # a source_profile loop: botocore refuses it; the digest just stops
        seen.add((kind, current))
        for label, section in sections_of(kind, current):
            for key in sorted(section):
                if key not in VOLATILE_KEYS:
                    lines.append(f"{label} {kind} {current} {key}={section[key]}")
            for key in _CHAIN_KEYS:
                if key in section:
                    pending.append(
                        ("sso-session" if key == "sso_session" else "profile", section[key])
                    )
    return lines


def remembered_regions(entry: object, now: datetime) -> list[str] | None:
    """The region list remembered for an identity, while younger than 24 h; else None (ask
    DescribeRegions again). `entry` is what the state holds: {"regions": [...], "at": ISO}."""
    if not isinstance(entry, dict):
        return None
    regions, at = entry.get("regions"), entry.get("at")
    if not (isinstance(regions, list) and all(isinstance(r, str) for r in regions)):
        return None
    try:
        asked = datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        return None
    if asked is None or asked.tzinfo is None or not (now - REGION_LIST_LIFE < asked <= now):
        return None
    return list(regions)


def region_list_entry(regions: Sequence[str], now: datetime) -> dict[str, object]:
    """What the state remembers of one DescribeRegions answer."""
    return {"regions": list(regions), "at": now.isoformat()}
