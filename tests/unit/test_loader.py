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

from ecrlogin.aws.loader import (
    CALLED,
    PINNED,
    DataLoader,
    create_loader,
    model_problem,
    only_operations,
)


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


def test_the_services_botocore_s_credential_providers_call_are_never_cut() -> None:
    assert not {"sts", "sso", "sso-oidc", "signin"} & set(CALLED)
    sts = client("sts", create_loader())
    assert {"assume_role", "assume_role_with_web_identity", "get_caller_identity"} <= set(dir(sts))


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
    loader = Loader()  # what a cut model's cache name is made of
    version = loader.determine_latest_version("ec2", "service-2")
    assert loader.is_builtin_path(os.path.join(loader.search_paths[-1], "ec2"))
    assert loader.file_loader.exists(
        os.path.join(loader.search_paths[-1], "ec2", version, "service-2")
    )
    assert "sdk" in loader.extras_types


class Kept(dict[str, Any]):
    """A ModelCache in memory."""

    def put(self, name: str, model: dict[str, Any]) -> None:
        self[name] = model


class Counting(JSONFileLoader):
    def __init__(self) -> None:
        self.loaded: list[str] = []

    def load_file(self, file_path: str) -> Any:
        self.loaded.append(file_path)
        return super().load_file(file_path)


def test_a_cut_model_is_kept_and_read_back_without_parsing_botocore_s() -> None:
    kept = Kept()
    first = DataLoader(models=kept).load_service_model("ec2", "service-2")
    assert [name.split("-")[0] for name in kept] == ["ec2"]
    files = Counting()
    again = DataLoader(models=kept, file_loader=files).load_service_model("ec2", "service-2")
    assert (
        again
        == first
        == only_operations(botocore_loader().load_service_model("ec2", "service-2"), CALLED["ec2"])
    )
    assert not [f for f in files.loaded if f.endswith("service-2")]


@pytest.mark.parametrize("entry", [{"x": 1}, {"operations": {}, "shapes": {}, "metadata": {}}, []])
def test_a_torn_or_foreign_entry_is_replaced(entry: object) -> None:
    kept = Kept()
    DataLoader(models=kept).load_service_model("ecr", "service-2")
    (name,) = kept
    kept[name] = entry
    model = DataLoader(models=kept).load_service_model("ecr", "service-2")
    assert set(model["operations"]) == {"GetAuthorizationToken"}
    assert kept[name] == model


def test_a_model_of_the_user_s_own_is_never_kept(tmp_path: Path) -> None:
    folder = tmp_path / "ecr" / "2015-09-21"
    folder.mkdir(parents=True)
    model = botocore_loader().load_service_model("ecr", "service-2")
    (folder / "service-2.json").write_text(json.dumps(model))
    kept = Kept()
    DataLoader(extra_search_paths=[str(tmp_path)], models=kept).load_service_model(
        "ecr", "service-2"
    )
    assert kept == {}


def test_the_name_changes_with_botocore_s_data_file(tmp_path: Path) -> None:
    source = Path(botocore_loader().BUILTIN_DATA_PATH, "ecr")
    copy = tmp_path / "ecr"
    copy.mkdir()
    for version in source.iterdir():
        (copy / version.name).mkdir()
        for data in version.iterdir():
            (copy / version.name / data.name).write_bytes(data.read_bytes())

    class Here(DataLoader):
        BUILTIN_DATA_PATH = str(tmp_path)

    kept = Kept()
    Here(
        extra_search_paths=[str(tmp_path)], include_default_search_paths=False, models=kept
    ).load_service_model("ecr", "service-2")
    for data in copy.glob("*/service-2.json*"):
        os.utime(data, ns=(1, 1))
    Here(
        extra_search_paths=[str(tmp_path)], include_default_search_paths=False, models=kept
    ).load_service_model("ecr", "service-2")
    assert len(kept) == 2


@pytest.mark.parametrize("service", sorted(CALLED))
def test_the_pinned_facts_are_botocore_s_own(service: str) -> None:
    model = botocore_loader().load_service_model(service, "service-2")
    pinned = PINNED[service]
    assert {k: model["metadata"].get(k) for k in pinned if k != "http"} == {
        k: v for k, v in pinned.items() if k != "http"
    }
    assert {op: model["operations"][op]["http"] for op in CALLED[service]} == pinned["http"]
    assert model_problem(only_operations(model, CALLED[service]), service, CALLED[service]) is None


def _operation(model: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = model["operations"]["GetAuthorizationToken"]
    return operation


def _member(model: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = model["shapes"]["GetAuthorizationTokenRequest"]["members"]
    return member["registryIds"]  # type: ignore[no-any-return]


STEERING = {
    "staticContextParams": lambda m: _operation(m).update(staticContextParams={"Endpoint": {}}),
    "contextParams": lambda m: _member(m).update(contextParam={"name": "Endpoint"}),
    "endpoint": lambda m: _operation(m).update(endpoint={"hostPrefix": "evil."}),
    "hostLabel": lambda m: _member(m).update(hostLabel=True),
    "location": lambda m: _member(m).update(location="header"),
    "protocol": lambda m: m["metadata"].update(protocol="rest-json"),
    "signingName": lambda m: m["metadata"].update(signingName="lambda"),
    "endpointPrefix": lambda m: m["metadata"].update(endpointPrefix="lambda"),
    "targetPrefix": lambda m: m["metadata"].update(targetPrefix="AWSLambda"),
    "http": lambda m: _operation(m).update(http={"method": "DELETE", "requestUri": "/f/x"}),
    "authtype": lambda m: _operation(m).update(authtype="none"),
    "a missing shape": lambda m: m["shapes"].pop("GetAuthorizationTokenRequest"),
    "errors": lambda m: _operation(m).update(errors=7),
}  # fmt: skip


@pytest.mark.parametrize("change", sorted(STEERING))
def test_a_kept_model_that_could_steer_a_request_is_refused_and_replaced(change: str) -> None:
    kept = Kept()
    fresh = DataLoader(models=kept).load_service_model("ecr", "service-2")
    (name,) = kept
    planted = json.loads(json.dumps(fresh))
    STEERING[change](planted)
    assert model_problem(planted, "ecr", CALLED["ecr"]) is not None
    kept[name] = planted
    assert DataLoader(models=kept).load_service_model("ecr", "service-2") == fresh == kept[name]
