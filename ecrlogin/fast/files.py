"""What the fast path reads, read the way the full CLI reads it, with light modules only: the
AWS config and credentials files (as `identity.profiles`), Docker's config.json (as
`sinks.dockerconfig`), ecrlogin's state (as `state`) and botocore's partitions.json (as
`registry`). Tests hold each reader to the module it mirrors. Anything unusual is `Unsure`:
the full CLI reads it again and says what is wrong.
"""

from __future__ import annotations

import os
import stat
import sys

from ecrlogin import lightjson
from ecrlogin.awsfiles import DEFAULT_CONFIG_FILE, DEFAULT_CREDENTIALS_FILE, AwsFiles
from ecrlogin.fast import inifile
from ecrlogin.lighttime import datetime
from ecrlogin.names import is_region_name

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    Section = Mapping[str, str]

STATE_VERSION = 2  # state.VERSION
MAX_BYTES = 16 * 1024 * 1024  # files.MAX_BYTES
_RECORD_KEYS = frozenset(
    {"host", "source", "profile", "account", "region", "identity", "expires_at", "stored_in"}
    | {"fingerprint", "identity_print", "place"}
)
_REQUIRED_KEYS = _RECORD_KEYS - {"identity_print", "place"}
_STRING_KEYS = ("host", "source", "region", "stored_in")  # never null in `state.Record`


class Unsure(Exception):
    """The fast path cannot answer exactly as the full CLI would: hand over to it."""


def aws_files(environ: Mapping[str, str]) -> AwsFiles:
    """The AWS files as `identity.profiles.aws_files` reads them (same grouping, `awsfiles`)."""
    return AwsFiles(
        _ini(environ.get("AWS_CONFIG_FILE") or DEFAULT_CONFIG_FILE),
        _ini(environ.get("AWS_SHARED_CREDENTIALS_FILE") or DEFAULT_CREDENTIALS_FILE),
    )


def _ini(name: str) -> dict[str, Section]:
    path = os.path.expanduser(name)
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as lines:
            return dict(inifile.sections(lines))
    except (inifile.NotSimple, OSError, ValueError):
        pass  # configparser itself gives the answer (or its error)
    import configparser

    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        raise Unsure from None  # botocore gives the real error on the full path
    return {title: dict(parser.items(title)) for title in parser.sections()}


def json_object(path: str) -> dict[str, Any]:
    """As `files.read_json_object` after `safepaths.check_trusted`: missing or blank is {};
    anything the full CLI would refuse, warn about or look at twice is Unsure (another user's
    file or folder on the way, a link, no regular file, too big, NaN, too deep, not an object)."""
    if not _trusted(path):
        raise Unsure
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block
    except FileNotFoundError:
        return {}
    except OSError:
        raise Unsure from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            raise Unsure
        raw = os.read(fd, info.st_size + 1)
    finally:
        os.close(fd)
    if not raw.strip():
        return {}
    try:
        data = lightjson.loads(raw)  # refuses NaN and Infinity, as the full CLI does
    except (ValueError, RecursionError):
        raise Unsure from None
    if not isinstance(data, dict):
        raise Unsure
    return data


def _trusted(path: str) -> bool:
    """Every folder on the way is ours or root's and no one else may write into it, and the file
    is no link: the cases where `safepaths.check_trusted` has nothing to say."""
    if sys.platform == "win32":
        return True
    me = os.geteuid()
    if os.path.islink(path):
        return False
    resolved = os.path.realpath(path)
    entry = os.sep
    for part in ["", *resolved.strip(os.sep).split(os.sep)]:
        entry = os.path.join(entry, part) if part else entry
        try:
            info = os.lstat(entry)
        except FileNotFoundError:
            return True
        except OSError:
            return False
        if info.st_uid not in (me, 0) and me != 0:
            return False
        if stat.S_ISDIR(info.st_mode) and info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
            return False
    return True


def docker_config(path: str) -> dict[str, Any]:
    """config.json as `dockerconfig.load` accepts it (anything it refuses is Unsure)."""
    data = json_object(path)
    auths, helpers = data.get("auths", {}), data.get("credHelpers", {})
    if not isinstance(auths, dict) or not all(
        isinstance(e, dict) and isinstance(e.get("auth", ""), str) for e in auths.values()
    ):
        raise Unsure
    if not isinstance(helpers, dict) or not all(isinstance(v, str) for v in helpers.values()):
        raise Unsure
    if not isinstance(data.get("credsStore", ""), str):
        raise Unsure
    return data


def state_dir(environ: Mapping[str, str]) -> str:
    """As `state.state_dir`: ECRLOGIN_STATE_DIR, else platformdirs' user state dir (Linux)."""
    if environ.get("ECRLOGIN_STATE_DIR"):
        return os.path.expanduser(environ["ECRLOGIN_STATE_DIR"])
    if not sys.platform.startswith("linux"):
        raise Unsure  # platformdirs knows the other platforms' rules
    base = environ.get("XDG_STATE_HOME", "")
    if not base.strip():
        base = os.path.expanduser("~/.local/state")
    return os.path.join(base, "ecrlogin")


class Record:
    """A state record as the rules read it (see `state.Record`)."""

    __slots__ = ("data", "expires_at")

    def __init__(self, data: object) -> None:
        if not (isinstance(data, dict) and _REQUIRED_KEYS <= set(data) <= _RECORD_KEYS):
            raise Unsure  # the full CLI would drop the whole state
        self.data: dict[str, Any] = data
        for key, value in data.items():  # each a string or null, as `state.Record` types them
            if value is not None and key != "expires_at" and not isinstance(value, str):
                raise Unsure
        if not all(isinstance(data[key], str) for key in _STRING_KEYS):
            raise Unsure
        if not _known_region(data["region"]):
            raise Unsure  # the full CLI warns and drops the whole state
        expires = data.get("expires_at")
        try:
            self.expires_at = datetime.fromisoformat(expires) if expires else None
        except (TypeError, ValueError):
            raise Unsure from None
        if self.expires_at is not None and self.expires_at.tzinfo is None:
            raise Unsure

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            raise Unsure
        return value

    @property
    def fingerprint(self) -> str | None:
        return self.text("fingerprint")

    @property
    def identity_print(self) -> str | None:
        return self.text("identity_print")

    @property
    def place(self) -> str | None:
        return self.text("place")


class State:
    __slots__ = ("accounts", "records", "regions")

    def __init__(self, directory: str) -> None:
        data = json_object(os.path.join(directory, "state.json"))
        if data.get("version") != STATE_VERSION:
            raise Unsure  # the full CLI treats it as empty: nothing is cached
        records, accounts, regions = (
            data.get("records", []),
            data.get("accounts", {}),
            data.get("regions", {}),
        )
        if not isinstance(records, list) or not isinstance(accounts, dict):
            raise Unsure
        self.records = [Record(item) for item in records]
        self.accounts: dict[str, str] = accounts
        self.regions: dict[str, Any] = regions if isinstance(regions, dict) else {}

    def find(self, source: str, host: str, place: str) -> Record | None:
        return next(
            (
                r
                for r in self.records
                if (r.data["source"], r.data["host"], r.place) == (source, host, place)
            ),
            None,
        )


def _known_region(region: str) -> bool:
    """As `registry.check_region`: a region name of one of botocore's partitions (each region
    checked once per run: a state holds many records of the same few)."""
    if region not in _regions_checked:
        _regions_checked[region] = _check_region(region)
    return _regions_checked[region]


_regions_checked: dict[str, bool] = {}


def _check_region(region: str) -> bool:
    if not is_region_name(region):
        return False
    known = partitions()
    return any(region in p.get("regions", {}) for p in known) or any(
        matches_pattern(p, region) for p in known
    )


def matches_pattern(partition: Mapping[str, Any], region: str) -> bool:
    """The partition's `regionRegex` matches `region`: for regions newer than botocore's lists
    (rare: `re` costs ~15 ms to import)."""
    import re

    return re.fullmatch(partition["regionRegex"], region) is not None


_read_once: dict[str, list[dict[str, Any]]] = {}


def partitions() -> list[dict[str, Any]]:
    """botocore's partitions.json, found without importing botocore; read once per run (every
    state record's region is checked against it)."""
    if "partitions" not in _read_once:
        _read_once["partitions"] = _partitions()
    return _read_once["partitions"]


def _partitions() -> list[dict[str, Any]]:
    for entry in sys.path:
        package = os.path.join(entry or ".", "botocore")
        if os.path.isfile(os.path.join(package, "__init__.py")):
            found: list[dict[str, Any]] = json_object(
                os.path.join(package, "data", "partitions.json")
            ).get("partitions", [])
            return found
    raise Unsure
