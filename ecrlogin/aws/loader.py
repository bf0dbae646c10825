"""botocore's data files (service models, endpoints), loaded at a third of botocore's cost.

botocore's own loader parses every JSON file with `object_pairs_hook=OrderedDict` (plain dicts
keep their order since Python 3.7; botocore needs nothing more of them) and, before the first
service model, lists every one of its ~450 service folders to learn whether the service exists.
On the cold path that is most of the first client's CPU: endpoints.json (1.2 MB) took 131 ms
instead of 18, the EC2 model (4.3 MB) 165 ms instead of 64, each listing ~20 ms.

This loader is botocore's `Loader` with two changes: a file loader that parses into plain
dicts, and "does this service exist" answered from that service's own folder. Search paths
(`AWS_DATA_PATH`, a profile's `data_path`, ~/.aws/models, botocore's data), extras and caching
are botocore's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

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


class DataLoader(Loader):
    FILE_LOADER_CLASS = PlainJsonFileLoader

    def list_available_services(self, type_name: str) -> Any:
        return _Services(self, type_name)

    def every_service(self, type_name: str) -> list[str]:
        services: list[str] = super().list_available_services(type_name)
        return services


def create_loader(search_path_string: str | None = None) -> DataLoader:
    """As `botocore.loaders.create_loader`: the given paths (`os.pathsep`-separated, `~` and
    variables expanded) before ~/.aws/models and botocore's own data."""
    if search_path_string is None:
        return DataLoader()
    paths = search_path_string.split(os.pathsep)
    return DataLoader(extra_search_paths=[os.path.expanduser(os.path.expandvars(p)) for p in paths])
