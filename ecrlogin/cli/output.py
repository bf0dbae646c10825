"""Rendering: JSON for machines, a rich table for people, nothing for -q; errors and notes on
stderr, one line each. rich is imported only when a table or progress is actually drawn.

Everything shown may hold outside text (AWS and helper messages, names from config files,
identities read back from the state file): it goes through `ecrlogin.text.shown` (control
characters escaped) and into rich as plain `Text`, never as markup.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from ecrlogin.text import shown

if TYPE_CHECKING:  # the cached path renders a login: it must not import status or logout
    from ecrlogin.flows.kubesecret import SecretOutcome
    from ecrlogin.flows.logout import Removal
    from ecrlogin.flows.model import Outcome, Result
    from ecrlogin.flows.sso import SignInResult
    from ecrlogin.flows.status import StatusReport, StatusRow

Progress = Callable[[int, int], None]
# Table columns from the least to the most important: a narrow terminal loses them in this order.
DROP_FIRST = ("Identity", "Profile", "Stored in", "Expires")
OFF_TERMINAL_WIDTH = 250  # off a terminal, rows stay whole (COLUMNS overrides)


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
    return result.failure.one_line() if result.failure else None  # control characters escaped


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
        document: dict[str, Any] = {"results": [result_json(r) for r in outcome.results]}
        if not outcome.results:
            document["error"] = None  # a run that logged in nowhere, as a failed one says it
        emit_json(document)
    elif not quiet and outcome.results:
        rows = [
            [
                _registry_label(r),
                r.profile or "-",
                short_identity(r.identity),
                local_time(r.expires_at, now),
                r.stored_in or "-",
                r.status,
            ]
            for r in outcome.results
        ]
        table(
            ["Registry", "Profile", "Identity", "Expires", "Stored in", "Status"],
            rows,
            shorter={"Expires": [relative(r.expires_at, now) or "-" for r in outcome.results]},
        )


def print_status(report: StatusReport, *, fmt: str, now: datetime) -> None:
    rows = report.rows
    for failing in report.failing:
        error_line(f"{failing}: expired, unknown or expiring within --min-ttl")
    if report.empty_filter:
        error_line(f"note: {report.empty_filter}")
    if report.checked and not rows:
        error_line("--check: no registry is listed, so there is nothing to vouch for")
    if fmt == "json":
        emit_json({"registries": [status_json(r) for r in rows]})
        return
    if not rows:
        if not report.empty_filter:
            print("No ECR registries in the Docker config.")
        return
    table(
        ["Registry", "Profile", "Identity", "Expires", "Stored in"],
        [
            [
                r.registry,
                (r.profile or "-") + (" (changed since)" if r.profile_changed else ""),
                short_identity(r.identity),
                ("expired " if r.expired else "") + local_time(r.expires_at, now),
                r.stored_in or "-",
            ]
            for r in rows
        ],
        shorter={
            "Expires": [
                ("expired " if r.expired else "") + (relative(r.expires_at, now) or "-")
                for r in rows
            ]
        },
    )


def print_logout(removals: Sequence[Removal], *, quiet: bool) -> None:
    for removal in removals:
        if removal.error:
            error_line(f"{removal.registry}: {removal.error}")
        elif not quiet:
            where = f" ({removal.stored_in})" if removal.stored_in else ""
            verb = "logged out" if removal.removed else "was not logged in"
            print(shown(f"{removal.registry}: {verb}{where}"))


def show_instructions(text: str) -> None:
    """The sign-in's URL and code, on stderr (stdout may be a pipe)."""
    print(text, file=sys.stderr, flush=True)


def print_sso_login(result: SignInResult, *, quiet: bool = False) -> None:
    if quiet:
        return
    session = f" (sso-session {result.session_name})" if result.session_name else ""
    until = result.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    refresh = "; the SDKs refresh it" if result.refreshable else ""
    print(shown(f"signed in to {result.start_url}{session}: valid until {until}{refresh}"))
    print(shown(f"token cached in {result.cache_file}"))


def emit_json(data: dict[str, Any]) -> None:
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def emit_compact_json(data: dict[str, Any]) -> None:
    """One line of JSON (the kubelet's plugin answer, as Go's encoder writes it)."""
    sys.stdout.write(json.dumps(data, separators=(",", ":")) + "\n")


def error_line(text: str, stream: IO[str] | None = None) -> None:
    print(f"ecrlogin: {shown(text)}", file=stream or sys.stderr)


def short_identity(arn: str | None) -> str:
    """The part of an ARN after account and service: `assumed-role/dev/alice`, `user/bob`."""
    if not arn:
        return "-"
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[5]:
        return parts[5]
    return arn


def _console(stream: IO[str], width: int | None = None) -> Any:
    from rich.console import Console

    no_color = "NO_COLOR" in os.environ or None
    return Console(file=stream, highlight=False, no_color=no_color, width=width)


def _width(stream: IO[str]) -> int:
    """The terminal's width; off a terminal COLUMNS if set, else wide enough for whole rows."""
    if stream.isatty():
        return int(_console(stream).width)
    try:
        return max(int(os.environ.get("COLUMNS", "")), 20)
    except ValueError:
        return OFF_TERMINAL_WIDTH


def fitting_columns(
    headers: Sequence[str],
    rows: list[list[str]],
    width: int,
    shorter: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[int], int]:
    """The columns to show within `width` and the width the table then needs (cells are never
    wrapped). First the `shorter` forms are taken (Expires: "in 11h 58m"), then the least
    important columns go (never Registry or Status). `rows` is changed in place."""
    from rich.cells import cell_len

    def needed(columns: list[int]) -> int:
        widths = [max([cell_len(headers[i]), *(cell_len(r[i]) for r in rows)]) for i in columns]
        return sum(widths) + 2 * (len(columns) - 1)  # two spaces between columns

    keep = list(range(len(headers)))
    for name, cells in (shorter or {}).items():
        if needed(keep) > width and name in headers:
            column = headers.index(name)
            for row, cell in zip(rows, cells, strict=True):
                row[column] = shown(cell)
    for name in DROP_FIRST:
        if needed(keep) > width and name in headers:
            keep.remove(headers.index(name))
    return keep, needed(keep)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    stream: IO[str] | None = None,
    shorter: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """A plain table; every cell is outside text shown escaped and without markup."""
    from rich.table import Table
    from rich.text import Text

    out = stream or sys.stdout
    cells = [[shown(cell) for cell in row] for row in rows]
    width = _width(out)
    keep, needed = fitting_columns(headers, cells, width, shorter)
    status = headers.index("Status") if "Status" in headers else None
    grid = Table(box=None, pad_edge=False, header_style="bold")
    for i in keep:
        grid.add_column(headers[i], no_wrap=True, overflow="ignore")
    for row in cells:
        style = {"failed": "red", "cached": "dim"}.get(row[status]) if status is not None else None
        grid.add_row(*(Text(row[i]) for i in keep), style=style)
    # A registry host is never broken: where even two columns do not fit, the line gets longer
    # and the terminal wraps it, rather than rich folding the name.
    console = _console(out, max(width, needed))
    with console.capture() as captured:
        console.print(grid)
    out.write("".join(_unpadded(line) for line in captured.get().splitlines(keepends=True)))


def _unpadded(line: str) -> str:
    """A table line without rich's padding at its end (before any closing colour codes)."""
    import re

    return re.sub(r" +((?:\x1b\[[0-9;]*m)*)(\n?)$", r"\1\2", line)


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress | None]:
    """A live bar on a terminal's stderr while tokens arrive; nothing otherwise.

    The bar appears on the first token fetched, so that a run that fetches nothing (everything
    still valid) draws nothing at all.
    """
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    live: list[tuple[Any, Any]] = []

    def update(done: int, total: int) -> None:
        if total == 0:  # a question is coming: away with the bar (a later update draws anew)
            if live:
                live.pop()[0].stop()
            return
        if not live:
            from rich.progress import Progress as Bar

            bar = Bar(console=_console(sys.stderr), transient=True)
            bar.start()
            live.append((bar, bar.add_task("fetching tokens", total=total)))
        bar, task = live[0]
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if live:
            live[0][0].stop()


def print_kube_secret(outcome: SecretOutcome, *, fmt: str, quiet: bool) -> None:
    """The Secret on stdout (YAML, or JSON: a `List` for several namespaces), or with --apply
    kubectl's answers; every failure on stderr, and nothing on stdout when a registry failed."""
    for note in outcome.notes:
        error_line(f"note: {note}")
    secret = outcome.secret
    if secret is None:
        for result in outcome.results:
            if result.failure:
                error_line(f"{_registry_label(result)}: {render_error(result)}")
        error_line("no Secret printed or applied: it would lack a registry")
        return
    if outcome.applied:
        _print_applied(outcome, quiet)
        return
    manifests = secret.manifests()
    if fmt == "json":
        if len(manifests) == 1:
            emit_json(manifests[0])
        else:
            emit_json({"apiVersion": "v1", "kind": "List", "items": manifests})
    else:
        import yaml

        sys.stdout.write(yaml.safe_dump_all(manifests, sort_keys=False, width=2**31))
    if not quiet:
        hosts = ", ".join(e.registry.host for e in secret.entries)
        until = iso(secret.expires_at) or "unknown"
        error_line(f"note: Secret {secret.name} for {hosts}; valid until {until}")


def _print_applied(outcome: SecretOutcome, quiet: bool) -> None:
    for applied in outcome.applied:
        where = applied.namespace or "(kubectl's namespace)"
        if not applied.ok:
            error_line(f"{where}: {applied.message}")
        elif not quiet:
            print(shown(f"{where}: {applied.message}"))
    if outcome.failed:
        done = [a.namespace or "(kubectl's namespace)" for a in outcome.applied if a.ok]
        error_line(f"applied in: {', '.join(done) or 'none'}")
