"""Image references in a Dockerfile or Containerfile.

Read: `FROM` (with the global `ARG` defaults substituted, as the builder does), `COPY --from=`
and `RUN --mount=…,from=…` — each unless it names an earlier build stage. dockerfile-parse
splits the text into instructions (continuations, comments, the `escape` directive); the
meaning of `ARG`, stages and flags is ours, because the library substitutes an unknown variable
with nothing, where we must see it to say that an image could not be resolved.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ecrlogin.project.found import ImageReference, SyntaxProblem
from ecrlogin.project.variables import Scope, substitute

_HEREDOC = re.compile(
    r"<<(?P<dash>-?)\s*(?P<quote>[\"']?)(?P<word>[A-Za-z_][A-Za-z0-9_]*)(?P=quote)"
)


def images_in_dockerfile(text: str) -> tuple[ImageReference, ...]:
    from dockerfile_parse import DockerfileParser

    structure = DockerfileParser(fileobj=io.StringIO(text)).structure
    return tuple(_images(_without_heredoc_bodies(structure, text.split("\n"))))


def _images(instructions: Iterable[Mapping[str, Any]]) -> Iterator[ImageReference]:
    global_args: dict[str, str | None] = {}
    stage_args: dict[str, str | None] = {}
    stages: set[str] = set()  # earlier stage names, lower-cased as the builder does
    in_stage = False
    for instruction in instructions:
        kind, value, line = (
            instruction["instruction"],
            instruction["value"],
            instruction["startline"] + 1,
        )
        if kind == "ARG":
            _declare(value, stage_args if in_stage else global_args, global_args, in_stage=in_stage)
        elif kind == "FROM":
            image, stage = _from(value, line)
            image = substitute(image, global_args)  # FROM sees only the ARGs before the first FROM
            if image.lower() not in stages:
                yield ImageReference(image, line)
            if stage:
                stages.add(stage.lower())
            in_stage, stage_args = True, {}
        elif kind in ("COPY", "RUN"):
            for source in _flag_sources(kind, value):
                image = substitute(source, stage_args)
                if image.lower() not in stages and not image.isdigit():  # a digit: a stage index
                    yield ImageReference(image, line)


def _declare(
    value: str, scope: dict[str, str | None], global_args: Scope, *, in_stage: bool
) -> None:
    for word in _words(value):
        name, has_default, default = word.partition("=")
        if has_default:
            scope[name] = substitute(default, scope)
        else:
            # inside a stage, `ARG NAME` alone brings in the global default of that name
            scope[name] = global_args.get(name) if in_stage else scope.get(name)


def _from(value: str, line: int) -> tuple[str, str | None]:
    words = [word for word in _words(value) if not word.startswith("--")]  # --platform=…
    if not words:
        raise SyntaxProblem("FROM names no image", line)
    if len(words) >= 3 and words[1].lower() == "as":
        return words[0], words[2]
    return words[0], None


def _flag_sources(kind: str, value: str) -> Iterator[str]:
    for word in _words(value):
        if not word.startswith("--"):
            return  # flags come first; the rest is the command or the paths
        if kind == "COPY" and word.startswith("--from="):
            yield word.removeprefix("--from=")
        elif kind == "RUN" and word.startswith("--mount="):
            options = dict(option.partition("=")[::2] for option in word[8:].split(","))
            if options.get("from"):
                yield options["from"]


def _words(value: str) -> list[str]:
    if not any(mark in value for mark in "\"'\\"):
        return value.split()  # the common case, without the library's character-by-character walk
    from dockerfile_parse.util import WordSplitter

    # shell-like words: quotes and backslashes honoured, variables left for `substitute`
    return [word for word in WordSplitter(value).split() if word is not None]


def _without_heredoc_bodies(
    structure: Sequence[Mapping[str, Any]], lines: Sequence[str]
) -> Iterator[Mapping[str, Any]]:
    """The instructions, less the lines inside `RUN <<EOF … EOF` (which the library reads as
    instructions of their own: a heredoc line `FROM x` is not a FROM)."""
    skip_through = -1
    for instruction in structure:
        if instruction["startline"] <= skip_through or instruction["instruction"] == "COMMENT":
            continue
        yield instruction
        if instruction["instruction"] in ("RUN", "COPY", "ADD"):
            for heredoc in _HEREDOC.finditer(instruction["value"]):
                skip_through = _terminator(
                    lines, max(skip_through, instruction["endline"]), heredoc
                )


def _terminator(lines: Sequence[str], after: int, heredoc: re.Match[str]) -> int:
    for number in range(after + 1, len(lines)):
        text = lines[number].rstrip("\r")
        if (text.lstrip("\t") if heredoc["dash"] else text) == heredoc["word"]:
            return number
    return len(lines)  # unterminated: the rest of the file is the heredoc's
