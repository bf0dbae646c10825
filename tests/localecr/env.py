"""The local ECR: moto (AWS side) + nginx + docker-registry + dockerd + pass, on loopback.

with LocalEcr.start() as env:
    subprocess.run(["ecrlogin", "-r", "eu-west-1"], env=env.ecrlogin_env)
    env.docker("pull", env.image("eu-west-1"))
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import configs, dockerd, image, passstore
from .configs import ACCOUNT, REPOSITORY, SECOND_ACCOUNT, TAG
from .prereqs import SYSTEM_PATH, describe_missing, missing_parts
from .procs import (
    Service,
    StartupError,
    free_port,
    listens,
    pid_alive,
    spawn,
    stop,
    wait_until,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
# moto accepts any key; these are the ones its documentation uses.
FAKE_KEY_ID = "testing"
FAKE_SECRET = "testing"
DEFAULT_REGION = "us-east-1"


def _pick_address() -> str:
    """A 127/8 address whose port 443 is free (another environment may hold the first).

    Tried in random order: environments starting at the same moment would otherwise both pick
    the first free one, and one nginx would lose it.
    """
    for last in random.sample(range(1, 250), 249):
        address = f"127.0.83.{last}"
        with socket.socket() as s:
            # as nginx does, so that a previous run's TIME_WAIT connections do not count
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((address, 443))
            except OSError:
                continue
            return address
    raise StartupError("no free 127.0.83.x:443 address for the registry front")


def _aws_partition_regions(endpoint: str) -> list[str]:
    """The regions moto reports, in the `aws` partition (moto also reports China, GovCloud)."""
    import re

    import boto3
    import botocore.loaders

    partitions = botocore.loaders.create_loader().load_data("endpoints")["partitions"]
    aws = next(p for p in partitions if p["partition"] == "aws")
    pattern = re.compile(aws["regionRegex"])
    ec2 = boto3.client(
        "ec2",
        endpoint_url=endpoint,
        region_name=DEFAULT_REGION,
        aws_access_key_id=FAKE_KEY_ID,
        aws_secret_access_key=FAKE_SECRET,
    )
    names = [r["RegionName"] for r in ec2.describe_regions()["Regions"]]
    return sorted(n for n in names if pattern.match(n))


class LocalEcr:
    """A running local ECR. Use `LocalEcr.start()`; everything stops when the block ends."""

    account = ACCOUNT
    second_account = SECOND_ACCOUNT
    repository = REPOSITORY
    tag = TAG

    def __init__(self, workdir: Path, log: Callable[[str], None] | None = None) -> None:
        self.workdir = workdir
        self._log = log or (lambda _msg: None)
        self._services: list[Service] = []
        self.regions: list[str] = []
        self.address = ""
        self.moto_url = ""
        self.docker_host = ""
        self.registry_port = 0
        self.startup_seconds = 0.0
        self.gnupghome = workdir / "gnupg"
        self.gpg_key = ""
        self.auth_dir = workdir / "auth"
        self.ca_dir = workdir / "certs" / "ca"
        self._dockerd: Service | None = None
        self._default_home = workdir / "home"
        self._default_env: dict[str, str] | None = None

    # ---- life cycle -------------------------------------------------------------------

    @classmethod
    @contextlib.contextmanager
    def start(
        cls, workdir: Path | None = None, log: Callable[[str], None] | None = None
    ) -> Iterator[LocalEcr]:
        """Stand the environment up in `workdir` (a new temp dir, removed at the end, if
        None) and tear it down when the block ends, also on errors and Ctrl-C."""
        missing = missing_parts()
        if missing:
            raise StartupError(describe_missing(missing))
        own_dir = workdir is None
        if workdir is not None and workdir.exists() and any(workdir.iterdir()):
            # Old passwords, images or sockets would mix with the new environment's.
            raise StartupError(f"work dir {workdir} is not empty; give a new or empty one")
        path = Path(tempfile.mkdtemp(prefix="localecr-")) if workdir is None else workdir
        path.mkdir(parents=True, exist_ok=True)
        env = cls(path, log)
        try:
            env._up()
            yield env
        finally:
            env.close()
            if own_dir:
                shutil.rmtree(path, ignore_errors=True)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Service:
        service = spawn(name, argv, self.workdir / "logs" / f"{name}.log", env=env)
        self._services.append(service)
        return service

    def _spawn_on_free_port(
        self, name: str, argv: Callable[[int], list[str]], env: dict[str, str] | None = None
    ) -> tuple[Service, int]:
        port = free_port()
        return self._spawn(name, argv(port), env), port

    def _await_listening(
        self,
        started: tuple[Service, int],
        argv: Callable[[int], list[str]],
        env: dict[str, str] | None = None,
    ) -> int:
        """Wait until the service listens; if it died because another process took the
        port between our pick and its bind (other test runs share the machine), retry."""
        service, port = started
        for attempt in range(3):
            try:
                wait_until(service, functools.partial(listens, service.pid, port), service.name)
            except StartupError:
                if service.alive() or attempt == 2:
                    raise
                self._log(f"{service.name} did not start on port {port}; another port")
                service, port = self._spawn_on_free_port(service.name, argv, env)
                continue
            return port
        raise AssertionError("unreachable")

    def _up(self) -> None:
        began = time.monotonic()
        w = self.workdir
        for sub in (
            "logs",
            "auth/issued",
            "auth/faults",
            "registry",
            "nginx/tmp",
            "home",
        ):
            (w / sub).mkdir(parents=True, exist_ok=True)
        self.address = _pick_address()
        (self.auth_dir / "none").touch()
        # skopeo's registries.conf: empty, so that no mirror or alias of the machine applies.
        (w / "registries.conf").touch()

        # The slow, independent parts first, in parallel: moto, the registry, the GPG key.
        def moto_argv(port: int) -> list[str]:
            return [
                sys.executable,
                "-m",
                "tests.localecr.motoserver",
                "--auth-dir",
                str(self.auth_dir),
                "-H",
                "127.0.0.1",
                "-p",
                str(port),
            ]

        def registry_argv(port: int) -> list[str]:
            registry_yml = w / "registry.yml"
            registry_yml.write_text(configs.registry_yml(w / "registry", port))
            return ["docker-registry", "serve", str(registry_yml)]

        moto_env = os.environ | {"PYTHONPATH": str(REPO_ROOT)}
        moto = self._spawn_on_free_port("moto", moto_argv, moto_env)
        registry = self._spawn_on_free_port("registry", registry_argv)
        keygen = passstore.start_keygen(self.gnupghome, w / "logs" / "gpg.log")
        oci = image.build_oci_layout(w / "oci", self.tag)

        moto_port = self._await_listening(moto, moto_argv, moto_env)
        self.moto_url = f"http://127.0.0.1:{moto_port}"
        self.registry_port = self._await_listening(registry, registry_argv)
        self.regions = _aws_partition_regions(self.moto_url)
        self._log(f"moto up at {self.moto_url}: {len(self.regions)} regions in the aws partition")
        hosts = configs.all_hosts(self.regions)
        for region in self.regions:
            (self.auth_dir / "issued" / region).mkdir(exist_ok=True)

        hosts_file = w / "hosts"
        hosts_file.write_text(configs.hosts_file(self.address, hosts))
        self._dockerd, self.docker_host = dockerd.start(
            w / "d", hosts_file, w / "logs" / "dockerd.log"
        )
        self._services.append(self._dockerd)

        configs.make_certs(w / "certs", hosts)
        nginx_conf = w / "nginx" / "nginx.conf"
        nginx_conf.write_text(configs.nginx_conf(w, self.address, hosts, self.registry_port))
        # -e: even the error log nginx opens before reading its config is ours.
        nginx = self._spawn(
            "nginx",
            [
                "nginx",
                "-c",
                str(nginx_conf),
                "-p",
                str(w / "nginx"),
                "-e",
                str(w / "nginx" / "error.log"),
            ],
        )

        wait_until(nginx, functools.partial(listens, nginx.pid, 443), "nginx to listen on 443")
        if keygen.wait(30) != 0:
            raise StartupError(f"gpg key generation failed; see {w / 'logs' / 'gpg.log'}")
        self.gpg_key = passstore.key_fingerprint(self.gnupghome)
        dockerd.wait_ready(self._dockerd, w / "d")
        # skopeo runs in dockerd's namespace, where its blob cache lands in a tmpfs.
        self._push(oci)
        self.startup_seconds = time.monotonic() - began
        self._log(
            f"local ECR up in {self.startup_seconds:.1f}s: {len(hosts)} hosts on "
            f"{self.address}:443, docker at {self.docker_host}"
        )

    def _push(self, oci: Path) -> None:
        policy = self.workdir / "policy.json"
        policy.write_text(json.dumps({"default": [{"type": "insecureAcceptAnything"}]}))
        result = self.skopeo(
            "--policy",
            str(policy),
            "copy",
            "--quiet",
            "--dest-no-creds",
            "--dest-tls-verify=false",
            f"oci:{oci}:{self.tag}",
            f"docker://127.0.0.1:{self.registry_port}/{self.repository}:{self.tag}",
            env=self._tool_env(self._default_home),
        )
        if result.returncode != 0:
            raise StartupError(f"pushing the demo image failed: {result.stderr.strip()}")

    def close(self) -> None:
        """Stop every process we started, by PID, newest first; kill this GNUPGHOME's agents."""
        for service in reversed(self._services):
            try:
                stop(service)
            except Exception as exc:  # keep stopping the others
                print(
                    f"localecr: stopping {service.name} (pid {service.pid}): {exc}", file=sys.stderr
                )
        self._services.clear()
        passstore.kill_agents(self.gnupghome)

    def leftovers(self, timeout: float = 5.0) -> list[str]:
        """After close(): processes still running that belong to this environment.

        Every process of ours names the work dir on its command line (moto's --auth-dir,
        nginx's -c, dockerd's and containerd's paths, gpg-agent's --homedir), so a scan of
        /proc for it finds them all, the ones that daemonised included. Only for checking.
        """
        needle = str(self.workdir).encode()
        deadline = time.monotonic() + timeout
        while True:
            found = []
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit() or int(proc.name) == os.getpid():
                    continue
                try:
                    cmdline = (proc / "cmdline").read_bytes()
                except OSError:
                    continue
                if needle in cmdline and pid_alive(int(proc.name)):
                    text = cmdline.replace(b"\0", b" ").decode(errors="replace")
                    found.append(f"{proc.name} {text[:120]}")
            if not found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    # ---- what tests use ---------------------------------------------------------------

    def host(self, region: str, account: str = ACCOUNT, fips: bool = False) -> str:
        return configs.ecr_host(region, account, fips)

    def image(self, region: str, account: str = ACCOUNT, fips: bool = False) -> str:
        return f"{self.host(region, account, fips)}/{self.repository}:{self.tag}"

    @property
    def hosts(self) -> list[str]:
        return configs.all_hosts(self.regions)

    @property
    def dockerd_pid(self) -> int:
        assert self._dockerd is not None
        return self._dockerd.pid

    def _tool_env(self, home: Path) -> dict[str, str]:
        """What every client run gets: a clean environment, nothing of the real user's."""
        return {
            "PATH": f"{Path(sys.executable).parent}:{SYSTEM_PATH}",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "GNUPGHOME": str(self.gnupghome),
            "CONTAINERS_REGISTRIES_CONF": str(self.workdir / "registries.conf"),
        }

    def client_env(self, home: Path, endpoint_url: str | None = None) -> dict[str, str]:
        """A fresh client (HOME, Docker config, ecrlogin state, pass store) under `home`.

        `endpoint_url` replaces the moto URL (e.g. a latency or fault proxy in front of it).
        """
        docker_config = home / ".docker"
        store = home / ".password-store"
        for d in (home, docker_config):
            d.mkdir(mode=0o700, parents=True, exist_ok=True)
        env = self._tool_env(home) | {
            "AWS_ENDPOINT_URL": endpoint_url or self.moto_url,
            "AWS_ACCESS_KEY_ID": FAKE_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
            "AWS_DEFAULT_REGION": DEFAULT_REGION,
            "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "DOCKER_HOST": self.docker_host,
            "DOCKER_CONFIG": str(docker_config),
            "ECRLOGIN_STATE_DIR": str(home / ".local" / "state" / "ecrlogin"),
            "PASSWORD_STORE_DIR": str(store),
        }
        if not store.exists():
            passstore.init_store(store, self.gnupghome, self.gpg_key)
        return env

    @property
    def ecrlogin_env(self) -> dict[str, str]:
        """The environment of a default client (its HOME under the work dir)."""
        if self._default_env is None:
            self._default_env = self.client_env(self._default_home)
        return dict(self._default_env)

    def _in_namespace(
        self, argv: list[str], env: dict[str, str] | None, input: str | None, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        # nsenter into dockerd's mount namespace: the ECR hostnames resolve there.
        return subprocess.run(
            ["nsenter", "-m", "-t", str(self.dockerd_pid), "--", *argv],
            env=env or self.ecrlogin_env,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def docker(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        input: str | None = None,
        timeout: float = 120.0,
    ) -> subprocess.CompletedProcess[str]:
        """Run the real docker CLI against this daemon (`env` picks the client)."""
        return self._in_namespace(["docker", *args], env, input, timeout)

    def skopeo(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 60.0
    ) -> subprocess.CompletedProcess[str]:
        """Run skopeo; `--cert-dir` with the test CA is added for `inspect`, so TLS is verified."""
        argv = ["skopeo", *args]
        if args and args[0] == "inspect" and "--cert-dir" not in args:
            argv = ["skopeo", "inspect", "--cert-dir", str(self.ca_dir), *args[1:]]
        return self._in_namespace(argv, env, None, timeout)

    # ---- faults -------------------------------------------------------------------------

    @contextlib.contextmanager
    def rejecting_tokens(self) -> Iterator[None]:
        """While the block runs, the registry rejects every password (HTTP 401).

        nginx tests for the flag file on each request (see configs.nginx_conf).
        """
        flag = self.auth_dir / "rejecting"
        flag.touch()
        try:
            yield
        finally:
            flag.unlink(missing_ok=True)

    @contextlib.contextmanager
    def failing_region(self, region: str, code: str = "AccessDeniedException") -> Iterator[None]:
        """While the block runs, GetAuthorizationToken in `region` fails with `code`."""
        fault = self.auth_dir / "faults" / region
        fault.write_text(code)
        try:
            yield
        finally:
            fault.unlink(missing_ok=True)

    def issued_passwords(self, region: str | None = None) -> list[str]:
        """Every password moto issued so far (optionally in one region), oldest first."""
        try:
            lines = (self.auth_dir / "passwords").read_text().splitlines()
        except FileNotFoundError:
            return []
        pairs = [line.split(" ", 1) for line in lines if " " in line]
        return [pw for r, pw in pairs if region is None or r == region]

    def registry_requests(self, host: str | None = None) -> list[str]:
        """Requests nginx has answered so far, oldest first, each "host method path status
        user" (user "-" when none was sent), optionally only those to `host`."""
        try:
            lines = (self.workdir / "nginx" / "access.log").read_text().splitlines()
        except FileNotFoundError:
            return []
        return [line for line in lines if host is None or line.split(" ", 1)[0] == host]

    def describe(self) -> str:
        lines = [f"export {k}={v}" for k, v in sorted(self.ecrlogin_env.items())]
        return "\n".join(lines)
