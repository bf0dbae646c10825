"""botocore's data files (service models, endpoints), loaded at a third of botocore's cost.

botocore's own loader parses every JSON file with `object_pairs_hook=OrderedDict` (plain dicts
keep their order since Python 3.7; botocore needs nothing more of them) and, before the first
service model, lists every one of its ~450 service folders to learn whether the service exists.
On the cold path that is most of the first client's CPU: endpoints.json (1.2 MB) took 131 ms
instead of 18, the EC2 model (4.3 MB) 165 ms instead of 64, each listing ~20 ms.

This loader is botocore's `Loader` with three changes: a file loader that parses into plain
dicts; "does this service exist" answered from that service's own folder; and service models
cut down to the operations ecrlogin calls (`CALLED`), with every shape they reach and every
error shape so `client.exceptions` stays whole, and never for a service botocore itself calls.
A client class is then built with one method instead of 60 (ECR) or 830 (EC2): ~2 ms less per
ECR client, ~30 ms less for EC2. Given a `ModelCache` (the flows keep one in ecrlogin's state
directory), the cut model of botocore's own data is kept there under a name that changes with
the data file (path, size, modification time), so a later run reads 10 KB instead of parsing
the 4 MB EC2 model (~100 ms). Search paths (`AWS_DATA_PATH`, a profile's `data_path`,
~/.aws/models, botocore's data), extras and caching are botocore's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from botocore.exceptions import DataNotFoundError
from botocore.loaders import JSONFileLoader, Loader


class PlainJsonFileLoader(JSONFileLoader):
    """botocore's JSON file loader (.json, then .json.gz), into plain dicts."""

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            return json.loads(fp.read())


class _Services:
    """What `Loader.list_available_services` stands for: asked with `in`, it looks in the one
    service's folders (as `list_api_versions`, which botocore calls next anyway); anything else
    (iterating for an error message) gets botocore's full listing."""

    def __init__(self, loader: DataLoader, type_name: str) -> None:
        self._loader, self._type = loader, type_name

    def __contains__(self, service: object) -> bool:
        if not isinstance(service, str):
            return False
        try:
            return bool(self._loader.list_api_versions(service, self._type))
        except DataNotFoundError:
            return False

    def __iter__(self) -> Iterator[str]:
        return iter(self._loader.every_service(self._type))

    def __len__(self) -> int:
        return len(self._loader.every_service(self._type))


CACHE_FORMAT = "1"  # a change in how models are cut changes every cache name
log = logging.getLogger("ecrlogin")


class ModelCache(Protocol):
    """Where cut models are kept between runs; both may fail quietly (a miss costs speed)."""

    def get(self, name: str) -> Any | None: ...
    def put(self, name: str, model: dict[str, Any]) -> None: ...


# The operations ecrlogin calls, by service (ecrlogin.aws.sdk): a client of ours needs no other.
# Never STS, SSO or SSO OIDC: botocore's own credential providers make clients of those through
# the same loader (AssumeRole, AssumeRoleWithWebIdentity, GetRoleCredentials, CreateToken).
CALLED: Mapping[str, frozenset[str]] = {
    "ecr": frozenset({"GetAuthorizationToken"}),
    "ecr-public": frozenset({"GetAuthorizationToken"}),
    "ec2": frozenset({"DescribeRegions"}),
}


class DataLoader(Loader):
    FILE_LOADER_CLASS = PlainJsonFileLoader

    def __init__(
        self,
        *args: Any,
        called: Mapping[str, frozenset[str]] = CALLED,
        models: ModelCache | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self._called, self._kept = called, models
        self._cut: dict[tuple[str, str | None], Any] = {}

    def load_service_model(
        self, service_name: str, type_name: str, api_version: str | None = None
    ) -> Any:
        wanted = self._called.get(service_name)
        if type_name != "service-2" or not wanted:
            return super().load_service_model(service_name, type_name, api_version)
        key = (service_name, api_version)
        if key not in self._cut:
            self._cut[key] = self._cut_model(service_name, api_version, wanted)
        return self._cut[key]

    def _cut_model(self, service: str, api_version: str | None, wanted: frozenset[str]) -> Any:
        name = self._cache_name(service, api_version, wanted)
        kept = self._kept.get(name) if self._kept is not None and name else None
        if kept is not None:
            problem = model_problem(kept, service, wanted)
            if problem is None:
                log.debug("%s service model: ecrlogin's cut copy %s", service, name)
                return kept
            log.debug("%s service model: the kept copy %s is ignored (%s)", service, name, problem)
        model = only_operations(
            super().load_service_model(service, "service-2", api_version), wanted
        )
        if self._kept is not None and name and model_problem(model, service, wanted) is None:
            self._kept.put(name, model)
        return model

    def _cache_name(
        self, service: str, api_version: str | None, wanted: frozenset[str]
    ) -> str | None:
        """A name for the cut model of botocore's own data file; None for a model of the
        user's (a data path, ~/.aws/models) or with extras: botocore reads those itself."""
        try:
            version = api_version or self.determine_latest_version(service, "service-2")
            relative = os.path.join(service, version, "service-2")
            found = [
                p for p in self.search_paths if self.file_loader.exists(os.path.join(p, relative))
            ]
            extras = [
                os.path.join(p, f"{relative}.{kind}-extras")
                for p in self.search_paths
                for kind in self.extras_types
            ]
            if (
                not found
                or not self.is_builtin_path(found[0])
                or any(map(self.file_loader.exists, extras))
            ):
                return None
            source = os.path.join(found[0], relative) + ".json"
            source = source if os.path.isfile(source) else source + ".gz"
            info = os.stat(source)
        except Exception:  # botocore's own loading reports what is wrong
            return None
        facts = "\0".join(
            [source, str(info.st_size), str(info.st_mtime_ns), *sorted(wanted), CACHE_FORMAT]
        )
        return f"{service}-{hashlib.sha256(facts.encode()).hexdigest()[:20]}.json"

    def list_available_services(self, type_name: str) -> Any:
        return _Services(self, type_name)

    def every_service(self, type_name: str) -> list[str]:
        services: list[str] = super().list_available_services(type_name)
        return services


# What decides where a request of ours goes, how it is signed and what it does, pinned to
# botocore's own models (a unit test holds this table to the installed botocore's data): a kept
# model must say exactly this, and nothing else that could steer a request.
PINNED: Mapping[str, Mapping[str, Any]] = {
    "ecr": {
        "endpointPrefix": "api.ecr",
        "protocol": "json",
        "protocols": ["json"],
        "jsonVersion": "1.1",
        "signatureVersion": "v4",
        "signingName": "ecr",
        "targetPrefix": "AmazonEC2ContainerRegistry_V20150921",
        "serviceId": "ECR",
        "apiVersion": "2015-09-21",
        "auth": ["aws.auth#sigv4"],
        "http": {"GetAuthorizationToken": {"method": "POST", "requestUri": "/"}},
    },
    "ecr-public": {
        "endpointPrefix": "api.ecr-public",
        "protocol": "json",
        "protocols": ["json"],
        "jsonVersion": "1.1",
        "signatureVersion": "v4",
        "signingName": "ecr-public",
        "targetPrefix": "SpencerFrontendService",
        "serviceId": "ECR PUBLIC",
        "apiVersion": "2020-10-30",
        "auth": ["aws.auth#sigv4"],
        "http": {"GetAuthorizationToken": {"method": "POST", "requestUri": "/"}},
    },
    "ec2": {
        "endpointPrefix": "ec2",
        "protocol": "ec2",
        "protocols": ["ec2"],
        "signatureVersion": "v4",
        "serviceId": "EC2",
        "apiVersion": "2016-11-15",
        "auth": ["aws.auth#sigv4"],
        "http": {"DescribeRegions": {"method": "POST", "requestUri": "/"}},
    },
}
# Every other key a cut model may hold: descriptions, and how answers are parsed. Anything else
# (staticContextParams, contextParams, endpoint, hostPrefix, hostLabel, location, auth, …) is
# refused, as is a pinned key that is missing or different.
_DESCRIPTIVE_METADATA = frozenset({"serviceAbbreviation", "serviceFullName", "uid", "xmlNamespace"})
_TOP_KEYS = frozenset({"version", "metadata", "operations", "shapes", "documentation"})
_OPERATION_KEYS = frozenset(
    {"name", "http", "input", "output", "errors", "documentation", "deprecated"}
)
_SHAPE_KEYS = frozenset(
    {"type", "members", "member", "key", "value", "required", "documentation", "enum",
     "exception", "fault", "error", "min", "max", "pattern", "sensitive", "locationName",
     "deprecated", "deprecatedMessage", "timestampFormat", "flattened", "box", "union"}
)  # fmt: skip
_MEMBER_KEYS = frozenset(
    {"shape", "documentation", "locationName", "queryName", "deprecated", "deprecatedMessage",
     "deprecatedSince", "idempotencyToken", "box", "flattened", "xmlNamespace"}
)  # fmt: skip


def model_problem(model: Any, service: str, wanted: frozenset[str]) -> str | None:
    """Why `model` is not a cut model of `service` that ecrlogin may use (None: it is).

    The checks are strict: every key is one this module expects, the metadata and each
    operation's `http` are the pinned values, every shape named exists. A kept copy is a file
    anyone who can write the state directory can change; it must not be able to change what
    is called, where, or how it is signed."""
    pinned = PINNED.get(service)
    if pinned is None or not isinstance(model, dict) or not set(model) <= _TOP_KEYS:
        return "not a cut model of a service ecrlogin calls"
    metadata, operations, shapes = (model.get(k) for k in ("metadata", "operations", "shapes"))
    if not (isinstance(metadata, dict) and isinstance(operations, dict)):
        return "no metadata or operations"
    if not isinstance(shapes, dict) or set(operations) != wanted:
        return "other operations than ecrlogin's"
    expected = {k: v for k, v in pinned.items() if k != "http"}
    if {k: v for k, v in metadata.items() if k not in _DESCRIPTIVE_METADATA} != expected:
        return "metadata other than botocore's"
    for name, operation in operations.items():
        if not isinstance(operation, dict) or not set(operation) <= _OPERATION_KEYS:
            return f"operation {name} holds keys ecrlogin does not use"
        if operation.get("name") != name or operation.get("http") != pinned["http"].get(name):
            return f"operation {name} is not botocore's"
        errors = operation.get("errors", [])
        references = [operation.get("input"), operation.get("output")]
        if not isinstance(errors, list) or not all(
            _reference(r, shapes) for r in [*references, *errors] if r is not None
        ):
            return f"operation {name} names a shape that is not there"
    return next(filter(None, (_shape_problem(n, s, shapes) for n, s in shapes.items())), None)


def _shape_problem(name: str, shape: Any, shapes: Mapping[str, Any]) -> str | None:
    if not isinstance(shape, dict) or not set(shape) <= _SHAPE_KEYS:
        return f"shape {name} holds keys ecrlogin does not use"
    members = shape.get("members", {})
    if not isinstance(members, dict):
        return f"shape {name} is malformed"
    for member in members.values():
        if not isinstance(member, dict) or not set(member) <= _MEMBER_KEYS:
            return f"a member of shape {name} holds keys ecrlogin does not use"
        if not _reference(member, shapes):
            return f"a member of shape {name} names a shape that is not there"
    for part in ("member", "key", "value"):
        if part in shape and not (
            isinstance(shape[part], dict)
            and set(shape[part]) <= _MEMBER_KEYS
            and _reference(shape[part], shapes)
        ):
            return f"shape {name} names a shape that is not there"
    return None


def _reference(ref: Any, shapes: Mapping[str, Any]) -> bool:
    """A `{"shape": NAME, …}` reference to a shape that is there, with no key that steers."""
    return (
        isinstance(ref, dict)
        and set(ref) <= _MEMBER_KEYS
        and isinstance(ref.get("shape"), str)
        and ref["shape"] in shapes
    )


def only_operations(model: Any, wanted: frozenset[str]) -> Any:
    """`model` with the `wanted` operations, the shapes they reach and every error shape; a
    model that lacks one of them (a custom one from a data path) is left as it is."""
    if not isinstance(model, dict) or not wanted <= set(model.get("operations", ())):
        return model
    operations = {name: model["operations"][name] for name in sorted(wanted)}
    shapes = model.get("shapes", {})
    roots = [
        op[part]["shape"]
        for op in operations.values()
        for part in ("input", "output")
        if part in op
    ]
    roots += [error["shape"] for op in operations.values() for error in op.get("errors", ())]
    roots += [name for name, shape in shapes.items() if shape.get("exception")]
    kept = _reached(shapes, roots)
    return {
        **model,
        "operations": operations,
        "shapes": {n: s for n, s in shapes.items() if n in kept},
    }


def _reached(shapes: Mapping[str, Any], roots: Iterable[str]) -> set[str]:
    """The shapes `roots` name, and every shape those name (members, list members, map keys
    and values), following botocore's model format."""
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen or name not in shapes:
            continue
        seen.add(name)
        shape = shapes[name]
        pending += [shape[part]["shape"] for part in ("member", "key", "value") if part in shape]
        pending += [member["shape"] for member in shape.get("members", {}).values()]
    return seen


def create_loader(
    search_path_string: str | None = None, *, models: ModelCache | None = None
) -> DataLoader:
    """As `botocore.loaders.create_loader`: the given paths (`os.pathsep`-separated, `~` and
    variables expanded) before ~/.aws/models and botocore's own data."""
    if search_path_string is None:
        return DataLoader(models=models)
    paths = search_path_string.split(os.pathsep)
    extra = [os.path.expanduser(os.path.expandvars(p)) for p in paths]
    return DataLoader(extra_search_paths=extra, models=models)
