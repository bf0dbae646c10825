"""A login in a project: `.ecrlogin.toml` (nearest folder up) and `--from` scans turned into the
registries, settings and profile rules of the run."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ecrlogin.flows.model import Request, Settings
from ecrlogin.identity.routing import Hints

if TYPE_CHECKING:
    from ecrlogin.project.projectfile import ProjectFile

log = logging.getLogger("ecrlogin")


@dataclass(frozen=True)
class InProject:
    request: Request
    settings: Settings
    hints: Hints
    # the registries were to come from the project file or --from, and none was found: the
    # run logs in nowhere (never the default registry instead); the note names what was scanned
    nothing_found: str | None = None


@dataclass(frozen=True)
class ProjectOptions:
    scan: tuple[str, ...] = ()  # --from
    use_file: bool = True  # not --no-project
    min_ttl_given: bool = False  # the command line wins over the file
    to_given: bool = False


def in_project(
    request: Request,
    settings: Settings,
    options: ProjectOptions,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] = os.environ,
) -> InProject:
    """Without registry arguments, the project's `registries` and what `from` finds are the
    run's registries; `--from` adds what it finds in any case; `[profiles]` routes them."""
    from ecrlogin.project.projectfile import find_project_file

    found_file = find_project_file(cwd) if options.use_file else None
    if found_file is None and not options.scan:
        return InProject(request, settings, Hints())
    from ecrlogin.identity.profiles import known_profiles
    from ecrlogin.project.projectfile import check_profiles, load_project_file
    from ecrlogin.project.scan import scan

    project = load_project_file(found_file) if found_file else None
    named = list(request.registries)
    looked_in: list[str] = []  # where the run's registries were to come from
    sources: dict[str, str] = dict(request.sources)
    notes: list[str] = []
    if project is not None:
        check_profiles(project, known_profiles(environ))
        if not request.registries and (project.registries or project.from_paths):
            looked_in.append(_shown_file(project, cwd))
            scanned = scan(project.from_paths, base=project.folder, environ=environ)
            for item in (*project.registries, *scanned.registries):
                named.append(item.registry)
                sources.setdefault(item.registry.host, item.where())
            notes += scanned.notes
        settings = _project_settings(settings, project.min_ttl, project.to, options)
    if options.scan:
        looked_in += [f"--from {path}" for path in options.scan]
        scanned = scan([Path(p) for p in options.scan], base=cwd, environ=environ)
        for item in scanned.registries:
            named.append(item.registry)
            sources.setdefault(item.registry.host, item.where())
        notes += scanned.notes
    for note in notes:
        log.info("%s", note)  # what a scan skipped, and why: for -v
    request = replace(request, registries=tuple(dict.fromkeys(named)), sources=sources)
    hints = Hints(
        by_host=dict(project.profiles_by_host) if project else {},
        by_account=dict(project.profiles_by_account) if project else {},
    )
    own = request.regions or request.accounts or request.public
    nothing = None
    if looked_in and not named and not own:
        nothing = (
            f"no ECR image found in {', '.join(looked_in)}: logged in nowhere "
            "(-v says what the scan passed by; -r REGION logs in to your own registry)"
        )
    return InProject(request, settings, hints, nothing)


def _shown_file(project: ProjectFile, cwd: Path | None) -> str:
    """The project file, and the `from` paths it scans, as the user would name them."""
    try:
        shown = str(project.path.relative_to((cwd or Path.cwd()).resolve()))
    except ValueError:
        shown = str(project.path)
    scanned = ", ".join(str(p.relative_to(project.folder)) for p in project.from_paths)
    return f"{shown} (from: {scanned})" if scanned else shown


def _project_settings(
    settings: Settings, min_ttl: object, to: str | None, options: ProjectOptions
) -> Settings:
    from datetime import timedelta

    if isinstance(min_ttl, timedelta) and not options.min_ttl_given:
        settings = replace(settings, min_ttl=min_ttl)
    if to is not None and not options.to_given:
        settings = replace(settings, to=to)
    return settings
