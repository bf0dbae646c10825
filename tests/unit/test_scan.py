"""scan: real project trees in tmp_path — and trees meant to hurt (loops, FIFOs, 50 MB, garbage)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ecrlogin.project.found import ScanError
from ecrlogin.project.scan import scan

A = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
B = "210987654321.dkr.ecr.us-east-1.amazonaws.com"
C = "123456789012.dkr.ecr.us-west-2.amazonaws.com"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(
        tmp_path / "project",
        {
            "Dockerfile": f"ARG BASE={A}/base:1\nFROM $BASE AS build\nFROM nginx\n",
            "compose.yaml": f"services:\n  web:\n    image: {A}/web:2\n  db:\n    image: {B}/c\n",
            "deploy/app.yaml": f"kind: Pod\n---\nspec:\n  containers:\n  - image: {C}/app:3\n",
            "chart/Chart.yaml": "name: app\n",
            "chart/values.yaml": f"image:\n  repository: {C}/helm\n  tag: '1'\n",
            "chart/templates/deploy.yaml": "{{- if .Values.on }}\nimage: {{ .Values.image }}\n",
            "node_modules/pkg/compose.yaml": "services: [broken\n",
            ".github/workflows/ci.yml": "jobs: [broken\n",
            "README.md": f"FROM {B}/docs\n",
        },
    )


def test_a_project_tree_gives_each_host_once_with_its_first_source(project: Path) -> None:
    result = scan([project], base=project)
    assert [(f.registry.host, f.reference, f.where()) for f in result.registries] == [
        (A, f"{A}/base:1", "Dockerfile:2"),
        (B, f"{B}/c", "compose.yaml:5"),
        (C, f"{C}/helm:1", "chart/values.yaml:2"),  # "chart" is walked before "deploy"
    ]
    assert result.registries[1].registry.account == "210987654321"


def test_named_files_and_folders_are_taken_from_base_in_the_order_given(project: Path) -> None:
    result = scan(["deploy", "compose.yaml"], base=project)
    assert [f.where() for f in result.registries] == [
        "deploy/app.yaml:5",
        "compose.yaml:3",
        "compose.yaml:5",
    ]


def test_sources_outside_base_are_absolute(project: Path, tmp_path: Path) -> None:
    (other := tmp_path / "elsewhere").mkdir()
    result = scan([project / "compose.yaml"], base=other)
    assert result.registries[0].source == str(project / "compose.yaml")


@pytest.mark.parametrize(
    "image",
    [
        "${REGISTRY}/app:1",
        "$ECR_HOST/app",
        "${IMAGE}",
        f"{A[:12]}.dkr.ecr.${{REGION}}.amazonaws.com/x",
    ],
)
def test_an_image_whose_host_holds_a_variable_is_skipped_with_a_note(
    tmp_path: Path, image: str
) -> None:
    write(
        tmp_path,
        {"k8s.yaml": f"image: {image}\n", "Dockerfile": "FROM app:${TAG}\nFROM ${UNSET:-nginx}\n"},
    )
    result = scan([tmp_path], base=tmp_path)
    assert result.registries == ()
    assert len(result.notes) == 1
    assert result.notes[0].startswith(f"k8s.yaml:1: {image!r} skipped")


def test_compose_variables_come_from_the_environment_or_their_defaults(tmp_path: Path) -> None:
    services = {"a": "${REG}/a", "b": f"${{UNSET:-{B}}}/b", "c": "${UNSET}/c", "d": "$REG/d:${TAG}"}
    lines = "".join(f"  {name}:\n    image: {image}\n" for name, image in services.items())
    write(tmp_path, {"compose.yaml": f"services:\n{lines}"})
    result = scan(["compose.yaml"], base=tmp_path, environ={"REG": A})
    assert [(f.reference, f.line) for f in result.registries] == [(f"{A}/a", 3), (f"{B}/b", 5)]
    assert [note.split(" skipped")[0] for note in result.notes] == ["compose.yaml:7: '${UNSET}/c'"]


@pytest.mark.parametrize("public", [False, True])
def test_public_ecr_is_given_only_when_asked(tmp_path: Path, public: bool) -> None:
    write(tmp_path, {"Dockerfile": "FROM public.ecr.aws/lambda/python:3\nFROM public.ecr.aws/x\n"})
    result = scan([tmp_path], base=tmp_path, public=public)
    assert [f.registry.host for f in result.registries] == (["public.ecr.aws"] if public else [])
    assert len(result.notes) == (0 if public else 1)


def test_symlink_loops_end_and_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path, {"app/compose.yaml": f"services:\n  web:\n    image: {A}/web\n"})
    (tmp_path / "app" / "u").symlink_to("..")
    (tmp_path / "app" / "h").symlink_to(".")
    (tmp_path / "app" / "self.yaml").symlink_to("self.yaml")  # a file that is its own loop
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "Dockerfile").write_text(f"FROM {B}/x\n")
    (tmp_path / "app" / "l").symlink_to(tmp_path / "outside")
    result = scan([tmp_path / "app"], base=tmp_path)
    assert [f.where() for f in result.registries] == ["app/compose.yaml:3"]
    not_followed = [f"app/{name}: skipped, a symlinked folder is not followed" for name in "hlu"]
    assert [note for note in result.notes if "symlinked" in note] == not_followed


def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "compose.yaml")  # opening it would wait for a writer forever
    assert scan([tmp_path], base=tmp_path).registries == ()
    with pytest.raises(ScanError, match="not a Dockerfile, Containerfile, compose file or YAML"):
        scan(["compose.yaml"], base=tmp_path)


def test_a_50_mb_file_is_skipped_in_a_folder_and_refused_by_name(tmp_path: Path) -> None:
    with (tmp_path / "huge.yaml").open("wb") as huge:
        huge.truncate(50 * 1024 * 1024)  # sparse NULs: a parse error, if it were ever read
    started = time.monotonic()
    result = scan([tmp_path], base=tmp_path)
    assert result.registries == ()
    assert result.notes == ("huge.yaml: skipped, larger than 5 MiB",)
    with pytest.raises(ScanError, match=r"huge.yaml: larger than 5 MiB, not scanned"):
        scan(["huge.yaml"], base=tmp_path)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # byte 10 is a newline: the first byte that is not UTF-8, 128, is on line 2
        ("compose.yaml", bytes(range(256)) * 64, r"^compose.yaml:2: cannot be parsed: not UTF-8"),
        (
            "compose.yaml",
            b"services:\n  web: {image: a}\n\x00\x01\x02\x03",
            r"^compose.yaml:3: cannot be",
        ),
        ("deploy/bad.yaml", b"a: 1\nb: [1, 2\nc: 3\n", r"^deploy/bad.yaml:\d: cannot be parsed: "),
        ("deep.yml", b"[" * 100_000, r"^deep.yml:1: cannot be parsed: .*nest"),
        (
            "Dockerfile",
            b"FROM \\\n --platform=x\n",
            r"^Dockerfile:1: cannot be parsed: FROM names no image",
        ),
    ],
)
def test_a_file_that_cannot_be_parsed_is_an_error_naming_file_and_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    write(tmp_path, {name: content})
    with pytest.raises(ScanError, match=message) as caught:
        scan([tmp_path], base=tmp_path)
    assert caught.value.exit_code == 1


def test_hostile_but_valid_files_are_read_in_bounded_time(tmp_path: Path) -> None:
    bomb = [f"a0: &a0 {{image: {A}/lol}}"]
    bomb += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    froms = "".join(f"FROM {B}/app:{n} AS s{n}\nCOPY --from=s{n} /a /a\n" for n in range(10_000))
    write(tmp_path, {"laughs.yaml": "\n".join(bomb) + "\n", "Dockerfile": froms})
    started = time.monotonic()
    result = scan([tmp_path], base=tmp_path)
    assert [f.where() for f in result.registries] == ["Dockerfile:1", "laughs.yaml:1"]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("named", "message"),
    [("missing/", "missing: No such file or directory"), ("README.md", "not a Dockerfile")],
)
def test_a_named_path_that_cannot_be_scanned_is_an_error(
    tmp_path: Path, named: str, message: str
) -> None:
    (tmp_path / "README.md").write_text("FROM x\n")
    with pytest.raises(ScanError, match=message):
        scan([named], base=tmp_path)
