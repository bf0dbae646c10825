"""`ecrlogin sso login`: sign in to IAM Identity Center where the user is, and leave the token
where botocore and AWS CLI v2 read it (`ecrlogin.ssocache`), so that every SDK shares it.

The same sign-in serves the question a login run asks on a terminal (`flows/signin.py`).
Collaborators (botocore session, sso-oidc client, browser, clock, sleep) are keyword arguments
that default to the real ones.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ecrlogin import ssocache
from ecrlogin.aws.sso import Authorization, SsoSession, find_session, oidc_client, sign_in
from ecrlogin.text import shown

log = logging.getLogger("ecrlogin")
Show = Callable[[str], None]  # the instructions (where to go, which code), a few lines
Browser = Callable[[str], bool]


@dataclass(frozen=True)
class SignInResult:
    start_url: str
    session_name: str | None  # None for a legacy profile (sso_start_url in the profile)
    cache_file: Path
    expires_at: datetime
    refreshable: bool  # botocore can refresh it (a refresh token and the client registration)


def botocore_session(profile: str | None) -> Any:
    import botocore.session

    return botocore.session.Session(profile=profile)


def session_of(
    profile: str | None,
    session_name: str | None = None,
    *,
    make_session: Callable[[str | None], Any] = botocore_session,
) -> SsoSession:
    """The IAM Identity Center session of `profile` (default: the one botocore picks), or the
    `[sso-session NAME]` given."""
    core = make_session(profile)
    name = profile or core.profile or "default"
    return find_session(core.full_config, name, session_name=session_name)


def sso_login(
    profile: str | None = None,
    session_name: str | None = None,
    *,
    show: Show,
    browser: bool = True,
    environ: Mapping[str, str] = os.environ,
    make_session: Callable[[str | None], Any] = botocore_session,
    open_browser: Browser | None = None,
    make_client: Callable[[Any, str], Any] = oidc_client,
    sleep: Callable[[float], None] = time.sleep,
    cache_dir: Path | None = None,
) -> SignInResult:
    """Sign in for `profile` or `--sso-session NAME`; nothing is written unless it succeeds."""
    core = make_session(profile)
    name = profile or core.profile or "default"
    session = find_session(core.full_config, name, session_name=session_name)
    opener = open_browser or _webbrowser
    can_open = browser and has_display(environ)

    def tell(authorization: Authorization) -> None:
        show(instructions(authorization, session.start_url))
        if can_open and not opener(authorization.verification_uri_complete):
            log.info("no browser could be opened; open the URL shown")

    log.info("signing in to %s (%s)", session.start_url, session.name or "legacy profile")
    signed = sign_in(session, make_client(core, session.region), show=tell, sleep=sleep)
    path = ssocache.write(session.cache_name, signed.cache_entry(), directory=cache_dir)
    log.debug("SSO token cached in %s", path)
    return SignInResult(
        session.start_url,
        session.name,
        path,
        signed.expires_at,
        session.name is not None and signed.refresh_token is not None,
    )


def has_display(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """A browser can be shown: always on macOS and Windows; on Linux and the BSDs only with
    an X or Wayland display (else webbrowser may start a text browser in this terminal)."""
    if platform == "darwin" or platform.startswith("win"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _webbrowser(url: str) -> bool:
    import webbrowser

    try:
        return webbrowser.open_new_tab(url)
    except webbrowser.Error:
        return False


def instructions(authorization: Authorization, start_url: str) -> str:
    """What the user is told: the page, the code, and how long it stays valid."""
    minutes = max(1, authorization.expires_in // 60)
    lines = [
        f"Sign in to {shown(start_url)}:",
        f"  open {shown(authorization.verification_uri)}",
        f"  and confirm the code {shown(authorization.user_code)}",
        f"  (or open {shown(authorization.verification_uri_complete)})",
        f"Waiting for the approval (the code expires in {minutes} minutes)...",
    ]
    return "\n".join(lines)
