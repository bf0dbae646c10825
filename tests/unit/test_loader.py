"""ecrlogin.aws.loader: botocore's data files, the same data as botocore's own loader gives."""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import JSONFileLoader, Loader
from botocore.loaders import create_loader as botocore_loader
from botocore.model import Shape

from ecrlogin.aws.loader import CALLED, DataLoader, create_loader, only_operations


@pytest.mark.parametrize(
    ("service", "kind"),
    [("ecr", "service-2"), ("sts", "endpoint-rule-set-1"), ("ec2", "paginators-1")],
)
def test_service_models_are_botocore_s_as_plain_dicts(service: str, kind: str) -> None:
    ours = DataLoader(called={}).load_service_model(service, kind)
    assert ours == botocore_loader().load_service_model(service, kind)
    nested = [value for value in ours.values() if isinstance(value, dict)]
    assert type(ours) is dict
    assert nested
    assert all(type(value) is dict for value in nested)


def test_data_files_are_botocore_s() -> None:
    assert create_loader().load_data("endpoints") == botocore_loader().load_data("endpoints")


def test_a_service_is_known_without_listing_them_all() -> None:
    services = create_loader().list_available_services("service-2")
    assert "ecr-public" in services
    assert "no-such-service" not in services
    assert {"ec2", "ecr", "sts"} <= set(services)
    assert len(services) > 100


def test_unknown_service_is_botocore_s_error_naming_the_known_ones() -> None:
    with pytest.raises(UnknownServiceError, match=r"no-such-service.*ecr-public"):
        create_loader().load_service_model("no-such-service", "service-2")


def test_data_path_goes_first_with_variables_expanded(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "ecr" / "2015-09-21"
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps({"metadata": {"mine": True}}))
    os.environ["ECRLOGIN_TEST_MODELS"] = str(tmp_path)  # removed below
    try:
        loader = create_loader(f"/nonexistent{os.pathsep}$ECRLOGIN_TEST_MODELS/models")
    finally:
        del os.environ["ECRLOGIN_TEST_MODELS"]
    assert loader.load_service_model("ecr", "service-2") == {"metadata": {"mine": True}}
    assert "sts" in loader.list_available_services("service-2")  # botocore's data still


def client(service: str, loader: Any) -> Any:
    session = botocore.session.Session()
    session.register_component("data_loader", loader)
    return session.create_client(
        service, region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


def described(shape: Shape | None, seen: frozenset[str] = frozenset()) -> object:
    """A shape as botocore resolves it, members and all (a recursive shape once)."""
    if shape is None or shape.name in seen:
        return None if shape is None else shape.name
    inner = seen | {shape.name}
    parts = [(n, described(m, inner)) for n, m in getattr(shape, "members", {}).items()]
    for part in ("member", "key", "value"):
        parts.append((part, described(getattr(shape, part, None), inner)))
    return (shape.name, shape.type_name, shape.serialization, tuple(parts))


@pytest.mark.parametrize("service", sorted(CALLED))
def test_clients_offer_the_operations_ecrlogin_calls_as_botocore_models_them(
    service: str,
) -> None:
    ours, full = client(service, create_loader()), client(service, botocore_loader())
    assert ours.meta.service_model.operation_names == sorted(CALLED[service])
    for name in CALLED[service]:
        mine, theirs = (c.meta.service_model.operation_model(name) for c in (ours, full))
        assert described(mine.input_shape) == described(theirs.input_shape)
        assert described(mine.output_shape) == described(theirs.output_shape)
        assert [e.name for e in mine.error_shapes] == [e.name for e in theirs.error_shapes]
    assert dir(ours.exceptions) == dir(full.exceptions)  # every modeled error is still there


def test_a_model_without_the_operations_is_left_as_it_is() -> None:
    custom = {"metadata": {"mine": True}}
    assert only_operations(custom, frozenset({"GetAuthorizationToken"})) is custom


def test_the_botocore_internals_relied_on_are_still_there() -> None:
    """loader.py overrides these; a botocore that renames or reshapes them must fail here."""
    assert list(inspect.signature(JSONFileLoader._load_file).parameters) == [
        "self",
        "full_path",
        "open_method",
    ]
    model = Loader().load_service_model(service_name="ecr", type_name="service-2", api_version=None)
    assert {"operations", "shapes", "metadata"} <= set(model)
    assert "list_available_services" in vars(Loader)
    assert Loader.FILE_LOADER_CLASS is JSONFileLoader
