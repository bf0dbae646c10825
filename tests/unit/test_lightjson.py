"""lightjson: the same answers as `json`, without importing it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecrlogin import lightjson

documents = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@given(documents, st.sampled_from([None, "\t", 2]))
def test_loads_reads_what_json_writes(value: object, indent: str | int | None) -> None:
    text = json.dumps(value, indent=indent)
    assert lightjson.loads(text) == json.loads(text)
    assert lightjson.loads(("\n " + text + "\n").encode()) == value


@given(documents)
def test_dumps_sorted_is_json_dumps_with_sorted_keys(value: object) -> None:
    assert lightjson.dumps_sorted(value) == json.dumps(value, sort_keys=True)


@given(st.text())
def test_quote_is_json_dumps(text: str) -> None:
    assert lightjson.quote(text) == json.dumps(text)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "{",
        '{"a": 1} {}',
        '{"a": 1}x',
        "NaN",
        "-Infinity",
        '{"a": NaN}',
        "[1,]",
        b"\xff{}",
    ],
)
def test_anything_but_one_document_is_refused(raw: str | bytes) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - json's own errors are ValueErrors too
        lightjson.loads(raw)


def test_errors_in_a_fresh_interpreter_are_value_errors() -> None:
    probe = (
        "import sys; from ecrlogin import lightjson\n"
        "for raw in ('{\"a\": \"torn', '[1,]', '{\"a\" 1}'):\n"
        "    try: lightjson.loads(raw)\n"
        "    except ValueError: pass\n"
        "    else: sys.exit('parsed ' + raw)\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
