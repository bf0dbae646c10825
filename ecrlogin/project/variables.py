"""Variables in image references, substituted the way Dockerfiles and compose files do it."""

from __future__ import annotations

import re
from collections.abc import Mapping

Scope = Mapping[str, str | None]  # name -> value; None: declared without a value

# ${NAME:-word}'s word may hold one ${OTHER} of its own: ${REGISTRY:-${DEFAULT_REGISTRY}}
_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>(?:\$\{[^}]*\}|[^}])*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def substitute(word: str, scope: Scope) -> str:
    """`word` with `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alt}` replaced from `scope`.

    A variable that has no value is left as written, so that the caller can tell.
    """

    def replace(match: re.Match[str]) -> str:
        name = match["braced"] or match["bare"]
        value = scope.get(name)
        op, alternative = match["op"], substitute(match["word"] or "", scope)
        if op is None:
            return value if value is not None else match[0]
        if op == ":-":
            return value if value else alternative
        if op == "-":
            return value if value is not None else alternative
        if op == ":+":
            return alternative if value else ""
        return alternative if value is not None else ""  # "+"

    return _VARIABLE.sub(replace, word)
