"""Where each operating system keeps a user's files: the home directory as the docker CLI finds
it, and the directory for an application's state.

Every function takes the platform name (`sys.platform`'s values: "linux", "darwin", "win32")
and the environment as parameters, so that the choices for all three are tested on any of them.
The state directory follows platformdirs' `user_state_dir` and the XDG Base Directory spec (the
rules are a few lines; importing platformdirs on every run, and asking it about another platform
than the running one, cost more). `state_dir` is the one rule for ecrlogin's state directory:
the full CLI, the credential helper (its quick path too) and the fast path use it. Standard
library only, none of it heavier than os (the helper's quick path pays every import).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

WINDOWS = "win32"
MACOS = "darwin"
APP_NAME = "ecrlogin"


def is_windows(platform: str = sys.platform) -> bool:
    return platform == WINDOWS


def home_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """The user's home as the docker CLI finds it: %USERPROFILE% on Windows, $HOME elsewhere."""
    from pathlib import Path

    return Path(_home(environ, platform))


def _home(environ: Mapping[str, str], platform: str) -> str:
    variable = "USERPROFILE" if is_windows(platform) else "HOME"
    if environ.get(variable):
        return environ[variable]
    # $HOME unset: the password database (POSIX) or the profile (Windows), as Path.home()
    return os.path.expanduser("~")


def user_state_home(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """Where applications keep per-user state, as platformdirs' `user_state_dir` says."""
    from pathlib import Path

    return Path(_state_home(environ, platform))


def _state_home(environ: Mapping[str, str], platform: str) -> str:
    """Linux and other Unixes: $XDG_STATE_HOME when it is an absolute path (the XDG spec: a
    relative one is invalid and ignored; nothing is stripped from it), else ~/.local/state;
    macOS: ~/Library/Application Support; Windows: %LOCALAPPDATA%, else
    %USERPROFILE%\\AppData\\Local."""
    home = _home(environ, platform)
    if is_windows(platform):
        local = environ.get("LOCALAPPDATA", "")
        return local if local else os.path.join(home, "AppData", "Local")
    if platform == MACOS:
        return os.path.join(home, "Library", "Application Support")
    xdg = environ.get("XDG_STATE_HOME", "")
    return xdg if os.path.isabs(xdg) else os.path.join(home, ".local", "state")


def state_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> str:
    """ecrlogin's state directory: `ECRLOGIN_STATE_DIR` (~ expanded), else the platform's user
    state directory (`_state_home`) + "ecrlogin"."""
    given = environ.get("ECRLOGIN_STATE_DIR")
    if given:
        return os.path.expanduser(given)
    return os.path.join(_state_home(environ, platform), APP_NAME)
