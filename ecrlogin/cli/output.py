"""Rendering: JSON for machines, a rich table for people, nothing for -q; errors and notes on
stderr, one line each. rich is imported only when a table or progress is actually drawn.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # the cached path renders a login: it must not import status or logout
    from ecrlogin.flows.logout import Removal
    from ecrlogin.flows.model import Outcome, Result
    from ecrlogin.flows.status import StatusReport, StatusRow

Progress = Callable[[int, int], None]
_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}


def safe(text: str) -> str:
    """Outside text (AWS, helpers, daemons, files) with control characters made visible, so
    that nothing it carries can drive the terminal."""
    return text.translate(_CONTROL)


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def result_json(result: Result) -> dict[str, Any]:
    reg = result.registry
    return {
        "registry": reg.host if reg else None,
        "account": reg.account if reg else None,
        "region": result.region or None,
        "partition": reg.partition if reg else None,
        "fips": reg.fips if reg else False,
        "dualstack": reg.dualstack if reg else False,
        "public": reg.public if reg else False,
        "profile": result.profile,
        "identity": result.identity,
        "expires_at": iso(result.expires_at),
        "stored_in": result.stored_in,
        "status": result.status,
        "error": render_error(result),
        "source": result.source,
    }


def render_error(result: Result) -> str | None:
    """The one place a typed failure becomes text."""
    return safe(result.failure.one_line()) if result.failure else None


def status_json(row: StatusRow) -> dict[str, Any]:
    return {
        "registry": row.registry,
        "profile": row.profile,
        "identity": row.identity,
        "expires_at": iso(row.expires_at),
        "expired": row.expired,
        "stored_in": row.stored_in,
        "profile_changed": row.profile_changed,
    }


def relative(moment: datetime | None, now: datetime) -> str:
    """'in 11h 58m', '3m ago'; '' when unknown."""
    if moment is None:
        return ""
    seconds = int((moment - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    span = f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
    return f"in {span}" if seconds >= 0 else f"{span} ago"


def local_time(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    return f"{moment.astimezone().strftime('%Y-%m-%d %H:%M %Z')} ({relative(moment, now)})"


def _registry_label(result: Result) -> str:
    if result.registry:
        return result.registry.host
    if result.region:
        return f"(own account) {result.region}"
    return f"profile {result.profile}" if result.profile else "(environment credentials)"


def print_login(outcome: Outcome, *, fmt: str, quiet: bool, now: datetime) -> None:
    for result in outcome.results:
        if result.status == "failed":
            text = render_error(result) or ""
            if result.registry is None and result.region:  # the label names the region already
                text = text.removeprefix(f"{result.region}: ")
            error_line(f"{_registry_label(result)}: {text}")
        elif result.note and not quiet:
            error_line(f"note: {_registry_label(result)}: {result.note}")
    if not quiet:
        for note in outcome.notes:
            error_line(f"note: {note}")
    if fmt == "json":
        emit_json({"results": [result_json(r) for r in outcome.results]})
    elif not quiet:
        rows = [
            [
                _registry_label(r),
                r.profile or "-",
                r.identity or "-",
                local_time(r.expires_at, now),
                r.stored_in or "-",
                r.status,
            ]
            for r in outcome.results
        ]
        table(["Registry", "Profile", "Identity", "Expires", "Stored in", "Status"], rows)


def print_status(report: StatusReport, *, fmt: str, now: datetime) -> None:
    rows = report.rows
    for failing in report.failing:
        error_line(f"{failing}: expired, unknown or expiring within --min-ttl")
    if fmt == "json":
        emit_json({"registries": [status_json(r) for r in rows]})
        return
    if not rows:
        print("No ECR registries in the Docker config.")
        return
    table(
        ["Registry", "Profile", "Identity", "Expires", "Stored in"],
        [
            [
                r.registry,
                (r.profile or "-") + (" (changed since)" if r.profile_changed else ""),
                r.identity or "-",
                ("expired " if r.expired else "") + local_time(r.expires_at, now),
                r.stored_in or "-",
            ]
            for r in rows
        ],
    )


def print_logout(removals: Sequence[Removal], *, quiet: bool) -> None:
    for removal in removals:
        if removal.error:
            error_line(f"{removal.registry}: {removal.error}")
        elif not quiet:
            where = f" ({removal.stored_in})" if removal.stored_in else ""
            verb = "logged out" if removal.removed else "was not logged in"
            print(f"{removal.registry}: {verb}{where}")


def emit_json(data: dict[str, Any]) -> None:
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def error_line(text: str, stream: IO[str] | None = None) -> None:
    print(f"ecrlogin: {text}", file=stream or sys.stderr)


def _console(stream: IO[str]) -> Any:
    from rich.console import Console

    # Off a terminal (pipes, CI logs) rich would wrap at 80 columns; keep each row on one line.
    width = None if stream.isatty() else 250
    no_color = "NO_COLOR" in os.environ or None
    return Console(file=stream, highlight=False, no_color=no_color, width=width)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    from rich.table import Table

    grid = Table(box=None, pad_edge=False, header_style="bold")
    for header in headers:
        grid.add_column(header, overflow="fold")
    for row in rows:
        style = {"failed": "red", "cached": "dim"}.get(row[-1])
        grid.add_row(*row, style=style)
    _console(sys.stdout).print(grid)


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress | None]:
    """A live bar on a terminal's stderr while tokens arrive; nothing otherwise."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import Progress as Bar

    with Bar(console=_console(sys.stderr), transient=True) as bar:
        task = bar.add_task("fetching tokens", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
