"""flows.project: a project or --from that finds no ECR image logs in nowhere (issue 24)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrlogin.flows.model import Request, Settings
from ecrlogin.flows.project import ProjectOptions, in_project

COMPOSE = "services:\n  app:\n    image: ${REGISTRY}/app:1\n"


@pytest.mark.parametrize(
    ("files", "scan", "request_", "said"),
    [
        ({"Dockerfile": "FROM nginx:1\n"}, ("Dockerfile",), Request(), "in --from Dockerfile:"),
        (
            {".ecrlogin.toml": 'from = ["compose.yaml"]\n', "compose.yaml": COMPOSE},
            (),
            Request(),
            "in .ecrlogin.toml (from: compose.yaml):",
        ),
        ({"Dockerfile": "FROM nginx:1\n"}, ("Dockerfile",), Request(regions=("eu-west-1",)), None),
        ({".ecrlogin.toml": "min_ttl = '2h'\n"}, (), Request(), None),  # names no registry
    ],
)
def test_nothing_found_where_the_registries_were_to_come_from(
    tmp_path: Path,
    files: dict[str, str],
    scan: tuple[str, ...],
    request_: Request,
    said: str | None,
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    settings = Settings(tmp_path / "docker", tmp_path / "state")
    found = in_project(request_, settings, ProjectOptions(scan=scan), cwd=tmp_path, environ={})
    assert found.request.registries == ()
    if said is None:
        assert found.nothing_found is None
    else:
        assert found.nothing_found is not None
        assert f"no ECR image found {said} logged in nowhere" in found.nothing_found
