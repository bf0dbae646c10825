"""Paths that no other user can have planted or can read: the ownership rules of the files
ecrlogin writes tokens and records into, and private directories.

The rules (POSIX; Windows has no owner or mode bits to check here, see docs/security.md):
- every directory on the file's resolved path, the file, and a symlink in place of the file are
  owned by the user running ecrlogin or by root (root itself: by anyone, as long as nothing was
  planted in a directory others may write to: see `_planted`);
- no such directory may be written by other users, unless it has the sticky bit (like /tmp), or
  is group-writable for its owner's own private group;
- a symlink owned by someone else than the user or root leads only to its owner's files.
"""

from __future__ import annotations

import os
import stat
import sys

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:  # the fast path checks its stored answers here: light imports only
    from pathlib import Path

    from ecrlogin.errors import ConfigFileError

NEW_DIR_MODE = 0o700
ROOT = 0
_OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def check_trusted(path: Path, *, platform: str = sys.platform, uid: int | None = None) -> None:
    """Refuse `path` (existing or not) when another user could have put it there or swap it."""
    found = problem_with(str(path), platform=platform, uid=uid)
    if found is not None:
        entry, problem = found
        if problem.startswith("cannot check "):
            from ecrlogin.errors import ConfigFileError

            raise ConfigFileError(problem) from None
        raise _refusal(path, type(path)(entry), problem)


def trusted(path: str) -> bool:
    """`check_trusted` as a yes or no, without its imports (the fast path)."""
    return problem_with(path) is None


def problem_with(
    path: str, *, platform: str = sys.platform, uid: int | None = None
) -> tuple[str, str] | None:
    """(the entry, what is wrong with it), or None when `path` may be trusted."""
    if platform == "win32" or sys.platform == "win32":
        return None
    me = os.geteuid() if uid is None else uid
    resolved = os.path.realpath(path)
    parent: os.stat_result | None = None
    for entry in _prefixes(resolved):
        try:
            info = os.lstat(entry)
        except FileNotFoundError:
            break  # the rest will be created by ecrlogin itself, privately
        except OSError as error:
            return entry, f"cannot check {entry}: {error.strerror}"
        problem = _owner_problem(info, parent, me) or _writable_problem(info)
        if problem:
            return entry, problem
        parent = info
    return _link_problem(path, resolved, me)


def _prefixes(resolved: str) -> list[str]:
    """'/a/b/c' -> ['/', '/a', '/a/b', '/a/b/c'] (strings: this runs on every cached run)."""
    parts = resolved.split(os.sep)
    return [os.sep, *(os.sep.join(parts[: n + 1]) for n in range(1, len(parts)) if parts[n])]


def _link_problem(path: str, resolved: str, me: int) -> tuple[str, str] | None:
    try:
        link = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISLNK(link.st_mode):
        return None
    holder = os.lstat(os.path.dirname(path) or ".")
    problem = _owner_problem(link, holder, me)
    if problem is None and link.st_uid not in (me, ROOT):
        # a link of another user (only root gets here): it may lead only to its owner's files
        led_to: os.stat_result | None
        try:
            led_to = os.stat(resolved)
        except FileNotFoundError:
            above = os.path.dirname(resolved)
            led_to = os.stat(above) if os.path.exists(above) else None
        if led_to is not None and led_to.st_uid != link.st_uid:
            problem = f"is a link of user {_name(link.st_uid)} to a file it does not own"
    return (path, problem) if problem else None


def _owner_problem(info: os.stat_result, parent: os.stat_result | None, me: int) -> str | None:
    owner = info.st_uid
    if parent is not None and _planted(info, parent, me):
        return f"is owned by user {_name(owner)} in a directory others may write to"
    if owner in (me, ROOT) or me == ROOT:
        return None
    return f"is owned by user {_name(owner)}"


def _planted(info: os.stat_result, parent: os.stat_result, me: int) -> bool:
    """In a shared sticky directory (/tmp), an entry of neither root, us nor that dir's owner."""
    shared = parent.st_mode & stat.S_IWOTH and parent.st_mode & stat.S_ISVTX
    return bool(shared) and info.st_uid not in (ROOT, me, parent.st_uid)


def _writable_problem(info: os.stat_result) -> str | None:
    mode = info.st_mode
    if not stat.S_ISDIR(mode) or not mode & _OTHERS_WRITE or mode & stat.S_ISVTX:
        return None
    if not mode & stat.S_IWOTH and _private_group(info.st_gid, info.st_uid):
        return None
    return f"is writable by other users (mode {stat.S_IMODE(mode):o}) and not sticky"


def _private_group(gid: int, owner: int) -> bool:
    """The owner's own group (user private groups): named after the owner, nobody else in it."""
    if sys.platform == "win32":
        return False
    import grp  # only for group-writable directories: rare
    import pwd

    try:
        group, user = grp.getgrgid(gid), pwd.getpwuid(owner)
    except KeyError:
        return False
    return group.gr_name == user.pw_name and set(group.gr_mem) <= {user.pw_name}


def _name(uid: int) -> str:
    if sys.platform == "win32":
        return str(uid)
    import pwd

    try:
        return f"{pwd.getpwuid(uid).pw_name} ({uid})"
    except KeyError:
        return str(uid)


def _refusal(path: Path, entry: Path, problem: str) -> ConfigFileError:
    from ecrlogin.errors import ConfigFileError

    where = f"{path}" if entry == path else f"{path}: {entry}"
    return ConfigFileError(
        f"{where} {problem}; refusing to keep tokens or records there",
        "use a directory only you can write to (DOCKER_CONFIG, --docker-config, "
        "ECRLOGIN_STATE_DIR)",
    )


def ensure_private_dir(directory: Path, *, platform: str = sys.platform) -> None:
    """Create `directory` and every missing parent 0700 (whatever the umask); as root, give
    each new one to the owner of the directory it was created in (`sudo` keeps the user's)."""
    from ecrlogin.errors import ConfigFileError

    missing: list[Path] = []
    probe = directory
    while not _is_dir(probe, directory):
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for new in reversed(missing):
        try:
            new.mkdir(mode=NEW_DIR_MODE)
        except FileExistsError:
            if not new.is_dir():
                problem = f"{new} is not a directory"
                raise ConfigFileError(f"cannot create {directory}: {problem}") from None
        except OSError as error:
            raise ConfigFileError(f"cannot create {directory}: {error.strerror}") from None
        else:
            give_to_owner_of(new.parent, path=new, platform=platform)


def _is_dir(path: Path, wanted: Path) -> bool:
    """`path.is_dir()`, a directory this user may not look into being a ConfigFileError (a
    state directory under another user's private one: a cache skipped, never an internal error)."""
    try:
        return path.is_dir()
    except OSError as error:
        from ecrlogin.errors import ConfigFileError

        raise ConfigFileError(f"cannot create {wanted}: {error.strerror}") from None


def give_to_owner_of(
    directory: Path,
    *,
    path: Path | None = None,
    fd: int | None = None,
    platform: str = sys.platform,
) -> None:
    """As root, make a new file or directory belong to whoever owns `directory`."""
    if platform == "win32" or sys.platform == "win32" or os.geteuid() != ROOT:
        return
    owner = os.stat(directory)
    keep_owner(owner, path=path, fd=fd)


def keep_owner(owner: os.stat_result, *, path: Path | None = None, fd: int | None = None) -> None:
    """As root, give a replacement the owner (uid and gid) of what it replaces."""
    if sys.platform == "win32" or os.geteuid() != ROOT:
        return
    if (owner.st_uid, owner.st_gid) == (ROOT, ROOT):
        return
    if fd is not None:
        os.fchown(fd, owner.st_uid, owner.st_gid)
    elif path is not None:
        os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)
