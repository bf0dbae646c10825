"""platforms: the home directory and the user state directory of Linux, macOS and Windows,
chosen by the platform name given, never by the platform the tests run on."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrlogin import platforms

HOMES = {"HOME": "/home/ann", "USERPROFILE": "C:\\Users\\ann"}


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("linux", "/home/ann"), ("darwin", "/home/ann"), ("win32", "C:\\Users\\ann")],
)
def test_home_is_userprofile_on_windows_and_home_elsewhere(platform: str, expected: str) -> None:
    assert platforms.home_dir(HOMES, platform) == Path(expected)


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_home_falls_back_to_the_system_when_the_variable_is_unset(platform: str) -> None:
    assert platforms.home_dir({}, platform) == Path.home()


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", HOMES, "/home/ann/.local/state"),
        ("linux", {**HOMES, "XDG_STATE_HOME": "/xdg/state"}, "/xdg/state"),
        ("linux", {**HOMES, "XDG_STATE_HOME": "not/absolute"}, "/home/ann/.local/state"),
        ("freebsd14", HOMES, "/home/ann/.local/state"),
        ("darwin", HOMES, "/home/ann/Library/Application Support"),
        ("darwin", {**HOMES, "LOCALAPPDATA": "ignored"}, "/home/ann/Library/Application Support"),
        (
            "win32",
            {**HOMES, "LOCALAPPDATA": "C:\\Users\\ann\\AppData\\Local"},
            "C:\\Users\\ann\\AppData\\Local",
        ),
        ("win32", {**HOMES, "XDG_STATE_HOME": "/xdg"}, "C:\\Users\\ann/AppData/Local"),
    ],
)
def test_user_state_home_per_platform(
    platform: str, environ: dict[str, str], expected: str
) -> None:
    assert platforms.user_state_home(environ, platform) == Path(expected)


@pytest.mark.parametrize(
    ("platform", "windows"), [("win32", True), ("linux", False), ("darwin", False)]
)
def test_is_windows(platform: str, windows: bool) -> None:
    assert platforms.is_windows(platform) is windows
