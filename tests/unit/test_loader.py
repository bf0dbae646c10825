"""ecrlogin.aws.loader: botocore's data files, the same data as botocore's own loader gives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import create_loader as botocore_loader

from ecrlogin.aws.loader import create_loader


@pytest.mark.parametrize(
    ("service", "kind"),
    [("ecr", "service-2"), ("sts", "endpoint-rule-set-1"), ("ec2", "paginators-1")],
)
def test_service_models_are_botocore_s_as_plain_dicts(service: str, kind: str) -> None:
    ours = create_loader().load_service_model(service, kind)
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
