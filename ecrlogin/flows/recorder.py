"""The full CLI keeps the answers the fast path may repeat (`ecrlogin.answers` replays them).

A run is recorded from `start` to `finish`: every file Python opens for it and every folder it
scans (the interpreter's audit events "open" and "os.scandir"; modules are left out, and so is
"os.listdir", which is importlib's), every path it only looked for (the event "ecrlogin.read",
raised where a run checks that a file exists without opening it), the AWS config and
credentials files (parsed once per process), and what it wrote on stdout and stderr. A command
whose answer may be repeated says so with `offer`; `finish` then stores the answer when:

- the run exited 0, wrote nothing on stderr, and every row was `cached` (nothing fetched);
- no file it read changed while it ran (nothing written, no one else wrote);
- the output does not depend on the clock: `-o json` or `-q` (a table says "in 11h 59m");
- not `--force`, `--dry-run`, `-v` or `--debug`, and `--to docker` (whose cached path reads
  config.json and the state only: no daemon, no store program);
- every identity of the run is named by a file or a variable (`opaque_source`).

The answer holds until the earliest expiry of its rows minus the run's `--min-ttl`, and never
past the region lists it used (all-regions) or 24 h.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ecrlogin import answers
from ecrlogin.flows.model import Outcome, Settings

log = logging.getLogger("ecrlogin")
LONGEST = timedelta(hours=24)  # an answer is never kept longer than the region-list memory
MAX_STDOUT = 256 * 1024
_MODULES = (".py", ".pyc", ".so", ".pyd", ".pth")


@dataclass
class Recording:
    argv: tuple[str, ...]
    environ: dict[str, str]
    cwd: str
    seen: dict[str, str] = field(default_factory=dict)  # path -> its identity when first seen
    stdout: list[str] = field(default_factory=list)
    wrote_stderr: bool = False
    wrote_early: bool = False  # on stdout before the answer was offered
    valid_until: datetime | None = None
    state_dir: str | None = None
    finished: bool = False

    def printed(self, text: str) -> None:
        """stdout: kept once the run offered its answer (a password printed is never kept)."""
        if self.valid_until is not None:
            self.stdout.append(text)
        elif text:
            self.wrote_early = True

    def complained(self, text: str) -> None:
        if text:
            self.wrote_stderr = True

    def saw(self, path: object) -> None:
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str | os.PathLike) or str(path).endswith(_MODULES):
            return
        full = os.path.join(self.cwd, os.fspath(path))  # an absolute path stays as it is
        if full not in self.seen:
            self.seen[full] = answers.identity(full)


_current: list[Recording] = []  # the run being recorded (at most one)
_hooked: list[bool] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _current:
        return
    if event in ("open", "os.scandir", "ecrlogin.read") and args and args[0] is not None:
        _current[0].saw(args[0])


def start(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> Recording:
    """Record this run (the one in progress: `main` calls it first)."""
    if not _hooked:
        sys.addaudithook(_audit)  # for the life of the process: one hook, idle between runs
        _hooked.append(True)
    recording = Recording(tuple(argv), dict(environ), os.getcwd())
    _current[:] = [recording]
    sys.stdout = _Tee(sys.stdout, recording.printed)
    sys.stderr = _Tee(sys.stderr, recording.complained)
    return recording


def offer(
    outcome: Outcome,
    settings: Settings,
    *,
    replayable_output: bool,
    holds_until: datetime | None = None,
    environ: Mapping[str, str] = os.environ,
) -> None:
    """A login or all-regions run says what its answer may be replayed for, if it may."""
    if not _current or not outcome.results or outcome.notes:
        return
    results = outcome.results
    if (
        not replayable_output
        or settings.force
        or settings.dry_run
        or settings.verify  # the registry must be asked on every run: never replayed
        or settings.to != "docker"
        or any(r.status != "cached" or r.note or r.expires_at is None for r in results)
        or any(opaque_source(profile, environ) for profile in {r.profile for r in results})
    ):
        return
    now = datetime.now(UTC)
    ends = [r.expires_at - settings.min_ttl for r in results if r.expires_at]
    valid_until = min([*ends, now + LONGEST, *([holds_until] if holds_until else [])])
    if valid_until > now:
        _current[0].valid_until = valid_until
    _current[0].state_dir = str(settings.state_dir)


def opaque_source(profile: str | None, environ: Mapping[str, str] = os.environ) -> bool:
    """True where no AWS file or variable names who the credentials are: the instance role,
    container credentials, a `credential_process` (`awsfiles.opaque`, the one rule). Such a run's
    answer is not stored: whose credentials those are now is known only by asking the source,
    which the full CLI does on every run."""
    from ecrlogin.identity.identity import resolve

    return resolve(profile, environ).opaque


def finish(recording: Recording, code: int) -> None:
    """Stop recording; store the answer when the run may be replayed (see the module)."""
    if recording.finished:
        return
    recording.finished = True
    if recording in _current:
        _current.clear()
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, _Tee):
            setattr(sys, name, stream.inner)
    if code != 0 or recording.wrote_stderr or recording.wrote_early or not recording.valid_until:
        return
    from ecrlogin.identity import profiles

    for aws_file in (
        profiles.config_file(recording.environ),
        profiles.credentials_file(recording.environ),
    ):
        recording.saw(str(aws_file))  # read once per process (cached): named here every run
    stdout = "".join(recording.stdout)
    changed = [p for p, seen in recording.seen.items() if answers.identity(p) != seen]
    if changed or len(stdout) > MAX_STDOUT or recording.state_dir is None:
        log.debug("answer not kept: %s changed during the run", ", ".join(changed))
        return
    try:
        _store(recording, stdout, code)
    except Exception as error:  # keeping the answer is an optimisation: never a failure
        log.debug("answer not kept: %s", error)


def _store(recording: Recording, stdout: str, code: int) -> None:

    from ecrlogin.files import locked, read_json_object, write_json_atomic
    from ecrlogin.safepaths import check_trusted

    assert recording.valid_until is not None
    assert recording.state_dir is not None
    key = answers.key(recording.argv, recording.environ, recording.cwd)
    files = sorted(recording.seen)
    entry = {
        "files": files,
        "digest": answers.digest(key, files),
        "stdout": stdout,
        "exit": code,
        "valid_until": recording.valid_until.timestamp(),
        "written": time.time(),
    }
    directory = Path(recording.state_dir)
    path = Path(answers.answers_file(recording.state_dir))
    if _already(path, key, entry):
        return  # the same answer, stored by an earlier run: no lock, no write
    with locked(directory):
        check_trusted(path)
        try:
            stored = read_json_object(path, max_bytes=answers.MAX_BYTES)
        except Exception:  # a cache: unreadable is empty
            stored = {}
        found = stored.get("answers") if stored.get("version") == answers.VERSION else None
        kept: dict[str, Any] = dict(found) if isinstance(found, dict) else {}
        kept[key] = entry
        newest = sorted(kept, key=lambda k: _written(kept[k]), reverse=True)
        kept = {k: kept[k] for k in newest[: answers.MAX_ANSWERS]}
        write_json_atomic(path, {"version": answers.VERSION, "answers": kept})


def _already(path: Path, key: str, entry: dict[str, Any]) -> bool:
    from ecrlogin.files import read_json_object
    from ecrlogin.safepaths import check_trusted

    try:
        check_trusted(path)
        kept = read_json_object(path, max_bytes=answers.MAX_BYTES).get("answers")
    except Exception:  # a cache: unreadable is not there
        return False
    same = ("digest", "stdout", "exit")
    old = kept.get(key) if isinstance(kept, dict) else None
    return (
        isinstance(old, dict)
        and all(old.get(k) == entry[k] for k in same)
        and _number(old.get("valid_until")) >= entry["valid_until"]
    )


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _written(entry: object) -> float:
    return _number(entry.get("written") if isinstance(entry, dict) else None)


class _Tee(io.TextIOBase):
    """A text stream that writes through to `inner` and tells `seen` what it wrote."""

    def __init__(self, inner: Any, seen: Any) -> None:
        self.inner, self._seen = inner, seen

    def write(self, text: str) -> int:
        if isinstance(text, str):  # click probes with bytes: passed on, never kept
            self._seen(text)
        return int(self.inner.write(text))

    def flush(self) -> None:
        # The tee may outlive the stream it wraps (a test runner's capture): when it is
        # finalised, io's close() flushes, and a closed stream has nothing left to flush.
        if not getattr(self.inner, "closed", False):
            self.inner.flush()

    def isatty(self) -> bool:
        return bool(self.inner.isatty())

    def fileno(self) -> int:
        return int(self.inner.fileno())

    @property
    def encoding(self) -> Any:  # type: ignore[override]
        return getattr(self.inner, "encoding", "utf-8")

    @property
    def errors(self) -> Any:  # type: ignore[override]
        return getattr(self.inner, "errors", "strict")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
