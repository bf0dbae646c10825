"""The command lines the fast path understands, parsed by hand (click alone costs ~28 ms to
import). Anything else, any doubt, is `None`: the full CLI parses it and says what is wrong."""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Sequence

COMMANDS = frozenset({"login", "all-regions", "status", "logout", "password", "completion"})
_VALUES = {
    "-p": "profiles",
    "--profile": "profiles",
    "-r": "regions",
    "--region": "regions",
    "--include": "include",
    "--exclude": "exclude",
    "--min-ttl": "min_ttl",
    "--docker-config": "docker_config",
    "-o": "output",
    "--output": "output",
    "--to": "to",
}
_FLAGS = {"-q": "quiet", "--quiet": "quiet", "--no-project": "no_project"}
_LOGIN_ONLY = frozenset({"regions", "references", "no_project"})
_ALL_REGIONS_ONLY = frozenset({"include", "exclude"})


class Args:
    """A login or all-regions command line; lists keep the order given."""

    __slots__ = ("command", "given", "values")

    def __init__(self) -> None:
        self.command = "login"
        self.values: dict[str, list[str]] = {}
        self.given: set[str] = set()

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def last(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[-1] if found else None  # click keeps the last of a single-value option

    def flag(self, name: str) -> bool:
        return name in self.given

    @property
    def fmt(self) -> str:
        return self.last("output") or "table"


def parse(argv: Sequence[str]) -> Args | None:
    args = Args()
    words = list(argv)
    positional: list[str] = []
    while words:
        word = words.pop(0)
        name, value = _option(word, words)
        if name is None:
            return None
        if name == "":
            positional.append(word)
        elif value is None:
            args.given.add(name)
        else:
            args.values.setdefault(name, []).append(value)
            args.given.add(name)
    if positional and positional[0] in COMMANDS:
        args.command = positional.pop(0)
    if any(word in COMMANDS for word in positional[:1]) or args.command not in (
        "login",
        "all-regions",
    ):
        return None
    if positional:
        args.values["references"] = positional
        args.given.add("references")
    return args if _fits(args) else None


def _option(word: str, rest: list[str]) -> tuple[str | None, str | None]:
    """(option name, value): ("", None) for a positional word; (None, None) when unsure."""
    if not word.startswith("-"):
        return "", None
    if word in _FLAGS:
        return _FLAGS[word], None
    flag, equals, attached = word.partition("=")
    if equals and flag.startswith("--") and flag in _VALUES:
        return _VALUES[flag], attached
    if word in _VALUES and rest and not rest[0].startswith("-"):
        return _VALUES[word], rest.pop(0)
    return None, None


def _fits(args: Args) -> bool:
    """Only what the fast path can answer exactly as the full CLI would."""
    other = _ALL_REGIONS_ONLY if args.command == "login" else _LOGIN_ONLY
    if args.given & other:
        return False
    if args.last("to") not in (None, "docker"):
        return False
    quiet = args.flag("quiet")
    return args.fmt == "json" or (args.fmt == "table" and quiet)  # a table is drawn by rich
