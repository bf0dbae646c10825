"""The identity really in effect (DESIGN v3), against real processes: moto issues role
credentials (AssumeRole, AssumeRoleWithWebIdentity) whose tokens open only their own account's
registry; a loopback container-credentials endpoint changes the role between runs; the
credential helper is asked by two CI jobs in turn. A record fetched by one identity must never
answer for another: every run here is the real console script (`ECRLOGIN_NO_FASTPATH=1` where
the full CLI's own decision is under test, since the old fast path is being replaced)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import Moto
from .sandbox import ECRLOGIN, REGION, Run, Sandbox, host

ROLE_A = "arn:aws:iam::111111111111:role/prod-push"
ROLE_B = "arn:aws:iam::222222222222:role/pr-readonly"
HOST_A, HOST_B = host(111111111111), host(222222222222)
HELPER = str(Path(ECRLOGIN).with_name("docker-credential-ecrlogin"))
PATHS = {"fast path": {}, "full CLI": {"ECRLOGIN_NO_FASTPATH": "1"}}


def assumed(moto: Moto, role: str) -> dict[str, str]:
    """Credentials of `role`, as moto's STS hands them out (their key id names the account)."""
    import boto3

    sts = boto3.client(
        "sts",
        endpoint_url=moto.url,
        region_name=REGION,
        aws_access_key_id="AKIAROBUSTNESSTEST01",
        aws_secret_access_key="x",
    )
    given = sts.assume_role(RoleArn=role, RoleSessionName="ci")["Credentials"]
    return {
        "AccessKeyId": given["AccessKeyId"],
        "SecretAccessKey": given["SecretAccessKey"],
        "Token": given["SessionToken"],
        "Expiration": given["Expiration"].isoformat(),
    }


class ContainerEndpoint:
    """A loopback container-credentials endpoint (as ECS or EKS pod identity): it answers
    whatever credentials `serving` holds now, and counts the requests."""

    def __init__(self) -> None:
        self.serving: dict[str, str] = {}
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests += 1
                body = json.dumps(owner.serving).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/creds"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def container() -> Iterator[ContainerEndpoint]:
    endpoint = ContainerEndpoint()
    try:
        yield endpoint
    finally:
        endpoint.close()


@pytest.fixture
def box(tmp_path: Path) -> Sandbox:
    return Sandbox(tmp_path / "box")


def login(box: Sandbox, moto: Moto, *args: str, **env: str) -> Run:
    return box.run("-o", "json", "-r", REGION, *args, env=box.env(moto.url, keys=False, **env))


def row(run: Run) -> dict[str, object]:
    assert run.returncode == 0, run.stderr
    (only,) = run.json()["results"]
    return dict(only)


@pytest.mark.parametrize("path", sorted(PATHS))
def test_a_container_endpoint_that_changes_the_role_is_another_identity(
    box: Sandbox, moto: Moto, container: ContainerEndpoint, path: str
) -> None:
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": container.url, **PATHS[path]}
    container.serving = assumed(moto, ROLE_A)
    first = row(login(box, moto, **env))
    assert (first["status"], first["registry"]) == ("ok", HOST_A)
    assert row(login(box, moto, **env))["status"] == "cached"  # the same role: skipped
    container.serving = assumed(moto, ROLE_B)
    second = row(login(box, moto, **env))
    assert (second["status"], second["registry"]) == ("ok", HOST_B)
    assert "222222222222" in str(second["identity"])
    assert "prod-push" not in str(second["identity"])
    forced = row(login(box, moto, "--force", **env))
    assert "pr-readonly" in str(forced["identity"])  # B's token is never shown with A's ARN


def helper_get(server: str, env: dict[str, str]) -> str:
    import subprocess

    done = subprocess.run(
        [HELPER, "get"], input=server, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["Secret"])


def web_identity(box: Sandbox, moto: Moto, role: str) -> dict[str, str]:
    """A CI job's environment: its role chosen by AWS_ROLE_ARN, its OIDC token in a file."""
    token = box.root / "oidc-token"
    token.write_text("eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.")
    return box.env(moto.url, keys=False, AWS_ROLE_ARN=role, AWS_WEB_IDENTITY_TOKEN_FILE=str(token))


@pytest.mark.parametrize("path", sorted(PATHS))
def test_ci_jobs_switching_roles_by_variables_are_never_served_each_others_token(
    box: Sandbox, moto: Moto, path: str
) -> None:
    job_a, job_b = web_identity(box, moto, ROLE_A), web_identity(box, moto, ROLE_B)
    secret_a = helper_get(HOST_A, job_a)
    assert helper_get(HOST_A, job_a) == secret_a  # the same job: served from the cache
    issued = len(moto.passwords())
    secret_b = helper_get(HOST_B, job_b)
    assert secret_b != secret_a
    assert helper_get(HOST_A, job_b) != secret_a
    assert len(moto.passwords()) == issued + 1  # B fetched once, for itself
    run_a = box.run("-o", "json", "-r", REGION, env={**job_a, **PATHS[path]})
    assert (row(run_a)["status"], row(run_a)["registry"]) == ("ok", HOST_A)
    run_b = box.run("-o", "json", "-r", REGION, env={**job_b, **PATHS[path]})
    assert (row(run_b)["status"], row(run_b)["registry"]) == ("ok", HOST_B)
    forced = box.run("-o", "json", "-r", REGION, "--force", env={**job_b, **PATHS[path]})
    assert "pr-readonly" in str(row(forced)["identity"])
