"""`ecrlogin --to podman`: podman pulls with what ecrlogin stored, and not before (issue 11).

podman 4.3 runs as root with throw-away storage, inside dockerd's mount namespace (where the ECR
host names resolve) and a private one of its own in which sandbox directories cover /var/lib
and /run: podman as root writes /var/lib/containers/cache and /run/libpod even with --root.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrlogin.sinks.podman import auth_file
from tests.localecr import Client, LocalEcr, ecrlogin
from tests.localecr.checks import describe, is_auth_error

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"
QUAY = {"auth": base64.b64encode(b"someone:elsewhere").decode()}


class Podman:
    def __init__(self, local_ecr: LocalEcr, client: Client, root: Path, short: Path) -> None:
        self.local_ecr, self.root, self.short = local_ecr, root, short
        for sub in ("var-lib/containers", "run", "tmp", "xdg-run", "config", "data", "storage"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "containers.conf").write_text("")
        self.env = {
            key: value for key, value in client.env.items() if key not in ("DOCKER_CONFIG",)
        } | {
            "CONTAINERS_CONF": str(root / "containers.conf"),
            "CONTAINERS_REGISTRIES_CONF": str(local_ecr.workdir / "registries.conf"),
            "TMPDIR": str(root / "tmp"),
            "XDG_RUNTIME_DIR": str(root / "xdg-run"),
            "XDG_CONFIG_HOME": str(root / "config"),
            "XDG_DATA_HOME": str(root / "data"),
        }

    def pull(self, image: str) -> subprocess.CompletedProcess[str]:
        r = self.root
        podman = (
            f"podman --root {r}/storage --runroot {self.short} --tmpdir {r}/tmp "
            f"--storage-driver vfs --events-backend none pull --quiet "
            f"--cert-dir {self.local_ecr.ca_dir} {image}"
        )
        inner = f"mount --bind {r}/var-lib /var/lib && mount --bind {r}/run /run && exec {podman}"
        namespace = ["nsenter", "-m", "-t", str(self.local_ecr.dockerd_pid), "--"]
        return subprocess.run(
            [*namespace, "unshare", "--mount", "--propagation", "private", "sh", "-c", inner],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )


@pytest.fixture
def podman(local_ecr: LocalEcr, client: Client, tmp_path: Path) -> Iterator[Podman]:
    short = Path(tempfile.mkdtemp(prefix="pr", dir="/tmp"))  # podman refuses long run dirs
    try:
        yield Podman(local_ecr, client, tmp_path / "podman", short)
    finally:
        shutil.rmtree(short, ignore_errors=True)
        shutil.rmtree(tmp_path / "podman" / "storage", ignore_errors=True)


def login_to_podman(local_ecr: LocalEcr, podman: Podman) -> None:
    """`ecrlogin --to podman -r eu-west-1`, as the user whose environment podman has."""
    login = ecrlogin("--to", "podman", "-r", REGION, "-o", "json", env=podman.env)
    (result,) = json.loads(login.stdout)["results"]
    assert (login.returncode, result["stored_in"]) == (0, "auth.json"), describe(login)


def test_podman_pulls_after_the_podman_sink_stores(local_ecr: LocalEcr, podman: Podman) -> None:
    host, image = local_ecr.host(REGION), local_ecr.image(REGION)
    path = auth_file(podman.env)
    assert path == podman.root / "xdg-run" / "containers" / "auth.json"
    path.parent.mkdir(mode=0o700)
    path.write_text(json.dumps({"auths": {"quay.io": QUAY}, "credsStore": "missing-helper"}))

    before = podman.pull(image)
    assert is_auth_error(before), describe(before)

    login_to_podman(local_ecr, podman)
    after = podman.pull(image)
    assert after.returncode == 0, describe(after)

    data = json.loads(path.read_text())
    assert data["auths"]["quay.io"] == QUAY
    assert data["credsStore"] == "missing-helper"
    password = base64.b64decode(data["auths"][host]["auth"]).decode().removeprefix("AWS:")
    assert password in local_ecr.issued_passwords(REGION)
    assert not Path("/var/lib/containers").exists()


def test_the_auth_files_cred_helpers_are_honoured(
    local_ecr: LocalEcr, client: Client, podman: Podman
) -> None:
    host, image = local_ecr.host(REGION), local_ecr.image(REGION)
    path = podman.root / "elsewhere.json"
    podman.env["REGISTRY_AUTH_FILE"] = str(path)
    path.write_text(json.dumps({"credHelpers": {host: "pass"}}))
    login_to_podman(local_ecr, podman)
    got = client.credential_helper("pass", "get", host)
    password = json.loads(got.stdout)["Secret"]
    assert password in local_ecr.issued_passwords(REGION)
    assert password not in path.read_text()
    pull = podman.pull(image)
    assert pull.returncode == 0, describe(pull)


def test_with_docker_config_set_podman_pulls_what_the_podman_sink_stored(
    local_ecr: LocalEcr, client: Client, podman: Podman
) -> None:
    """podman 4.x reads $DOCKER_CONFIG/config.json instead of its auth.json (issue 24)."""
    podman.env["DOCKER_CONFIG"] = str(client.docker_config)
    (podman.root / "xdg-run" / "containers").mkdir(mode=0o700)
    client.write_config({})  # podman 4 refuses a missing $DOCKER_CONFIG/config.json
    before = podman.pull(local_ecr.image(REGION))
    assert is_auth_error(before), describe(before)
    login_to_podman(local_ecr, podman)
    after = podman.pull(local_ecr.image(REGION))
    assert after.returncode == 0, describe(after)
    host = local_ecr.host(REGION)
    assert host in client.config()["auths"]
    status = ecrlogin("status", "-o", "json", env=podman.env)
    (row,) = json.loads(status.stdout)["registries"]
    assert (row["registry"], row["expired"]) == (host, False), describe(status)  # the record
    again = ecrlogin("--to", "podman", "-r", REGION, "-o", "json", env=podman.env)
    assert json.loads(again.stdout)["results"][0]["status"] == "cached", describe(again)
