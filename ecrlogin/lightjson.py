"""JSON for the cached paths (the fast path, the helper's cache hit) without the `json` package,
which imports `re` (and `re`, `enum`, `functools`: ~15 ms a run): CPython's own C scanner and
encoder (`_json`, what `json` itself runs on), with `json` as the fallback where `_json` is
missing. Strict: one document, nothing after it, no NaN. Tests hold every answer to `json`'s.
"""

from __future__ import annotations

_WHITESPACE = " \t\n\r"


class _Context:
    """What `_json.make_scanner` reads from `json.JSONDecoder`, with json.loads's defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str) -> object:
        raise ValueError(f"{name} is not allowed here")


def loads(raw: bytes | str) -> object:
    """The one JSON document in `raw`; `ValueError` for anything else."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    try:
        import _json
    except ImportError:  # not CPython
        import json

        return json.loads(text)
    scanner = _json.make_scanner(_Context())  # type: ignore[arg-type]
    start = len(text) - len(text.lstrip(_WHITESPACE))
    try:
        value, end = scanner(text, start)
    except StopIteration:
        raise ValueError("not a JSON document") from None
    except ValueError:
        raise
    except Exception:  # the C scanner reports errors through json.decoder, which it does not
        import json  # import itself (a SystemError when absent): let json give the answer

        return json.loads(text)
    if text[end:].strip(_WHITESPACE):
        raise ValueError("more than one JSON document")
    return value


def quote(text: str) -> str:
    """`text` as a JSON string, exactly as `json.dumps(text)` writes it."""
    try:
        from _json import encode_basestring_ascii
    except ImportError:  # not CPython
        import json

        return json.dumps(text)
    return encode_basestring_ascii(text)


def dumps_sorted(value: object) -> str:
    """`json.dumps(value, sort_keys=True)` for what `loads` returns (dicts, lists, strings,
    numbers, booleans, None)."""
    try:
        from _json import encode_basestring_ascii, make_encoder
    except ImportError:  # not CPython
        import json

        return json.dumps(value, sort_keys=True)
    if isinstance(value, str):
        return str(encode_basestring_ascii(value))
    encode = make_encoder(  # what json.JSONEncoder.iterencode builds for these settings
        {}, _not_json, encode_basestring_ascii, None, ": ", ", ", True, False, True
    )
    return "".join(encode(value, 0))


def _not_json(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
