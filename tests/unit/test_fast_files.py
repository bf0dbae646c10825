"""ecrlogin.fast.files reads each file as the module it mirrors does."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecrlogin import registry, state
from ecrlogin.fast import files, path
from ecrlogin.identity import profiles
from ecrlogin.names import is_region_name


def test_the_state_version_and_directory_are_the_full_clis(monkeypatch: pytest.MonkeyPatch) -> None:
    assert files.STATE_VERSION == state.VERSION
    for xdg in ("", "  ", "/tmp/xdg-state"):
        monkeypatch.setenv("XDG_STATE_HOME", xdg)
        assert files.state_dir({"XDG_STATE_HOME": xdg}) == platformdirs.user_state_dir(
            "ecrlogin", appauthor=False
        )
    assert files.state_dir({"ECRLOGIN_STATE_DIR": "~/s"}) == str(
        state.state_dir({"ECRLOGIN_STATE_DIR": "~/s"})
    )


def test_hosts_are_built_as_the_registry_module_builds_them() -> None:
    every = sorted({r for p in registry.partitions() for r in p.regions if is_region_name(r)})
    for region in [*every, "xx-south-9", "eu-west-99"]:
        try:
            expected = registry.build("123456789012", region)
        except registry.UsageError:
            with pytest.raises(files.Unsure):
                path.Host("123456789012", region)
            continue
        built = path.Host("123456789012", region)
        assert (built.name, built.partition) == (expected.host, expected.partition)


def test_aws_files_read_as_profiles_reads_them(tmp_path: Path) -> None:
    config, credentials = tmp_path / "config", tmp_path / "credentials"
    config.write_text(
        "[default]\nregion = a\n[profile default]\nregion = b\n[profile x]\nregion =  c \n"
        "[sso-session s]\nsso_region = d\n[junk]\nk = v\n"
    )
    credentials.write_text("[x]\naws_access_key_id = K\n[y]\nk = v\n")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}
    light, full = files.aws_files(env), profiles.aws_files(env)
    assert light.config == dict(full.config)
    assert light.credentials == dict(full.credentials)
    assert light.profile_names() == full.profile_names()
    assert [light.value(p, "region") for p in ("default", "x", "y")] == [
        full.value(p, "region") for p in ("default", "x", "y")
    ]


@given(
    st.dictionaries(
        st.sampled_from(["auths", "credHelpers", "credsStore", "x"]),
        st.integers()
        | st.text()
        | st.dictionaries(
            st.text(max_size=3),
            st.text(max_size=3)
            | st.dictionaries(st.sampled_from(["auth", "a"]), st.text(max_size=3) | st.integers()),
        ),
    )
)
def test_config_json_is_refused_where_dockerconfig_refuses_it(data: dict[str, object]) -> None:
    import tempfile

    from ecrlogin.errors import ConfigFileError
    from ecrlogin.sinks import dockerconfig

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "config.json").write_text(json.dumps(data))
        try:
            expected: object = dockerconfig.load(Path(folder))
        except ConfigFileError:
            expected = files.Unsure
        try:
            got: object = files.docker_config(str(Path(folder, "config.json")))
        except files.Unsure:
            got = files.Unsure
        assert got == expected


RECORD = {
    "host": "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    "source": "profile:prod",
    "profile": "prod",
    "account": "123456789012",
    "region": "eu-west-1",
    "identity": "arn:aws:sts::123456789012:assumed-role/dev/alice",
    "expires_at": "2030-01-02T03:04:05+00:00",
    "stored_in": "config.json",
    "fingerprint": "0123456789abcdef",
    "identity_print": "fedcba9876543210",
    "place": "/home/ann/.docker/config.json",
}


@given(
    st.sampled_from(sorted(RECORD)),
    st.sampled_from([None, 5, 0, "", "x", "eu-west-1", "2030-01-02T03:04:05", [], "absent"]),
)
def test_a_state_record_is_used_only_where_the_full_cli_keeps_it(key: str, value: object) -> None:
    import tempfile

    data = {k: v for k, v in RECORD.items() if not (k == key and value == "absent")}
    if value != "absent":
        data[key] = value
    with tempfile.TemporaryDirectory() as folder:
        document = {"version": files.STATE_VERSION, "records": [data], "accounts": {}}
        Path(folder, "state.json").write_text(json.dumps(document))
        kept = state.load(Path(folder)).records
        try:
            read = files.State(folder).records
        except files.Unsure:
            return  # the fast path may hand over more often, never less
        assert len(read) == len(kept) == 1
        assert read[0].expires_at == kept[0].expires_at
