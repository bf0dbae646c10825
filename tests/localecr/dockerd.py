"""A private Docker daemon that resolves the ECR hostnames to the local registry.

dockerd runs in its own mount namespace (`unshare -m`, private propagation), where:

- a generated hosts file is bind-mounted over /etc/hosts (the ECR names -> our nginx);
- a temp dir is bind-mounted over /etc/docker (dockerd 20.10 writes its trust key to
  /etc/docker/key.json, and would read daemon.json and certs.d from there);
- fresh tmpfs are mounted over /run (dockerd creates /run/docker/plugins) and /var/lib
  (skopeo, as root, keeps a blob cache in /var/lib/containers/cache); nothing run in the
  namespace needs what is there.

Nothing outside the namespace sees any of these mounts; they vanish with its last process.
The docker CLI and skopeo are run in the same namespace with `nsenter -m -t <dockerd pid>`.
"""

from __future__ import annotations

import contextlib
import json
import socket
from pathlib import Path

from .procs import Service, spawn, wait_until

_MOUNT_AND_EXEC = (
    'mount --bind "$0" /etc/hosts && '
    '{ [ ! -d /etc/docker ] || mount --bind "$1" /etc/docker; } && '
    "mount -t tmpfs -o mode=0755 localecr-run /run && "
    "mount -t tmpfs -o mode=0755 localecr-varlib /var/lib && "
    'shift && exec "$@"'
)


def start(root: Path, hosts_file: Path, log: Path) -> tuple[Service, str]:
    """Start dockerd under `root`; return the service and its DOCKER_HOST."""
    etc = root / "etc"
    for sub in ("data", "x", "etc"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    config = root / "daemon.json"
    config.write_text(json.dumps({}))
    sock = root / "docker.sock"
    argv = [
        "unshare",
        "-m",
        "--propagation",
        "private",
        "--",
        "sh",
        "-c",
        _MOUNT_AND_EXEC,
        str(hosts_file),
        str(etc),
        "dockerd",
        "--host",
        f"unix://{sock}",
        "--data-root",
        str(root / "data"),
        "--exec-root",
        str(root / "x"),
        "--pidfile",
        str(root / "docker.pid"),
        "--config-file",
        str(config),
        # Touch no network setting of the machine: no bridge, no iptables, no sysctls.
        "--bridge=none",
        "--iptables=false",
        "--ip6tables=false",
        "--ip-forward=false",
        "--ip-masq=false",
        "--userland-proxy=false",
        "--storage-driver=vfs",
        "--log-level=warn",
    ]
    service = spawn("dockerd", argv, log)
    return service, f"unix://{sock}"


def ping(sock: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(1.0)
            s.connect(str(sock))
            s.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.0 200")
    except OSError:
        return False


def wait_ready(service: Service, root: Path, timeout: float = 25.0) -> None:
    wait_until(service, lambda: ping(root / "docker.sock"), "dockerd to answer /_ping", timeout)
    # dockerd starts its own containerd; remember it so teardown can make sure it is gone.
    pidfile = root / "x" / "containerd" / "containerd.pid"
    with contextlib.suppress(OSError, ValueError):
        service.extra_pids.append(int(pidfile.read_text().strip()))
