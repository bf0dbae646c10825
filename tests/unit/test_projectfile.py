"""projectfile: .ecrlogin.toml found upwards, read strictly, each mistake one line with its key."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from ecrlogin.project.projectfile import (
    ProjectFileError,
    check_profiles,
    find_project_file,
    load_project_file,
)

A = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

FULL = f"""
registries = ["{A}/app:1", "public.ecr.aws"]
from = ["Dockerfile", "deploy/"]
min_ttl = "2h"
to = "helper"
verify = true

[profiles]
"210987654321" = "partner"
"{HOST}" = "prod"
"""


def project(root: Path, text: str) -> Path:
    (root / "deploy").mkdir(parents=True, exist_ok=True)
    (root / "Dockerfile").write_text("FROM scratch\n")
    path = root / ".ecrlogin.toml"
    path.write_text(text)
    return path


def test_a_full_project_file(tmp_path: Path) -> None:
    loaded = load_project_file(project(tmp_path, FULL))
    assert [(r.registry.host, r.reference, r.source) for r in loaded.registries] == [
        (A, f"{A}/app:1", ".ecrlogin.toml"),
        ("public.ecr.aws", "public.ecr.aws", ".ecrlogin.toml"),
    ]
    assert loaded.from_paths == (tmp_path / "Dockerfile", tmp_path / "deploy")
    assert (loaded.min_ttl, loaded.to, loaded.folder) == (timedelta(hours=2), "helper", tmp_path)
    assert loaded.verify
    assert dict(loaded.profiles_by_account) == {"210987654321": "partner"}
    assert dict(loaded.profiles_by_host) == {HOST: "prod"}


def test_the_nearest_file_upwards_is_the_project_file(tmp_path: Path) -> None:
    project(tmp_path, 'to = "docker"\n')
    inner = project(tmp_path / "services" / "api", 'to = "podman"\n')
    (deep := tmp_path / "services" / "api" / "src" / "pkg").mkdir(parents=True)
    assert find_project_file(deep) == inner
    assert find_project_file(tmp_path / "services") == tmp_path / ".ecrlogin.toml"
    assert load_project_file(inner).to == "podman"


def test_no_file_anywhere_is_none(tmp_path: Path) -> None:
    (tmp_path / ".ecrlogin.toml").mkdir()  # a folder of that name is not a project file
    assert find_project_file(tmp_path) is None  # (nor has any parent of pytest's tmp_path one)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("regstries = []", "regstries: not a project file key (the keys are: registries, from,"),
        ('registries = "x"', "registries: not a list of strings"),
        ("registries = [1]", "registries[0]: not a non-empty string"),
        (
            'registries = ["docker.io/nginx"]',
            "registries[0]: 'docker.io/nginx' is not an ECR registry",
        ),
        ('from = ["missing/"]', "from[0]: missing/ does not exist (in "),
        ('min_ttl = "soon"', "min_ttl: 'soon' is not a duration"),
        ("min_ttl = 7200", 'min_ttl: not a duration string such as "30m" or "2h"'),
        ('to = "file"', "to: 'file' is not one of docker, daemon, helper, podman, helm"),
        (
            '[profiles]\n"21098765432" = "x"',
            'profiles."21098765432": not a 12-digit account or an ECR host',
        ),
        (
            '[profiles]\n"docker.io" = "x"',
            'profiles."docker.io": not a 12-digit account or an ECR host',
        ),
        ('[profiles]\n"210987654321" = 3', 'profiles."210987654321": not a profile name'),
        (f'[profiles]\n{HOST} = "prod"', 'profiles."123456789012": a table, not a profile name'),
        ('profiles = "prod"', "profiles: not a table"),
        ('verify = "yes"', "verify: not true or false"),
    ],
)
def test_each_mistake_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = project(tmp_path, text + "\n")
    with pytest.raises(ProjectFileError) as caught:
        load_project_file(path)
    assert caught.value.message.startswith(f"{path}: {problem}")
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b'to = "docker"\nregistries = [1,,]\nto = "x"\n',
            r"not valid TOML: .*\(at line 2, column 17\)",
        ),
        (b'to = "docker"\nmin_ttl = "\xff"\n', "line 2: not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_toml_names_file_and_line(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    (path := tmp_path / ".ecrlogin.toml").write_bytes(content)
    with pytest.raises(ProjectFileError, match=f"^{path}: {problem}"):
        load_project_file(path)


def test_profiles_are_checked_against_the_known_profiles(tmp_path: Path) -> None:
    loaded = load_project_file(project(tmp_path, FULL))
    check_profiles(loaded, {"default", "partner", "prod"})
    with pytest.raises(ProjectFileError) as caught:
        check_profiles(loaded, ["default", "prod"])
    assert caught.value.message == (
        f"{tmp_path}/.ecrlogin.toml: profiles.\"210987654321\": no profile named 'partner' in the "
        "AWS config (known profiles: default, prod)"
    )


def test_looking_for_a_project_file_imports_no_parser(tmp_path: Path) -> None:
    script = (
        "import sys; from ecrlogin.project.projectfile import find_project_file; "
        "assert find_project_file() is None; "
        "heavy = {'tomllib', 'yaml', 'dockerfile_parse', 'ecrlogin.registry'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")
