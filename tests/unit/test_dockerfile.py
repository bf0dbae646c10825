"""dockerfile: FROM with ARG defaults, COPY --from= and RUN --mount=from=, never stage names."""

from __future__ import annotations

import time

import pytest

from ecrlogin.project.dockerfile import images_in_dockerfile
from ecrlogin.project.found import SyntaxProblem

ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def references(text: str) -> list[str]:
    return [image.reference for image in images_in_dockerfile(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"FROM {ECR}/app:1\n", [f"{ECR}/app:1"]),
        (f"from {ECR}/app:1 as build\nFROM Build\n", [f"{ECR}/app:1"]),  # stage names: any case
        (f"ARG BASE={ECR}/base:1\nFROM ${{BASE}}\nFROM $BASE AS b\n", [f"{ECR}/base:1"] * 2),
        (f"ARG REG={ECR}\nARG IMG=$REG/app\nFROM ${{IMG}}:2\n", [f"{ECR}/app:2"]),
        (f"FROM ${{BASE:-{ECR}/default}}\n", [f"{ECR}/default"]),
        (f'ARG BASE="{ECR}/q:1"\nFROM --platform=$BUILDPLATFORM $BASE\n', [f"{ECR}/q:1"]),
        # an ARG inside a stage is not seen by the next FROM
        ("FROM a AS one\nARG LATE=x\nFROM ${LATE}/b\n", ["a", "${LATE}/b"]),
        ("FROM ${UNSET}/app\n", ["${UNSET}/app"]),  # left as written, so the scanner can tell
        (f"FROM \\\n    {ECR}/continued:1\n", [f"{ECR}/continued:1"]),
        (f"# escape=`\nFROM `\n  {ECR}/win:1\n", [f"{ECR}/win:1"]),
        (f"# FROM {ECR}/commented\nFROM a\n", ["a"]),
        (
            f"FROM a AS b\nCOPY --from=b /x /x\nCOPY --from=0 /y /y\nCOPY --from={ECR}/t:1 /t /t\n",
            ["a", f"{ECR}/t:1"],
        ),
        (
            f"FROM a AS b\nRUN --mount=type=bind,from=b,target=/s --mount=from={ECR}/c,target=/c\n",
            ["a", f"{ECR}/c"],
        ),
        (
            f"ARG REG={ECR}\nFROM a\nARG REG\nCOPY --from=$REG/tools:1 /t /t\n",
            ["a", f"{ECR}/tools:1"],
        ),
        ("FROM a\nRUN <<EOF\nFROM not-an-image\nEOF\nFROM c\n", ["a", "c"]),
        (f"ARG B={ECR}/crlf\r\nFROM \\\r\n  $B\r\nRUN <<EOF\r\nFROM x\r\nEOF\r\n", [f"{ECR}/crlf"]),
        ("FROM a\nRUN <<-'END' cat\n\tFROM not-either\n\tEND\nFROM d\n", ["a", "d"]),
    ],
)
def test_images_of_a_dockerfile(text: str, expected: list[str]) -> None:
    assert references(text) == expected


def test_each_image_has_the_line_of_its_instruction() -> None:
    text = f"# syntax=docker/dockerfile:1\n\nFROM {ECR}/a AS a\n\nCOPY --from={ECR}/b \\\n  /b /b\n"
    assert [image.line for image in images_in_dockerfile(text)] == [3, 5]


def test_a_from_without_an_image_is_a_syntax_problem_with_its_line() -> None:
    with pytest.raises(SyntaxProblem, match="FROM names no image") as caught:
        images_in_dockerfile("FROM a\nFROM --platform=linux/amd64\n")
    assert caught.value.line == 2


def test_ten_thousand_from_lines_are_read_in_bounded_time() -> None:
    text = "".join(f"FROM {ECR}/app:{n} AS s{n}\nCOPY --from=s{n} /a /a\n" for n in range(10_000))
    started = time.monotonic()
    images = images_in_dockerfile(text)
    assert len(images) == 10_000
    assert time.monotonic() - started < 5
