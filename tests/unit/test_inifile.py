"""fast.inifile: whatever it reads, it reads exactly as configparser does; the rest it leaves to
configparser."""

from __future__ import annotations

import configparser
import contextlib
import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrlogin.fast import inifile

WORDS = st.text(alphabet="abKé_- ", min_size=1, max_size=5)
OPTIONS = st.builds(
    "{}{}{}".format,
    WORDS,
    st.sampled_from(["=", " = ", ":", " : ", "= "]),
    st.text(alphabet="ab =:%#;é", max_size=6),
)
SECTIONS = st.builds("[{}]".format, WORDS)
COMMENTS = st.sampled_from(["# comment", "; comment", "   # indented", "", "   "])
ODD = st.sampled_from(
    ["[DEFAULT]", "[]", "[a]b]", " [b]", "= value", "novalue", "  more", "\tmore", "\x0cf=1"]
)
TEXTS = st.lists(
    st.one_of(OPTIONS, OPTIONS, SECTIONS, COMMENTS, ODD, st.text(max_size=12)), max_size=12
).map(lambda lines: "\n".join(["[profile z]", *lines]))
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


def configparser_answer(path: str) -> dict[str, dict[str, str]] | type[Exception]:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return configparser.Error
    return {title: dict(parser.items(title)) for title in parser.sections()}


@settings(max_examples=400)
@given(TEXTS, ENDINGS)
def test_every_answer_is_configparsers(text: str, ending: str) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", suffix=".ini") as file:
        file.write(text.replace("\n", ending))
        file.flush()
        expected = configparser_answer(file.name)
        with open(file.name, encoding="utf-8") as lines, contextlib.suppress(inifile.NotSimple):
            assert inifile.sections(lines) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[profile a]\nregion = eu-west-1\n\n# c\n[default]\nX=1\n",
            {"profile a": {"region": "eu-west-1"}, "default": {"x": "1"}},
        ),
        ("[a]\nk: v = w\n", {"a": {"k": "v = w"}}),
        (
            "[a]\ns3 =\n  x = 1\n\n  # c\n\ty = 2\n\nk=v\n",
            {"a": {"s3": "\nx = 1\n\ny = 2", "k": "v"}},
        ),
        ("", {}),
    ],
)
def test_the_files_people_write_are_read_without_configparser(
    text: str, expected: dict[str, dict[str, str]]
) -> None:
    assert inifile.sections(text.splitlines(keepends=True)) == expected


@pytest.mark.parametrize(
    "text", ["[a]\n  k = v\n", "[DEFAULT]\nk = v\n", "k = v\n", "[a]\n[a]\n", "[a]\nk=1\nK=2\n"]
)
def test_the_rest_is_left_to_configparser(text: str) -> None:
    with pytest.raises(inifile.NotSimple):
        inifile.sections(text.splitlines(keepends=True))
