"""What the environment needs from the machine, and what is missing."""

from __future__ import annotations

import importlib.util
import os
import shutil

# The binaries the environment runs, and the Debian package that ships each.
BINARIES = {
    "dockerd": "docker.io",
    "containerd": "containerd",
    "docker": "docker.io",
    "docker-registry": "docker-registry",
    "nginx": "nginx-light",
    "skopeo": "skopeo",
    "pass": "pass",
    "gpg": "gnupg",
    "gpgconf": "gnupg",
    "docker-credential-pass": "golang-docker-credential-helpers",
    "openssl": "openssl",
    "unshare": "util-linux",
    "nsenter": "util-linux",
    "mount": "mount",
}
PYTHON_MODULES = {"moto": "moto[server]", "flask": "moto[server]", "boto3": "boto3"}
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

PROVISION_HINT = "run `sudo scripts/provision-system` (or `make provision`) to install them"


def missing_parts() -> list[str]:
    """Human-readable names of what is missing; empty when the environment can start."""
    missing: list[str] = []
    if os.geteuid() != 0:
        missing.append("root (dockerd, mount namespaces and port 443 need it)")
    path = os.environ.get("PATH", "") + ":" + SYSTEM_PATH
    for binary, package in BINARIES.items():
        if shutil.which(binary, path=path) is None:
            missing.append(f"{binary} (Debian package {package})")
    for module, dist in PYTHON_MODULES.items():
        if importlib.util.find_spec(module) is None:
            missing.append(f"Python module {module} (pip install {dist})")
    return missing


def describe_missing(missing: list[str]) -> str:
    return f"local ECR unavailable, missing: {', '.join(missing)}; {PROVISION_HINT}"
