"""The sink of a run, from `--to`."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ecrlogin.sinks.base import Sink
from ecrlogin.sinks.docker import DockerConfigSink

DESTINATIONS = ("docker", "daemon")


def open_sink(
    to: str, docker_config: Path, *, daemon_client: Callable[[], Any] | None = None
) -> Sink:
    docker = DockerConfigSink(docker_config)
    if to == "daemon":
        from functools import partial

        from ecrlogin.sinks import daemon
        from ecrlogin.sinks.checked import DaemonChecked

        # the daemon as the docker CLI finds it: contexts live beside this config.json
        found = partial(daemon.default_client, config_dir=docker_config)
        return DaemonChecked(docker, daemon_client or found)
    return docker


def every_place(docker_config: Path, environ: Mapping[str, str] = os.environ) -> list[Sink]:
    """Every place ecrlogin may have stored to: `status` and `logout` cover them all."""
    return [DockerConfigSink(docker_config)]
