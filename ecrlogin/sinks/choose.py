"""The sink of a run, from `--to`, and every place `status` and `logout` must cover."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ecrlogin.sinks.base import Sink
from ecrlogin.sinks.docker import DockerConfigSink


def open_sink(
    to: str,
    docker_config: Path,
    *,
    state_dir: Path | None = None,
    daemon_client: Callable[[], Any] | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Sink:
    docker = DockerConfigSink(docker_config)
    if to == "daemon":
        from functools import partial

        from ecrlogin.sinks import daemon
        from ecrlogin.sinks.checked import DaemonChecked

        # the daemon as the docker CLI finds it: contexts live beside this config.json
        found = partial(daemon.default_client, config_dir=docker_config, environ=environ)
        return DaemonChecked(docker, daemon_client or found)
    if to == "helper":
        from ecrlogin.sinks.tohelper import HelperSink

        return HelperSink(docker_config, _state_dir(state_dir, environ), environ)
    if to == "podman":
        from ecrlogin.sinks.podman import PodmanSink

        return PodmanSink.from_environment(environ)
    if to == "helm":
        from ecrlogin.sinks.helm import HelmSink

        return HelmSink.from_environment(environ)
    return docker


def every_place(
    docker_config: Path, state_dir: Path | None = None, environ: Mapping[str, str] = os.environ
) -> list[Sink]:
    """Every place ecrlogin may have stored to: `status` and `logout` cover them all. The
    podman auth file and helm's registry config only when they exist (a run never creates
    them for a look), and podman's not when it is the Docker config itself (podman 4 with
    DOCKER_CONFIG set: the docker sink covers it)."""
    from ecrlogin.sinks.podman import PodmanSink, auth_file

    places = [
        open_sink(to, docker_config, state_dir=state_dir, environ=environ)
        for to in ("docker", "helper")
    ]
    # podman's own file, without asking podman's version: its config.json case is docker's
    podman = PodmanSink(auth_file(environ, podman_major=lambda environ: None))
    others = [podman, open_sink("helm", docker_config, environ=environ)]
    shown = [s for s in others if Path(s.place).exists() and s.place != places[0].place]
    return [*places, *shown]


def _state_dir(given: Path | None, environ: Mapping[str, str]) -> Path:
    from ecrlogin import state

    return given or state.state_dir(environ)
