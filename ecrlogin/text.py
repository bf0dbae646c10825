"""Outside text made safe to show on a terminal.

AWS error messages, helper and daemon output, names from config files and identities read back
from the state file are not ours: a byte such as ESC can retitle the terminal (OSC 0), write the
clipboard (OSC 52) or clear the screen. `shown` keeps such text readable and inert: whitespace
controls become one space, every other control character (C0, DEL, C1) and the Unicode controls
that reorder or hide text become a visible escape such as `\\x1b` or `\\u202e`.

Cheap to import (only `re`, compiled once on first use): it sits on error paths and in output.
"""

from __future__ import annotations

import re
from functools import cache

_WHITESPACE = "\t\n\v\f\r"
# bidi embeddings/overrides/isolates, zero-width and other invisible format characters
_INVISIBLE = "\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"


@cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x9f{_INVISIBLE}]|[{_WHITESPACE}]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _WHITESPACE:
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """`text` with every control character escaped visibly (whitespace controls: a space)."""
    return _unsafe().sub(_escape, text)
