"""variables: $NAME, ${NAME}, ${NAME:-default}, ${NAME:+alt}; what has no value stays visible."""

from __future__ import annotations

import pytest

from ecrlogin.project.variables import substitute


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("${A}/${B}", "a/${B}"),
        ("${EMPTY:-d}|${EMPTY-d}|${NONE-d}", "d||d"),
        ("${A:+alt}|${EMPTY:+alt}|${EMPTY+alt}", "alt||alt"),
        ("$A$A", "aa"),
        ("${A:?must be set}", "${A:?must be set}"),  # not a form we know: left alone
        ("${MISSING:-${A}}/x", "a/x"),
        ("\\$A.x", "\\a.x"),
    ],
)
def test_substitute(word: str, expected: str) -> None:
    assert substitute(word, {"A": "a", "EMPTY": "", "NONE": None}) == expected


def test_deeper_nesting_is_not_read_but_stays_visible() -> None:
    assert "$" in substitute("${MISSING:-${B:-${A}}}.dkr.ecr", {"A": "a"})
