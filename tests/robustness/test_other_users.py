"""Another user on the same machine, for real: `nobody` (uid 65534) plants links and files in
shared directories, holds locks, and then reads whatever it can. The victim is a real non-root
account (`daemon`, uid 1) running the real CLI (the system's Python 3.11 on this project's code,
since the venv's interpreter lives under /root), or root itself as `sudo ecrlogin` would.

The promise under test (docs/security.md): a token never lands where another user can read it,
ecrlogin never writes through what another user planted, and nobody else can stall it."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import Moto
from .sandbox import Run, Sandbox, find_secrets, host

VICTIM = 1  # daemon: an existing account that is not root
ATTACKER = 65534  # nobody
HOST = host(123456789012)
PROJECT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
ENTRY = (  # `python -c ENTRY <ignored script path> ARGS...` runs the ecrlogin console script
    "import sys; sys.argv = ['ecrlogin', *sys.argv[2:]]; "
    "from ecrlogin.cli.app import entry; entry()"
)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 and os.environ.get("CI") != "true",
    reason="needs root to act as other users (under CI=true this fails instead)",
)


def as_user(uid: int, *argv: str) -> tuple[str, ...]:
    return ("setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--", *argv)


def attacker(*argv: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(as_user(ATTACKER, *argv), capture_output=True, check=check, timeout=30)


def attacker_reads(*roots: Path) -> dict[str, bytes]:
    """Every file under `roots` that nobody (the attacker) can read, with its bytes."""
    found = {}
    for root in roots:
        for path in [root, *root.rglob("*")]:
            if path.is_file():
                done = attacker("cat", str(path), check=False)
                if done.returncode == 0:
                    found[str(path)] = done.stdout
    return found


@dataclass
class World:
    """A shared /tmp-like directory (root's, 1777) and a victim's own sandbox, all removed after."""

    root: Path
    shared: Path
    victim: Sandbox
    code: str  # PYTHONPATH for the victim's interpreter: ecrlogin and what it imports

    def victim_run(
        self, moto: Moto, *args: str, umask: str | None = None, site: bool = False, **env: str
    ) -> Run:
        # -S: the system's own site-packages (Debian's python3-openssl, …) stay out of the
        # victim's imports unless a test asks for them; PYTHONPATH gives it the venv's.
        prefix: tuple[str, ...] = (SYSTEM_PYTHON, *(() if site else ("-S",)), "-c", ENTRY)
        if umask is not None:
            prefix = ("sh", "-c", f'umask {umask}; exec "$@"', "sh", *prefix)
        full_env = self.victim.env(moto.url, PYTHONPATH=self.code, **env)
        return self.victim.run(*args, env=full_env, prefix=as_user(VICTIM, *prefix), timeout=60)

    def leaks(self, moto: Moto, *also: Path) -> list[str]:
        readable = attacker_reads(self.root, *also)
        hits = find_secrets(dict(readable), moto.passwords())
        leaked = sum(len(v) for k, v in readable.items() if any(h.startswith(k) for h in hits))
        print(f"attacker could read {len(readable)} files; {leaked} bytes of them held a token")
        return hits


@pytest.fixture(scope="module")
def code() -> Iterator[str]:
    """Where the victim imports ecrlogin and its dependencies from: this checkout and its venv
    when the victim may read them, else a copy it may read (a clone under a 0700 folder, as a
    CI machine may make it), removed afterwards."""
    here = f"{PROJECT}{os.pathsep}{sysconfig.get_paths()['purelib']}"
    probe = as_user(VICTIM, SYSTEM_PYTHON, "-S", "-c", "import ecrlogin.cli.app, botocore, click")
    if subprocess.run(probe, env={"PYTHONPATH": here}, capture_output=True).returncode == 0:
        yield here
        return
    copy = Path(tempfile.mkdtemp(prefix="ecrlogin-code-", dir="/tmp"))
    try:
        copy.chmod(0o755)
        shutil.copytree(PROJECT / "ecrlogin", copy / "ecrlogin")
        for source, relative in runtime_files("ecrlogin"):
            (copy / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / relative)
        yield str(copy)
    finally:
        shutil.rmtree(copy)


def runtime_files(project: str) -> Iterator[tuple[Path, str]]:
    """Every installed file of `project`'s runtime dependencies, and its path in site-packages."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    pending, seen = [project], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        for text in dist.requires or []:
            needed = Requirement(text)
            if needed.marker is None or needed.marker.evaluate({"extra": ""}):
                pending.append(needed.name)
        if name != project:
            for file in dist.files or []:
                if not str(file).startswith(".."):  # console scripts live elsewhere
                    yield Path(str(dist.locate_file(file))), str(file)


@pytest.fixture
def world(code: str) -> Iterator[World]:
    root = Path(tempfile.mkdtemp(prefix="ecrlogin-users-", dir="/tmp"))
    try:
        root.chmod(0o755)
        shared = root / "shared"
        shared.mkdir()
        shared.chmod(0o1777)  # like /tmp: everyone may add, only owners may remove
        victim = Sandbox(root / "victim")
        for path in (victim.root, victim.home, victim.aws_dir, victim.bin_dir):
            os.chown(path, VICTIM, VICTIM)
        victim.root.chmod(0o755)
        yield World(root, shared, victim, code)
    finally:
        shutil.rmtree(root)


def planted(
    world: World, name: str, *, points_to: Path | None = None, content: bytes = b"{}"
) -> Path:
    """The attacker puts `name` into the shared directory: a link, or a file of its own (0666)."""
    path = world.shared / name
    if points_to is None:
        attacker("sh", "-c", 'umask 0; printf %s "$1" > "$2"', "sh", content.decode(), str(path))
    else:
        attacker("ln", "-s", str(points_to), str(path))
    return path


def attackers_file(world: World, content: bytes = b"{}") -> Path:
    drop = world.root / "attacker"
    drop.mkdir()
    os.chown(drop, ATTACKER, ATTACKER)
    target = drop / "loot.json"
    attacker("sh", "-c", 'umask 0; printf %s "$1" > "$2"', "sh", content.decode(), str(target))
    return target


def assert_refused(run: Run, *words: str) -> None:
    assert run.returncode == 1, run.stderr
    [line] = run.error_lines()
    assert all(word in line for word in words), line


# --- finding 1: a shared DOCKER_CONFIG must not hand the token to another user -------------


def test_a_planted_link_to_the_attackers_own_file_is_refused(world: World, moto: Moto) -> None:
    loot = attackers_file(world)
    link = planted(world, "config.json", points_to=loot)
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(world.shared))
    assert_refused(run, str(link), "owned by user nobody", "refusing")
    assert loot.read_bytes() == b"{}"
    assert world.leaks(moto) == []


def test_a_planted_link_to_a_readable_file_of_the_victim_is_refused(
    world: World, moto: Moto
) -> None:
    victims = world.victim.home / "notes.json"
    victims.write_bytes(b"{}")
    os.chown(victims, VICTIM, VICTIM)
    victims.chmod(0o644)
    link = planted(world, "config.json", points_to=victims)
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(world.shared))
    assert_refused(run, str(link), "owned by user nobody")
    assert victims.read_bytes() == b"{}"
    assert stat.S_IMODE(victims.stat().st_mode) == 0o644
    assert world.leaks(moto) == []


def test_a_planted_link_to_a_missing_path_creates_nothing(world: World, moto: Moto) -> None:
    missing = world.shared / "made-by-victim" / "deeper" / "config.json"
    planted(world, "config.json", points_to=missing)
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(world.shared))
    assert_refused(run, "owned by user nobody")
    assert not (world.shared / "made-by-victim").exists()
    assert world.leaks(moto) == []


def test_a_config_file_another_user_put_there_is_refused(world: World, moto: Moto) -> None:
    path = planted(world, "config.json", content=b'{"auths": {}}')
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(world.shared))
    assert_refused(run, str(path), "owned by user nobody")
    assert path.read_bytes() == b'{"auths": {}}'
    assert world.leaks(moto) == []


@pytest.mark.parametrize("mode", [0o777, 0o775])
def test_a_docker_config_dir_others_may_write_without_sticky_bit_is_refused(
    world: World, moto: Moto, mode: int
) -> None:
    open_dir = world.root / "open"
    open_dir.mkdir()
    os.chown(open_dir, VICTIM, ATTACKER)  # 0775: group nobody may write
    open_dir.chmod(mode)
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(open_dir / "docker"))
    assert_refused(run, str(open_dir), f"writable by other users (mode {mode:o})")
    assert list(open_dir.iterdir()) == []
    assert world.leaks(moto) == []


def test_a_docker_config_dir_of_another_user_is_refused(world: World, moto: Moto) -> None:
    theirs = world.root / "theirs"
    theirs.mkdir()
    os.chown(theirs, ATTACKER, ATTACKER)
    theirs.chmod(0o777 | stat.S_ISVTX)
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(theirs))
    assert_refused(run, str(theirs), "owned by user nobody")
    assert list(theirs.iterdir()) == []


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o666])
def test_the_victims_readable_config_is_made_0600_before_the_token_goes_in(
    world: World, moto: Moto, mode: int
) -> None:
    docker_dir = world.victim.home / ".docker"
    docker_dir.mkdir(mode=0o755)  # readable by all, as many home directories are
    config = docker_dir / "config.json"
    config.write_bytes(b'{"psFormat": "x"}')
    for path in (docker_dir, config):
        os.chown(path, VICTIM, ATTACKER)  # the attacker is even in the file's group
    config.chmod(mode)
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(docker_dir))
    assert run.returncode == 0, run.stderr
    assert f"{config} was readable or writable by other users (mode {mode:o})" in run.stderr
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert config.stat().st_uid == VICTIM
    assert attacker("cat", str(config), check=False).returncode != 0
    assert world.leaks(moto) == []


def test_the_system_python_with_its_own_packages_prints_nothing_on_stderr(
    world: World, moto: Moto
) -> None:
    """Debian's python3-openssl beside a newer cryptography warns when botocore loads urllib3's
    pyOpenSSL support: a dependency's warning, not ecrlogin's, so only `--debug` shows it."""
    run = world.victim_run(moto, "-q", HOST, site=True)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    debug = world.victim_run(moto, "-q", "--force", "--debug", HOST, site=True)
    assert debug.returncode == 0, debug.stderr
    warned = [line for line in debug.stderr.splitlines() if "Warning:" in line]
    assert all(line.startswith("ecrlogin: DEBUG: ") for line in warned), warned


def test_a_shared_sticky_dir_still_works_for_its_own_files(world: World, moto: Moto) -> None:
    """The rule refuses others' entries, not shared directories: the victim's own file works."""
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(world.shared))
    assert run.returncode == 0, run.stderr
    config = world.shared / "config.json"
    assert (config.stat().st_uid, stat.S_IMODE(config.stat().st_mode)) == (VICTIM, 0o600)
    assert world.leaks(moto) == []


# --- finding 2: ecrlogin's own state never replaces a file that is not its own -------------


def test_a_planted_state_link_to_the_victims_bashrc_never_replaces_it(
    world: World, moto: Moto
) -> None:
    bashrc = world.victim.home / ".bashrc"
    bashrc.write_bytes(b"export PATH=$HOME/bin:$PATH\n")
    os.chown(bashrc, VICTIM, VICTIM)
    planted(world, "state.json", points_to=bashrc)
    docker_dir = world.victim.home / ".docker"
    run = world.victim_run(
        moto, "-q", HOST, DOCKER_CONFIG=str(docker_dir), ECRLOGIN_STATE_DIR=str(world.shared)
    )
    assert run.returncode == 0, run.stderr  # the token is in the victim's own config, and works
    assert "state.json" in run.stderr
    assert "owned by user nobody" in run.stderr
    assert "the tokens are stored, but the next run cannot skip them" in run.stderr
    assert "untouched" not in run.stderr
    assert bashrc.read_bytes() == b"export PATH=$HOME/bin:$PATH\n"
    assert (world.shared / "state.json").is_symlink()
    assert world.leaks(moto) == []


def test_the_victims_unparseable_state_is_moved_aside_and_the_message_says_so(
    world: World, moto: Moto
) -> None:
    state_dir = world.victim.home / "state"
    state_dir.mkdir(mode=0o700)
    state_path = state_dir / "state.json"
    state_path.write_bytes(b"not json at all\n")
    for path in (state_dir, state_path):
        os.chown(path, VICTIM, VICTIM)
    run = world.victim_run(moto, "-q", HOST, ECRLOGIN_STATE_DIR=str(state_dir))
    assert run.returncode == 0, run.stderr
    [aside] = state_dir.glob("state.json.corrupt-*Z")
    assert aside.read_bytes() == b"not json at all\n"
    assert f"{state_path} was not an ecrlogin state file; moved it to {aside.name}" in run.stderr
    assert "untouched" not in run.stderr
    assert stat.S_IMODE(state_path.stat().st_mode) == 0o600


# --- finding 9: nobody else can make ecrlogin wait ------------------------------------------


def test_a_lock_held_by_another_user_on_the_directory_does_not_stall(
    world: World, moto: Moto
) -> None:
    docker_dir = world.victim.home / ".docker"
    docker_dir.mkdir(mode=0o755)
    os.chown(docker_dir, VICTIM, VICTIM)
    holder = subprocess.Popen(
        as_user(ATTACKER, "flock", "-x", str(docker_dir), "-c", "echo held; exec sleep 120"),
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"held\n"
        run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(docker_dir))
    finally:
        os.kill(holder.pid, signal.SIGTERM)
        holder.wait(10)
    assert run.returncode == 0, run.stderr
    assert run.seconds < 15, f"waited {run.seconds:.1f}s for the attacker's lock"
    assert sorted(p.name for p in docker_dir.iterdir()) == ["config.json"]


def test_nobody_else_can_open_ecrlogins_lock_file(world: World, moto: Moto) -> None:
    docker_dir = world.victim.home / ".docker"
    docker_dir.mkdir(mode=0o755)
    lock = docker_dir / ".ecrlogin.lock"  # as a holder killed by SIGKILL leaves it
    lock.write_bytes(b"")
    lock.chmod(0o600)
    for path in (docker_dir, lock):
        os.chown(path, VICTIM, VICTIM)
    tried = attacker("flock", "-n", str(lock), "true", check=False)
    assert tried.returncode != 0
    assert b"Permission denied" in tried.stderr
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(docker_dir))
    assert run.returncode == 0, run.stderr
    assert not lock.exists()  # taken over and removed


def test_a_lock_file_planted_by_another_user_is_refused_at_once(world: World, moto: Moto) -> None:
    planted(world, ".ecrlogin.lock", content=b"")
    run = world.victim_run(moto, "-q", HOST, DOCKER_CONFIG=str(world.shared))
    assert_refused(run, ".ecrlogin.lock")
    assert run.seconds < 15


# --- finding 10: `sudo ecrlogin` keeps the user's files the user's ---------------------------


def test_root_keeps_the_owner_of_the_users_files_and_gives_new_ones_to_them(
    world: World, moto: Moto
) -> None:
    home = world.victim.home
    docker_dir, state_dir = home / ".docker", home / ".local" / "state" / "ecrlogin"
    docker_dir.mkdir(mode=0o700)
    (docker_dir / "config.json").write_bytes(b'{"psFormat": "x"}')
    for path in (docker_dir, docker_dir / "config.json"):
        os.chown(path, VICTIM, VICTIM)
    env = world.victim.env(moto.url, DOCKER_CONFIG=str(docker_dir))
    del env["ECRLOGIN_STATE_DIR"]  # the user's HOME decides, as with `sudo -E`
    run = world.victim.run("-q", HOST, env=env)
    assert run.returncode == 0, run.stderr
    created = [home / ".local", home / ".local" / "state", state_dir, state_dir / "state.json"]
    for path in [docker_dir / "config.json", *created]:
        assert (path.stat().st_uid, path.stat().st_gid) == (VICTIM, VICTIM), path
    assert stat.S_IMODE((docker_dir / "config.json").stat().st_mode) == 0o600


# --- finding 11: directories created under umask 000 are still private ----------------------


def test_every_directory_created_under_umask_000_is_0700(world: World, moto: Moto) -> None:
    home = world.victim.home
    env = {"DOCKER_CONFIG": str(home / "a" / "b" / "docker"), "ECRLOGIN_STATE_DIR": ""}
    run = world.victim_run(moto, "-q", HOST, umask="000", **env)
    assert run.returncode == 0, run.stderr
    created = [home / "a", home / "a" / "b", home / "a" / "b" / "docker"]
    created += [home / ".local", home / ".local" / "state", home / ".local" / "state" / "ecrlogin"]
    assert {str(p.relative_to(home)): stat.S_IMODE(p.stat().st_mode) for p in created} == {
        str(p.relative_to(home)): 0o700 for p in created
    }
    files = [home / "a" / "b" / "docker" / "config.json", created[-1] / "state.json"]
    assert [stat.S_IMODE(p.stat().st_mode) for p in files] == [0o600, 0o600]
    assert world.leaks(moto) == []
