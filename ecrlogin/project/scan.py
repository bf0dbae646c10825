"""`--from PATH`: the ECR registries that a project's files and folders use.

Folders are walked without recursion and without following symlinked folders (so a symlink
loop ends), past hidden and third-party folders; a file over the size limit is never read
(skipped in a folder, refused when named). Images that are not ECR are ignored; one whose
registry host still holds a variable is ignored with a note.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ecrlogin.errors import UsageError
from ecrlogin.project.filekinds import FileKind, kind_of, kind_of_named_file, skips_folder
from ecrlogin.project.found import FoundRegistry, ImageReference, ScanError, SyntaxProblem
from ecrlogin.project.variables import substitute

MAX_FILE_BYTES = 5 * 1024 * 1024  # far above any real Dockerfile or manifest
_HINT = "fix the file, or leave it out of --from / the project file's `from`"


@dataclass(frozen=True)
class ScanResult:
    registries: tuple[FoundRegistry, ...]  # one per host, with the first place it was found
    notes: tuple[str, ...]  # what was passed by and why, for -v


@dataclass(frozen=True)
class _File:
    path: Path
    kind: FileKind


@dataclass(frozen=True)
class _Walk:
    """What every step of a walk needs: where sources are shown from, the notes, the limit."""

    base: Path
    notes: list[str]
    max_file_bytes: int

    def note(self, path: Path, why: str) -> None:
        self.notes.append(f"{_shown(path, self.base)}: skipped, {why}")


def scan(
    paths: Iterable[Path | str],
    *,
    base: Path | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    environ: Mapping[str, str] | None = None,
    public: bool = False,
) -> ScanResult:
    """The ECR registries used by the given files and folders, deduplicated by host.

    base: relative paths are taken from it, and sources are shown relative to it (default:
    the current directory; the project file's folder for its `from`).
    environ: what compose files' `${VARIABLE}`s stand for, as `docker compose` would take them
    (default: this process's environment).
    public: also give `public.ecr.aws`; by default its images are passed by with a note, since
    they pull without a login and a login to ECR Public needs permissions a project may lack.
    """
    base = base or Path.cwd()
    environ = os.environ if environ is None else environ
    notes: list[str] = []
    by_host: dict[str, FoundRegistry] = {}
    passed_public = False  # noted once, not for every public image
    for named in paths:
        for file in _files(base / named, _Walk(base, notes, max_file_bytes)):
            source = _shown(file.path, base)
            for image in _images(file, source, max_file_bytes, environ):
                found = _registry(image, source, notes)
                if found is None or found.registry.host in by_host:
                    continue
                if found.registry.public and not public:
                    if not passed_public:
                        notes.append(_public_note(found))
                    passed_public = True
                    continue
                by_host[found.registry.host] = found
    return ScanResult(tuple(by_host.values()), tuple(notes))


def _public_note(found: FoundRegistry) -> str:
    return (
        f"{found.where()}: {found.reference!r} skipped: public.ecr.aws pulls without a login "
        "(log in with --public, or list it in the project file's `registries`)"
    )


def _files(path: Path, walk: _Walk) -> Iterator[_File]:
    try:
        info = path.stat()
    except OSError as error:
        raise ScanError(
            f"{path}: {error.strerror or error}", "check the path given to scan"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path, walk)
        return
    kind = kind_of_named_file(path.name)
    if not stat.S_ISREG(info.st_mode) or kind is None:
        raise ScanError(
            f"{path}: not a Dockerfile, Containerfile, compose file or YAML file",
            "name a Dockerfile, *.Dockerfile, Containerfile, compose.yaml or *.yaml, or a folder",
        )
    if info.st_size > walk.max_file_bytes:
        raise ScanError(f"{path}: larger than {_size(walk.max_file_bytes)}, not scanned", _HINT)
    yield _File(path, kind)


def _walk(root: Path, walk: _Walk) -> Iterator[_File]:
    pending = [root]  # an explicit stack: a deep tree cannot exhaust Python's recursion
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            walk.note(folder, error.strerror or str(error))
            continue
        subfolders: list[Path] = []
        helm_chart = any(entry.name == "Chart.yaml" for entry in entries)
        for entry in entries:
            file = _entry(entry, walk, helm_chart=helm_chart)
            if isinstance(file, _File):
                yield file
            elif file is not None:
                subfolders.append(file)
        pending.extend(reversed(subfolders))  # visit in name order


def _entry(entry: os.DirEntry[str], walk: _Walk, *, helm_chart: bool) -> _File | Path | None:
    """A file to read, a folder to enter, or None to pass by."""
    path = Path(entry.path)
    try:
        if entry.is_dir(follow_symlinks=False):
            # a Helm chart's templates are Go templates, not YAML; its values files say the images
            skipped = skips_folder(entry.name) or (helm_chart and entry.name == "templates")
            return None if skipped else path
        if entry.is_symlink() and entry.is_dir():
            walk.note(path, "a symlinked folder is not followed")
            return None
        kind = kind_of(entry.name)
        if kind is None or not entry.is_file():  # FIFOs and devices are never opened
            return None
        if entry.stat().st_size > walk.max_file_bytes:
            walk.note(path, f"larger than {_size(walk.max_file_bytes)}")
            return None
    except OSError as error:  # a symlink loop, or a file gone since the listing
        walk.note(path, error.strerror or str(error))
        return None
    return _File(path, kind)


def _images(
    file: _File, source: str, max_file_bytes: int, environ: Mapping[str, str]
) -> tuple[ImageReference, ...]:
    text = _read_text(file.path, source, max_file_bytes)
    try:
        images = _READERS[file.kind](text)
    except SyntaxProblem as problem:
        at = f"{source}:{problem.line}" if problem.line else source
        raise ScanError(f"{at}: cannot be parsed: {problem.message}", _HINT) from None
    if file.kind != "compose":
        return images
    # compose interpolates ${VARIABLE} and ${VARIABLE:-default} from the environment
    return tuple(ImageReference(substitute(i.reference, environ), i.line) for i in images)


def _read_text(path: Path, source: str, max_file_bytes: int) -> str:
    try:
        with path.open("rb") as stream:
            data = stream.read(max_file_bytes + 1)  # never more, even if it grew since
    except OSError as error:
        raise ScanError(f"{source}: cannot be read: {error.strerror or error}", _HINT) from None
    if len(data) > max_file_bytes:
        raise ScanError(f"{source}: larger than {_size(max_file_bytes)}, not scanned", _HINT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ScanError(f"{source}:{line}: cannot be parsed: not UTF-8 text", _HINT) from None


def _registry(image: ImageReference, source: str, notes: list[str]) -> FoundRegistry | None:
    from ecrlogin import registry

    try:
        return FoundRegistry(registry.parse(image.reference), image.reference, source, image.line)
    except UsageError:
        if "$" in _registry_part(image.reference):
            notes.append(
                f"{source}:{image.line}: {image.reference!r} skipped: "
                "its registry host holds a variable that has no value here"
            )
        return None  # not ECR: Docker Hub, another registry, a build stage, scratch


def _registry_part(reference: str) -> str:
    """The part of a reference that names the registry: its host, or, with no slash, the whole
    name (`$IMAGE` may be any registry's image; `app:$TAG` is still Docker Hub's)."""
    first, slash, _ = reference.partition("/")
    return first if slash else first.partition("@")[0].partition(":")[0]


def _read_dockerfile(text: str) -> tuple[ImageReference, ...]:
    from ecrlogin.project.dockerfile import images_in_dockerfile

    return images_in_dockerfile(text)


def _read_compose(text: str) -> tuple[ImageReference, ...]:
    from ecrlogin.project.yamlimages import images_in_yaml

    return images_in_yaml(text, compose=True)


def _read_yaml(text: str) -> tuple[ImageReference, ...]:
    from ecrlogin.project.yamlimages import images_in_yaml

    return images_in_yaml(text)


_READERS: dict[FileKind, Callable[[str], tuple[ImageReference, ...]]] = {
    "dockerfile": _read_dockerfile,
    "compose": _read_compose,
    "yaml": _read_yaml,
}


def _shown(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix() or path.name
    except ValueError:
        return str(path)


def _size(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
