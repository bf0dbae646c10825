"""A project file as `tomllib` reads it, for the files people write (`key = "string"`,
`key = ["string", …]` over one or more lines, comments), without importing `tomllib`, `re` and
`datetime` (~20 ms a run). Anything else (tables, numbers, escapes, dotted or quoted keys…) is
`NotSimple`, and the caller asks `tomllib` itself. A property test holds every answer to
`tomllib`'s.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    Value = str | list[str]

_BARE_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_CONTROL = frozenset(chr(c) for c in (*range(0x20), 0x7F)) - {"\t", "\n"}
_SPACE = " \t"


class NotSimple(Exception):
    """A file only `tomllib` itself reads right (or rejects)."""


def loads(text: str) -> dict[str, Value]:
    """{key: string or list of strings}, as `tomllib.loads(text)` answers."""
    text = text.replace("\r\n", "\n")
    if _CONTROL.intersection(text):
        raise NotSimple  # a lone CR, a control character: tomllib's rules
    reader = _Reader(text)
    found: dict[str, Value] = {}
    while reader.skip_blank_lines():
        key = reader.key()
        if key in found:
            raise NotSimple  # tomllib refuses a duplicate key
        found[key] = reader.value()
        reader.end_of_line()
    return found


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def skip(self, characters: str) -> None:
        while self.at < len(self.text) and self.text[self.at] in characters:
            self.at += 1

    def skip_comment(self) -> None:
        if self.text.startswith("#", self.at):
            end = self.text.find("\n", self.at)
            self.at = len(self.text) if end < 0 else end

    def skip_blank_lines(self) -> bool:
        """Past blank and comment lines; False at the end of the text."""
        while True:
            self.skip(_SPACE)
            self.skip_comment()
            if not self.text.startswith("\n", self.at):
                return self.at < len(self.text)
            self.at += 1

    def key(self) -> str:
        start = self.at
        self.skip(_BARE_KEY)
        key = self.text[start : self.at]
        self.skip(_SPACE)
        if not key or not self.text.startswith("=", self.at):
            raise NotSimple  # a table, a dotted or quoted key, no `=`
        self.at += 1
        self.skip(_SPACE)
        return key

    def value(self) -> Value:
        if self.text.startswith("[", self.at):
            self.at += 1
            return self.array()
        return self.string()

    def string(self) -> str:
        quote = self.text[self.at : self.at + 1]
        end = self.text.find(quote, self.at + 1) if quote in ('"', "'") else -1
        if end < 0:
            raise NotSimple  # a number, a boolean, a date, an inline table…
        found = self.text[self.at + 1 : end]
        if "\n" in found or (quote == '"' and "\\" in found):
            raise NotSimple  # escapes, a newline: tomllib's rules
        self.at = end + 1
        return found

    def array(self) -> list[str]:
        items: list[str] = []
        while True:
            self.skip_blank_lines()
            if self.text.startswith("]", self.at):
                self.at += 1
                return items
            items.append(self.string())
            self.skip_blank_lines()
            if self.text.startswith(",", self.at):
                self.at += 1
            elif not self.text.startswith("]", self.at):
                raise NotSimple

    def end_of_line(self) -> None:
        self.skip(_SPACE)
        self.skip_comment()
        if self.at < len(self.text) and self.text[self.at] != "\n":
            raise NotSimple  # something after the value
