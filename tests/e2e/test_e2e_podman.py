"""`--to podman`: podman pulls with what `PodmanSink` stored, and not before (issue 11).

podman 4.3 runs as root with throw-away storage, inside dockerd's mount namespace (where the ECR
host names resolve) and a private one of its own in which sandbox directories cover /var/lib
and /run: podman as root writes /var/lib/containers/cache and /run/libpod even with --root.
Until the lead wires `--to podman`, the tests drive `PodmanSink` directly with a token moto
really issued; each names the CLI call it stands for.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from ecrlogin.registry import parse
from ecrlogin.sinks.base import Credential
from ecrlogin.sinks.podman import PodmanSink, auth_file
from tests.localecr import Client, LocalEcr
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


def fetch_token(local_ecr: LocalEcr) -> str:
    ecr = boto3.client(
        "ecr",
        region_name=REGION,
        endpoint_url=local_ecr.moto_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    return base64.b64decode(token).decode().partition(":")[2]


def test_podman_pulls_after_the_podman_sink_stores(local_ecr: LocalEcr, podman: Podman) -> None:
    host, image = local_ecr.host(REGION), local_ecr.image(REGION)
    path = auth_file(podman.env)
    assert path == podman.root / "xdg-run" / "containers" / "auth.json"
    path.parent.mkdir(mode=0o700)
    path.write_text(json.dumps({"auths": {"quay.io": QUAY}, "credsStore": "missing-helper"}))

    before = podman.pull(image)
    assert is_auth_error(before), describe(before)

    password = fetch_token(local_ecr)  # stands for `ecrlogin --to podman -r eu-west-1`
    stored = PodmanSink.from_environment(podman.env).store(
        [Credential(parse(host), password, None, None)]
    )
    assert stored[host].stored_in == "auth.json"
    after = podman.pull(image)
    assert after.returncode == 0, describe(after)

    data = json.loads(path.read_text())
    assert data["auths"]["quay.io"] == QUAY
    assert data["credsStore"] == "missing-helper"
    assert base64.b64decode(data["auths"][host]["auth"]).decode() == f"AWS:{password}"
    assert not Path("/var/lib/containers").exists()


def test_the_auth_files_cred_helpers_are_honoured(
    local_ecr: LocalEcr, client: Client, podman: Podman, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOME", "PATH", "GNUPGHOME", "PASSWORD_STORE_DIR"):  # the helper runs in ours
        monkeypatch.setenv(name, client.env[name])
    host, image = local_ecr.host(REGION), local_ecr.image(REGION)
    path = podman.root / "elsewhere.json"
    podman.env["REGISTRY_AUTH_FILE"] = str(path)
    path.write_text(json.dumps({"credHelpers": {host: "pass"}}))
    password = fetch_token(local_ecr)  # stands for `ecrlogin --to podman -r eu-west-1`
    stored = PodmanSink.from_environment(podman.env).store(
        [Credential(parse(host), password, None, None)]
    )
    assert stored[host].error is None, stored[host].error
    assert password not in path.read_text()
    got = client.credential_helper("pass", "get", host)
    assert json.loads(got.stdout)["Secret"] == password
    pull = podman.pull(image)
    assert pull.returncode == 0, describe(pull)
