"""ecrlogin.text: outside text shown with its control characters visible and inert."""

from __future__ import annotations

import pytest

from ecrlogin.text import shown


@pytest.mark.parametrize(
    ("raw", "seen"),
    [
        ("plain text, ünïcode, 日本", "plain text, ünïcode, 日本"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("\x1b]52;c;ZXZpbA==\x1b\\", "\\x1b]52;c;ZXZpbA==\\x1b\\"),
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),
        ("a\x00b\x7fc\x9bd", "a\\x00b\\x7fc\\x9bd"),
        ("line\nnext\r\tend", "line next  end"),
        ("evil\u202egnp.exe", "evil\\u202egnp.exe"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("[red]x[/]", "[red]x[/]"),
    ],
)
def test_shown_escapes_controls_visibly(raw: str, seen: str) -> None:
    assert shown(raw) == seen
    assert shown(shown(raw)) == shown(raw)  # escaping twice changes nothing
