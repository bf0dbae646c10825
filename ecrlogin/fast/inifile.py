"""The AWS config and credentials files as `configparser.RawConfigParser` reads them, for the
files people write (`[section]` lines, `key = value` lines, indented continuation lines as in
`s3 =` sub-settings, comments, blank lines), without importing `configparser` and `re` (~20 ms
a run). Anything else (an indented line that continues nothing, `[DEFAULT]`, a duplicate, a
line that is neither) is `NotSimple`, and the caller asks `configparser` itself. A property
test holds every answer to `configparser`'s.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Iterable

_COMMENT_PREFIXES = ("#", ";")
_DELIMITERS = "=:"


class NotSimple(Exception):
    """A file only `configparser` itself reads right."""


def sections(lines: Iterable[str]) -> dict[str, dict[str, str]]:
    """{section title: {lower-cased key: value}}, as `{t: dict(p.items(t)) for t in p.sections()}`
    after `p.read(...)`, for lines as a text-mode file yields them."""
    found: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    value: list[str] | None = None  # the lines of the option a continuation line would extend
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(_COMMENT_PREFIXES):
            continue
        if not stripped or line[0].isspace():
            if value is None and stripped:
                raise NotSimple  # an indented line that continues nothing: configparser's rules
            if value is not None:
                value.append(stripped)  # a blank line too: configparser keeps it, then rstrips
            continue
        if stripped[0] == "[":
            current, value = found.setdefault(_title(stripped, found), {}), None
            continue
        if current is None:
            raise NotSimple  # configparser: a missing section header
        key, first = _option(stripped)
        if key in current:
            raise NotSimple  # configparser (strict): a duplicate option
        value = current[key] = [first]
    return {t: {k: "\n".join(v).rstrip() for k, v in s.items()} for t, s in found.items()}


def _title(stripped: str, found: dict[str, dict[str, list[str]]]) -> str:
    title = stripped[1:-1]
    if not stripped.endswith("]") or not title or title == "DEFAULT" or title in found:
        raise NotSimple  # text after the bracket, defaults, a duplicate section
    return title


def _option(stripped: str) -> tuple[str, str]:
    at = min((stripped.find(d) for d in _DELIMITERS if d in stripped), default=-1)
    key = stripped[:at].rstrip().lower()
    if at < 0 or not key:
        raise NotSimple  # no delimiter, or no key: configparser reports a parsing error
    return key, stripped[at + 1 :].strip()
