"""filekinds: which names a folder scan reads, and which folders it never enters."""

from __future__ import annotations

import pytest

from ecrlogin.project.filekinds import kind_of, kind_of_named_file, skips_folder


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Dockerfile", "dockerfile"),
        ("dockerfile", "dockerfile"),
        ("api.Dockerfile", "dockerfile"),
        ("Dockerfile.prod", "dockerfile"),
        ("Containerfile", "dockerfile"),
        ("Containerfile.arm64", "dockerfile"),
        ("compose.yaml", "compose"),
        ("compose.yml", "compose"),
        ("docker-compose.yml", "compose"),
        ("docker-compose.override.yaml", "compose"),
        ("compose.prod.yaml", "compose"),
        ("dev.compose.yaml", "compose"),
        ("values.yaml", "yaml"),
        ("deployment.yml", "yaml"),
        ("composer.yaml", "yaml"),
        ("Dockerfile.dockerignore", None),
        ("Dockerfile-prod", None),
        ("README.md", None),
        ("package.json", None),
        ("compose.yaml.bak", None),
    ],
)
def test_a_folder_scan_reads_files_by_name(name: str, kind: str | None) -> None:
    assert kind_of(name) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Dockerfile-prod", "dockerfile"), ("my.containerfile.txt", "dockerfile"), ("x.json", None)],
)
def test_a_named_file_may_be_any_dockerfile_name(name: str, kind: str | None) -> None:
    assert kind_of_named_file(name) == kind


@pytest.mark.parametrize(
    ("name", "skipped"),
    [(".git", True), (".venv", True), ("node_modules", True), ("vendor", True), ("deploy", False)],
)
def test_hidden_and_third_party_folders_are_skipped(name: str, skipped: bool) -> None:
    assert skips_folder(name) is skipped
