"""Which files a folder scan reads, by name alone, and which folders it never enters."""

from __future__ import annotations

from typing import Literal

FileKind = Literal["dockerfile", "compose", "yaml"]

# Third-party trees: huge, never the project's own images, and full of YAML test fixtures.
SKIPPED_FOLDERS = frozenset(
    {"node_modules", "bower_components", "vendor", "site-packages", "__pycache__", "venv"}
)
_COMPOSE_NAMES = frozenset(
    {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}
)
_YAML_SUFFIXES = (".yaml", ".yml")


def kind_of(name: str) -> FileKind | None:
    """The kind of file a folder scan reads under this name, or None to pass it by."""
    lower = name.lower()
    if lower.endswith(".dockerignore"):  # BuildKit's per-Dockerfile ignore files
        return None
    if (
        lower == "dockerfile"
        or lower.endswith(".dockerfile")
        or lower.startswith(("dockerfile.", "containerfile"))
    ):
        return "dockerfile"
    if lower.endswith(_YAML_SUFFIXES):
        return "compose" if _is_compose_name(lower) else "yaml"
    return None


def kind_of_named_file(name: str) -> FileKind | None:
    """As `kind_of`, but a file named on purpose may also be called `Dockerfile-prod` and so on."""
    kind = kind_of(name)
    if kind is None and ("dockerfile" in name.lower() or "containerfile" in name.lower()):
        return "dockerfile"
    return kind


def skips_folder(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_FOLDERS


def _is_compose_name(lower: str) -> bool:
    # compose.yaml, docker-compose.yml, their overrides (compose.override.yaml,
    # docker-compose.prod.yml) and the *.compose.yaml convention
    stem = lower.rsplit(".", 1)[0]
    return (
        lower in _COMPOSE_NAMES
        or stem.endswith(".compose")
        or stem.startswith(("compose.", "docker-compose."))
    )
