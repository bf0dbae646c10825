"""ecrlogin.flows.sso: `ecrlogin sso login` signs in, opens a browser only where one can show,
and writes the cache only when the sign-in succeeded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from awsfakes import FakeOidc

from ecrlogin.aws.sso import SignInError
from ecrlogin.flows import sso

CONFIG = {
    "profiles": {"dev": {"sso_session": "corp"}},
    "sso_sessions": {
        "corp": {"sso_start_url": "https://corp.example/start", "sso_region": "eu-west-1"}
    },
}
TOKEN = {"accessToken": "access", "expiresIn": 3600, "refreshToken": "refresh"}


class Core:
    profile = "dev"
    full_config = CONFIG


def login(
    tmp_path: Path, client: FakeOidc, environ: dict[str, str], **given: Any
) -> tuple[Any, list[str], list[str]]:
    shown: list[str] = []
    opened: list[str] = []
    result = sso.sso_login(
        None,
        show=shown.append,
        environ=environ,
        make_session=lambda profile: Core(),
        open_browser=lambda url: opened.append(url) is None,
        make_client=lambda core, region: client,
        sleep=lambda seconds: None,
        cache_dir=tmp_path / "cache",
        **given,
    )
    return result, shown, opened


@pytest.mark.parametrize(
    ("environ", "browser", "opened"),
    [
        ({"DISPLAY": ":0"}, True, 1),
        ({"WAYLAND_DISPLAY": "w"}, True, 1),
        ({}, True, 0),
        ({"DISPLAY": ":0"}, False, 0),
    ],
)
def test_signs_in_and_caches_the_token(
    tmp_path: Path, environ: dict[str, str], browser: bool, opened: int
) -> None:
    result, shown, urls = login(
        tmp_path, FakeOidc("AuthorizationPendingException", TOKEN), environ, browser=browser
    )
    assert (result.start_url, result.session_name, result.refreshable) == (
        "https://corp.example/start",
        "corp",
        True,
    )
    assert json.loads(result.cache_file.read_text())["refreshToken"] == "refresh"
    assert "and confirm the code AB-CD" in shown[0]
    assert len(urls) == opened


def test_nothing_is_written_when_the_sign_in_fails(tmp_path: Path) -> None:
    with pytest.raises(SignInError, match="denied"):
        login(tmp_path, FakeOidc("AccessDeniedException"), {})
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    ("platform", "expected"), [("darwin", True), ("win32", True), ("linux", False)]
)
def test_a_display_without_variables(platform: str, expected: bool) -> None:
    assert sso.has_display({}, platform) is expected
