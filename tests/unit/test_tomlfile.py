"""fast.tomlfile: whatever it reads, it reads exactly as tomllib does; the rest it leaves to
tomllib."""

from __future__ import annotations

import contextlib
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrlogin.fast import tomlfile

STRINGS = st.text(alphabet="ab\\é\t\"'#,[] ", max_size=6)
QUOTED = st.builds('"{}"'.format, STRINGS) | st.builds("'{}'".format, STRINGS)
SPACE = st.sampled_from(["", " ", "\t", "\n", " # c\n", "\r\n"])
ARRAYS = st.lists(st.tuples(SPACE, QUOTED, SPACE), max_size=3).map(
    lambda items: "[" + ",".join(a + q + b for a, q, b in items) + "]"
) | st.builds("[{}{}, ]".format, SPACE, QUOTED)
KEYS = st.sampled_from(["registries", "min_ttl", "to", "a-b_1", "a.b", '"q"', "é", ""])
PAIRS = st.builds("{} = {}{}".format, KEYS, QUOTED | ARRAYS, st.sampled_from(["", " # x", " x"]))
ODD = st.sampled_from(["[table]", "n = 1", "b = true", 'm = """x"""', "k = ", "\x7f", "\x00"])
TEXTS = st.lists(st.one_of(PAIRS, PAIRS, SPACE, ODD, st.text(max_size=8)), max_size=6).map(
    "\n".join
)


@settings(max_examples=400)
@given(TEXTS)
def test_every_answer_is_tomllibs(text: str) -> None:
    try:
        expected: object = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        expected = tomllib.TOMLDecodeError
    with contextlib.suppress(tomlfile.NotSimple):
        assert tomlfile.loads(text) == expected


def test_the_files_people_write_are_read_without_tomllib() -> None:
    text = '# app\nregistries = [\n  "a/b:1", # one\n  \'c\',\n]\r\nmin_ttl = "2h"  # x\n'
    assert tomlfile.loads(text) == {"registries": ["a/b:1", "c"], "min_ttl": "2h"}


@pytest.mark.parametrize(
    "text",
    ["[t]\n", "a = 1\n", 'a = "\\u0041"\n', 'a = """x"""\n', 'a = "x" y\n', "a = 'x'\na = 'y'\n"],
)
def test_the_rest_is_left_to_tomllib(text: str) -> None:
    with pytest.raises(tomlfile.NotSimple):
        tomlfile.loads(text)
