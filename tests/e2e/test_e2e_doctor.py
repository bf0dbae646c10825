"""`ecrlogin doctor` against the local ECR: each cause a pull can fail for, its verdict, --fix.

ecrlogin runs where docker runs (dockerd's mount namespace, where the ECR names resolve), in a
namespace of its own whose resolv.conf names no server (a name outside the hosts file fails on
loopback, never on the network), trusting the local CA through SSL_CERT_FILE unless a test says
not to.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.localecr import Client, ecrlogin_path
from tests.localecr.motoserver import token_key

pytestmark = pytest.mark.e2e
REGION = "eu-west-1"
NO_DNS = 'mount --bind "$0" /etc/resolv.conf && exec "$@"'
TIMES: dict[str, float] = {}


def run_ecrlogin(
    client: Client, *args: str, trust: bool = True, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The console script as installed, fast path included: it must hand --verify over."""
    empty = client.home / "resolv.conf"
    empty.touch()
    env = dict(client.env)
    if trust:
        env["SSL_CERT_FILE"] = str(client.local_ecr.ca_dir / "ca.crt")
    # entering a mount namespace moves to its root: --wd keeps the working directory
    where = [f"--wd={cwd}"] if cwd else []
    namespace = ["nsenter", "-m", "-t", str(client.local_ecr.dockerd_pid), *where, "--"]
    own = ["unshare", "-m", "--propagation", "private", "--", "sh", "-c", NO_DNS, str(empty)]
    done = subprocess.run(
        [*namespace, *own, ecrlogin_path(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    shown = done.stdout + done.stderr
    for password in client.local_ecr.issued_passwords():  # never a secret, in any form
        assert password[:24] not in shown
        assert base64.b64encode(f"AWS:{password}".encode()).decode()[8:40] not in shown
    return done


def doctor(client: Client, image: str, *args: str, trust: bool = True) -> tuple[int, Any]:
    began = time.monotonic()
    done = run_ecrlogin(client, "doctor", image, "-o", "json", *args, trust=trust)
    TIMES[image] = time.monotonic() - began
    print(f"doctor {image} {' '.join(args)}: {TIMES[image]:.2f}s, exit {done.returncode}")
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def login(client: Client, *args: str) -> None:
    done = client.ecrlogin("-q", *args)
    assert done.returncode == 0, done.stderr


def revoke_all(client: Client) -> None:
    """The registry stops accepting every password issued so far (another login rotated it)."""
    issued = client.local_ecr.auth_dir / "issued" / REGION
    for password in client.local_ecr.issued_passwords(REGION):
        (issued / str(token_key(password))).unlink(missing_ok=True)


def test_all_good(client: Client) -> None:
    login(client, "-r", REGION)
    code, report = doctor(client, client.local_ecr.image(REGION))
    assert (code, report["verdict"]["step"]) == (0, None)
    assert [s["status"] for s in report["steps"]] == ["ok"] * 7


@pytest.mark.parametrize(
    ("image", "step"),
    [("{host}/no/such:1", "repository"), ("{host}/demo/hello:nosuch", "tag")],
)
def test_repository_or_tag_missing(client: Client, image: str, step: str) -> None:
    login(client, "-r", REGION)
    code, report = doctor(client, image.format(host=client.local_ecr.host(REGION)))
    assert (code, report["verdict"]["step"]) == (1, step)
    assert "UNKNOWN" in report["verdict"]["cause"]  # the registry's own words


@pytest.mark.parametrize("cause", ["refused", "missing", "expired", "helper without it"])
def test_fixable_causes(client: Client, cause: str) -> None:
    image, host = client.local_ecr.image(REGION), client.local_ecr.host(REGION)
    if cause != "missing":
        login(client, "-r", REGION)
    if cause == "refused":
        revoke_all(client)
    elif cause == "expired":
        expire_records(client)
    elif cause == "helper without it":
        client.write_config({"auths": {host: {}}, "credHelpers": {host: "pass"}})
    expected = "registry_auth" if cause == "refused" else "credential"
    code, report = doctor(client, image)
    assert (code, report["verdict"]["step"]) == (1, expected), report
    if cause == "missing":  # no config.json: docker reads the platform's store (pass is here)
        assert "docker-credential-pass (nothing set" in report["steps"][1]["detail"]
    if cause != "expired":  # the local registry never expires a token: docker pulls on
        assert client.pull(image).returncode != 0
    code, fixed = doctor(client, image, "--fix")
    assert (code, fixed["verdict"]["step"], fixed["fixed"]["before"]["step"]) == (0, None, expected)
    assert client.pull(image).returncode == 0


def expire_records(client: Client) -> None:
    """The clock has passed the record's expiry (the local registry never expires a token)."""
    path = Path(client.env["ECRLOGIN_STATE_DIR"]) / "state.json"
    data = json.loads(path.read_text())
    for record in data["records"]:
        record["expires_at"] = "2020-01-01T00:00:00+00:00"
    path.write_text(json.dumps(data))


def test_creds_store_not_installed(client: Client) -> None:
    host = client.local_ecr.host(REGION)
    client.write_config({"auths": {host: {}}, "credsStore": "nosuch"})
    code, report = doctor(client, client.local_ecr.image(REGION), "--fix")
    assert (code, report["verdict"]["step"]) == (1, "store")
    assert "docker-credential-nosuch" in report["verdict"]["cause"]
    assert "fixed" not in report  # not ecrlogin's to fix
    # docker itself says only "no basic auth credentials"
    assert client.pull(client.local_ecr.image(REGION)).returncode != 0


@pytest.mark.parametrize(
    ("where", "trust", "cause"),
    [("111122223333", True, "does not resolve"), ("123456789012", False, "TLS does not verify")],
)
def test_network(client: Client, where: str, trust: bool, cause: str) -> None:
    host = client.local_ecr.host(REGION, account=where)
    login(client, host)
    code, report = doctor(client, f"{host}/demo/hello:1", trust=trust)
    assert (code, report["verdict"]["step"]) == (1, "network")
    assert cause in report["verdict"]["cause"]
    assert TIMES[f"{host}/demo/hello:1"] < 10


def test_network_gone_answers_within_seconds(client: Client) -> None:
    """The proxy (HTTPS_PROXY) takes the connection and never answers."""
    login(client, "-r", REGION)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        client.env["HTTPS_PROXY"] = f"http://127.0.0.1:{silent.getsockname()[1]}"
        code, report = doctor(client, client.local_ecr.image(REGION))
    assert (code, report["verdict"]["step"]) == (1, "network")
    assert "no answer" in report["verdict"]["cause"]
    assert TIMES[client.local_ecr.image(REGION)] < 6


def test_identity_no_longer_in_effect(client: Client) -> None:
    role = "arn:aws:iam::123456789012:role/{}"
    config = "[profile dev]\nrole_arn = {}\nsource_profile = base\nregion = eu-west-1\n"
    client.use_profiles(
        config.format(role.format("dev")),
        "[base]\naws_access_key_id = a\naws_secret_access_key = b\n",
    )
    image = client.local_ecr.image(REGION)
    login(client, "-p", "dev", client.local_ecr.host(REGION))
    (client.home / ".aws" / "config").write_text(config.format(role.format("ops")))
    code, report = doctor(client, image)
    assert (code, report["verdict"]["step"]) == (1, "credential")
    assert "changed since" in report["verdict"]["cause"]
    code, fixed = doctor(client, image, "--fix")
    assert (code, fixed["verdict"]["step"]) == (0, None)
    assert client.pull(image).returncode == 0


def test_verify_fetches_a_refused_token_again(client: Client) -> None:
    image = client.local_ecr.image(REGION)
    login(client, "-r", REGION)
    revoke_all(client)
    assert "cached" in client.ecrlogin("-r", REGION, "-o", "json").stdout  # records alone
    assert run_ecrlogin(client, "status", "--check", "--verify").returncode == 1
    done = run_ecrlogin(client, "--verify", "-r", REGION, "-o", "json")
    assert json.loads(done.stdout)["results"][0]["status"] == "ok", done.stderr
    assert "refused the stored credential" in done.stderr
    assert client.pull(image).returncode == 0
    status = run_ecrlogin(client, "status", "--check", "--verify", "-o", "json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["registries"][0]["accepted"] is True


def test_verify_true_in_the_project_file(client: Client, tmp_path: Path) -> None:
    host = client.local_ecr.host(REGION)
    (tmp_path / ".ecrlogin.toml").write_text(f'registries = ["{host}"]\nverify = true\n')
    done = client.ecrlogin("-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    revoke_all(client)
    again = run_ecrlogin(client, "-o", "json", cwd=tmp_path)
    assert json.loads(again.stdout)["results"][0]["status"] == "ok", again.stderr
    assert client.pull(client.local_ecr.image(REGION)).returncode == 0


@pytest.mark.parametrize(
    ("to", "store"),
    [
        ("podman", "podman reads auths in"),
        ("helper", "docker-credential-ecrlogin (credHelpers in"),
    ],
)
def test_whose_view(client: Client, to: str, store: str) -> None:
    """podman's auth file; docker-credential-ecrlogin, run by docker as credHelpers says."""
    client.env["REGISTRY_AUTH_FILE"] = str(client.home / "auth.json")
    image = client.local_ecr.image(REGION)
    code, report = doctor(client, image, "--to", to)
    assert (code, report["verdict"]["step"]) == (1, "credential")
    login(client, "--to", to, "-r", REGION)
    code, report = doctor(client, image, "--to", to)
    assert (code, report["verdict"]["step"]) == (0, None), report
    assert store in report["steps"][1]["detail"]
