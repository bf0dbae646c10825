"""Where each operating system keeps a user's files: the home directory as the docker CLI finds
it, and the directory for an application's state.

Every function takes the platform name (`sys.platform`'s values: "linux", "darwin", "win32")
and the environment as parameters, so that the choices for all three are tested on any of them.
The state directory follows platformdirs' `user_state_dir` (the rules are a few lines; importing
platformdirs on every run, and asking it about another platform than the running one, cost more).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

WINDOWS = "win32"
MACOS = "darwin"


def is_windows(platform: str = sys.platform) -> bool:
    return platform == WINDOWS


def home_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """The user's home as the docker CLI finds it: %USERPROFILE% on Windows, $HOME elsewhere."""
    variable = "USERPROFILE" if is_windows(platform) else "HOME"
    if environ.get(variable):
        return Path(environ[variable])
    return Path.home()  # $HOME unset: the password database (POSIX) or the profile (Windows)


def user_state_home(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """Where applications keep per-user state, as platformdirs' `user_state_dir` says.

    Linux and other Unixes: $XDG_STATE_HOME (when absolute), else ~/.local/state; macOS:
    ~/Library/Application Support; Windows: %LOCALAPPDATA%, else %USERPROFILE%\\AppData\\Local.
    """
    home = home_dir(environ, platform)
    if is_windows(platform):
        local = environ.get("LOCALAPPDATA", "")
        return Path(local) if local else home / "AppData" / "Local"
    if platform == MACOS:
        return home / "Library" / "Application Support"
    xdg = environ.get("XDG_STATE_HOME", "").strip()
    return Path(xdg) if os.path.isabs(xdg) else home / ".local" / "state"
