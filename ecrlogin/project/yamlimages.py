"""Image references in YAML: compose files, Kubernetes manifests, Helm values — any YAML.

The text is read as a stream of parser events with an explicit stack, never built into a tree
and never walked recursively: time and memory stay linear in the file's size whatever its
nesting, and an alias (`*name`) is never expanded, so a "billion laughs" file costs what its
text costs. What an alias stands for is already known from its anchor: anchors remember the
few keys that matter here (`image`, `repository`, `registry`, `tag`), which is also how merge
keys (`<<: *defaults`) and aliased compose services are followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrlogin.project.found import ImageReference, SyntaxProblem

MAX_DEPTH = 1000  # libyaml stops at the same depth; the pure-Python parser would not
_KEYS = frozenset({"image", "repository", "registry", "tag"})
_MERGE = "<<"

Scalars = dict[str, tuple[str, int]]  # key -> (value, 1-based line), for the keys in _KEYS


@dataclass
class _Collection:
    """A mapping or sequence being read: where it is, and what it holds so far."""

    is_mapping: bool
    path: tuple[str | None, ...]  # the keys from the document's root; None for a list item
    anchor: str | None
    scalars: Scalars = field(default_factory=dict)
    merged: Scalars = field(default_factory=dict)  # from `<<:` merge keys; own keys win
    key: str | None = None
    expecting_key: bool = True


def images_in_yaml(
    text: str, *, compose: bool = False, max_depth: int = MAX_DEPTH
) -> tuple[ImageReference, ...]:
    """Every image reference in a (multi-document) YAML text, in the order of their lines.

    compose: only `services.<name>.image`, as in a compose file; otherwise every `image:`
    string at any depth, `repository:` beside a `tag:` (`repository:tag`), and `image:`
    mappings of `registry`/`repository`/`tag`, as Helm charts write them.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where it is built
    walker = _Walker(compose=compose, max_depth=max_depth)
    try:
        for event in yaml.parse(text, Loader=loader):
            walker.take(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise SyntaxProblem(_first_line(error.problem or str(error)), _line(mark)) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        raise SyntaxProblem(f"not YAML text: {_first_line(str(error))}", line) from None
    except yaml.YAMLError as error:
        raise SyntaxProblem(_first_line(str(error)), None) from None
    return tuple(sorted(walker.found, key=lambda image: image.line))


class _Walker:
    def __init__(self, *, compose: bool, max_depth: int) -> None:
        self.compose = compose
        self.max_depth = max_depth
        self.stack: list[_Collection] = []
        self.scalar_anchors: dict[str, str] = {}
        self.mapping_anchors: dict[str, Scalars] = {}
        self.sequence_anchors: set[str] = set()
        self.found: list[ImageReference] = []

    def take(self, event: Any) -> None:
        import yaml

        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.CollectionStartEvent):
            if len(self.stack) >= self.max_depth:
                raise SyntaxProblem(f"nested more than {self.max_depth} levels deep", line)
            is_mapping = isinstance(event, yaml.MappingStartEvent)
            self.stack.append(_Collection(is_mapping, self._child_path(), event.anchor))
        elif isinstance(event, yaml.CollectionEndEvent):
            self._end(self.stack.pop())
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                self.scalar_anchors[event.anchor] = event.value
            self._scalar(event.value, line)
        elif isinstance(event, yaml.AliasEvent) and event.anchor is not None:
            self._alias(event.anchor, line)

    def _child_path(self) -> tuple[str | None, ...]:
        if not self.stack:
            return ()
        parent = self.stack[-1]
        key = parent.key if parent.is_mapping and not parent.expecting_key else None
        return (*parent.path, key)

    def _scalar(self, value: str, line: int) -> None:
        if not self.stack:
            return  # a document that is a single scalar
        parent = self.stack[-1]
        if parent.is_mapping and parent.expecting_key:
            parent.key, parent.expecting_key = value, False
            return
        if parent.is_mapping and parent.key in _KEYS:
            parent.scalars[parent.key] = (value, line)
        self._done(parent)

    def _alias(self, anchor: str, line: int) -> None:
        known = anchor in self.scalar_anchors or anchor in self.mapping_anchors
        if not known and anchor not in self.sequence_anchors:
            raise SyntaxProblem(f"found undefined alias {anchor!r}", line)
        if not self.stack:
            return
        parent = self.stack[-1]
        if parent.is_mapping and parent.expecting_key:
            parent.key, parent.expecting_key = self.scalar_anchors.get(anchor), False
            return
        if anchor in self.scalar_anchors:
            self._scalar(self.scalar_anchors[anchor], line)
            return
        if anchor in self.mapping_anchors:
            scalars = self.mapping_anchors[anchor]
            merge_into = self._merge_target()
            if merge_into is not None:
                for key, value in scalars.items():
                    merge_into.merged.setdefault(key, value)  # the first merged mapping wins
            else:  # the aliased mapping appears here again: a compose service `web: *base`
                self._images_of((*self._child_path(),), scalars)
        self._done(parent)

    def _merge_target(self) -> _Collection | None:
        """The mapping a `<<:` merge key fills, when the alias being read is that merge's value."""
        parent = self.stack[-1]
        if parent.is_mapping:
            return parent if parent.key == _MERGE else None
        owner = self.stack[-2] if len(self.stack) > 1 else None  # `<<: [*a, *b]`
        if owner is not None and owner.is_mapping and owner.key == _MERGE:
            return owner
        return None

    def _end(self, collection: _Collection) -> None:
        if collection.is_mapping:
            scalars = {**collection.merged, **collection.scalars}
            if collection.anchor:
                self.mapping_anchors[collection.anchor] = scalars
            self._images_of(collection.path, scalars)
        elif collection.anchor:
            self.sequence_anchors.add(collection.anchor)
        if not self.stack:
            return
        parent = self.stack[-1]
        if parent.is_mapping and parent.expecting_key:  # a mapping or list used as a key
            parent.key, parent.expecting_key = None, False
        else:
            self._done(parent)

    def _done(self, parent: _Collection) -> None:
        """A key's value is complete: the mapping now expects its next key."""
        if parent.is_mapping:
            parent.key, parent.expecting_key = None, True

    def _images_of(self, path: tuple[str | None, ...], scalars: Scalars) -> None:
        if self.compose:
            if len(path) == 2 and path[0] == "services" and "image" in scalars:
                self._add(*scalars["image"])
            return
        if "image" in scalars:
            self._add(*scalars["image"])
        if "repository" in scalars and ("tag" in scalars or path[-1:] == ("image",)):
            self._add(*_helm_reference(scalars))

    def _add(self, reference: str, line: int) -> None:
        if reference.strip():
            self.found.append(ImageReference(reference.strip(), line))


def _helm_reference(scalars: Scalars) -> tuple[str, int]:
    repository, line = scalars["repository"]
    registry = scalars.get("registry", ("", 0))[0].strip().rstrip("/")
    tag = scalars.get("tag", ("", 0))[0].strip()
    reference = f"{registry}/{repository}" if registry else repository
    return (f"{reference}:{tag}" if tag else reference), line


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "not valid YAML"
