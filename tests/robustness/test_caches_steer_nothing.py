"""ecrlogin's caches change nothing but speed (DESIGN v3): a cut service model in
`<state dir>/models/` that is not exactly what ecrlogin would cut from botocore's own data never
decides where a request goes or what it does, and a state directory the user cannot read or
write costs the cache, never the login. Real processes: the console script against moto, a
loopback listener that must receive nothing, and another user via setpriv."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Moto
from .sandbox import REGION, Run, Sandbox, host
from .servers import Listener
from .test_other_users import VICTIM, World, code, world  # noqa: F401 - fixtures

HOST = host(123456789012)
FULL_CLI = {"ECRLOGIN_NO_FASTPATH": "1"}


@pytest.fixture
def box(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path / "box")


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    try:
        yield server
    finally:
        server.close()


def run(box: Sandbox, moto: Moto, *args: str) -> Run:
    return box.run("-o", "json", "-r", REGION, *args, env=box.env(moto.url, **FULL_CLI))


def kept_model(box: Sandbox) -> Path:
    (path,) = (box.state_dir / "models").glob("ecr-*.json")
    return path


def rewrite(path: Path, change: object) -> None:
    model = json.loads(path.read_text())
    change(model)  # type: ignore[operator]
    path.write_text(json.dumps(model))


def endpoint_to(url: str) -> object:
    def change(model: dict[str, object]) -> None:
        operation = model["operations"]["GetAuthorizationToken"]  # type: ignore[index]
        operation["staticContextParams"] = {"Endpoint": {"value": url}}

    return change


def lambda_delete(model: dict[str, object]) -> None:
    model["metadata"].update(  # type: ignore[attr-defined]
        {"protocol": "rest-json", "protocols": ["rest-json"], "signingName": "lambda"}
    )
    operation = model["operations"]["GetAuthorizationToken"]  # type: ignore[index]
    operation["http"] = {"method": "DELETE", "requestUri": "/2015-03-31/functions/prod-deployer"}


@pytest.mark.parametrize("planted", ["endpoint", "lambda"])
def test_a_planted_model_steers_no_request(
    box: Sandbox, moto: Moto, listener: Listener, planted: str
) -> None:
    assert run(box, moto).returncode == 0  # the cut model is kept in the state directory
    path = kept_model(box)
    rewrite(
        path,
        endpoint_to(f"http://127.0.0.1:{listener.port}")
        if planted == "endpoint"
        else lambda_delete,
    )
    again = run(box, moto, "--force")
    assert again.returncode == 0, again.stderr
    (row,) = again.json()["results"]
    assert (row["status"], row["registry"]) == ("ok", HOST)
    assert (listener.connections, listener.received) == (0, b"")
    assert "staticContextParams" not in path.read_text()  # replaced by a fresh cut
    assert json.loads(path.read_text())["metadata"]["signingName"] == "ecr"


def test_a_model_of_another_owner_is_ignored_even_as_root(
    box: Sandbox, moto: Moto, listener: Listener
) -> None:
    assert run(box, moto).returncode == 0
    path = kept_model(box)
    rewrite(path, lambda model: None)
    os.chown(path, 65534, 65534)  # nobody's, with a content that checks out
    again = run(box, moto, "--force", "-v")
    assert again.returncode == 0, again.stderr
    assert path.stat().st_uid == os.geteuid()  # replaced with one of root's own


@pytest.mark.parametrize("below", ["", "sub"])
def test_an_unreadable_state_directory_is_skipped_and_the_login_works(
    world: World,  # noqa: F811 - the fixture imported above
    moto: Moto,
    below: str,
) -> None:
    state = world.root / "root-only-state"
    state.mkdir(mode=0o700)  # root's: the victim can neither read nor write it
    (state / "models").mkdir(mode=0o700)
    env = {"ECRLOGIN_STATE_DIR": str(state / below), **FULL_CLI}  # it, or one under it
    run = world.victim_run(moto, "-o", "json", "-r", REGION, "--debug", **env)
    assert run.returncode == 0, run.stderr
    skipped = [line for line in run.stderr.splitlines() if "models cache is skipped" in line]
    assert len(skipped) == 1, run.stderr
    (row,) = run.json()["results"]
    assert row["status"] == "ok"
    assert "report it" not in run.stderr
    config = world.victim.docker_dir / "config.json"
    assert HOST in json.loads(config.read_text())["auths"]
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert not list((state / "models").iterdir())


HELPER_ENTRY = (
    "import sys; sys.argv = ['docker-credential-ecrlogin', *sys.argv[2:]]; "
    "from ecrlogin.helper.main import entry; entry()"
)


@pytest.mark.parametrize("below", ["", "sub"])
def test_the_helper_with_an_unreadable_state_directory_still_answers(
    world: World,  # noqa: F811 - the fixture imported above
    moto: Moto,
    below: str,
) -> None:
    import subprocess

    from .test_other_users import SYSTEM_PYTHON, as_user

    state = world.root / "root-only-state"
    state.mkdir(mode=0o700)
    env = world.victim.env(moto.url, PYTHONPATH=world.code, ECRLOGIN_STATE_DIR=str(state / below))
    argv = as_user(VICTIM, SYSTEM_PYTHON, "-c", HELPER_ENTRY, "x", "get")
    done = subprocess.run(argv, input=HOST, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Secret"] in moto.passwords()
    assert list(state.iterdir()) == []
