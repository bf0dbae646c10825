"""helper.quick: the memo answers a hit only while every input of routing and identity is as
it was, and only with a token valid for 15 more minutes."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrlogin.helper import cache, quick, records, serve
from ecrlogin.registry import parse

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
SECRET = "q" * 2600


@pytest.fixture
def memo(sandbox: Path) -> Path:
    """A token filled and served once by the full path (which records the memo)."""
    (sandbox / "aws").mkdir()
    (sandbox / "aws" / "config").write_text(
        "[default]\naws_access_key_id = AKIDDEFAULT\n[profile base]\nregion = eu-west-1\n"
    )
    serve.fill(parse(HOST), None, SECRET, datetime.now(UTC) + timedelta(hours=12))
    assert serve.get(f"https://{HOST}/v2/").secret == SECRET
    return sandbox


def test_hit_after_the_full_path(memo: Path) -> None:
    assert quick.hit(HOST, os.environ) == SECRET
    assert quick.hit(f"https://{HOST}/v2/x", os.environ) == SECRET
    assert quick.hit(f"ftp://{HOST}", os.environ) is None
    assert quick.hit("210987654321.dkr.ecr.eu-west-1.amazonaws.com", os.environ) is None
    assert cache.MIN_VALIDITY.total_seconds() == quick.MIN_VALIDITY_SECONDS


@pytest.mark.parametrize(
    "variable",
    ["AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_CONFIG_FILE", "AWS_ROLE_ARN", "AWS_SESSION_TOKEN",
     "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL_ECR",
     "XDG_STATE_HOME"],
)  # fmt: skip
def test_a_changed_variable_is_no_quick_answer(memo: Path, variable: str) -> None:
    assert quick.hit(HOST, dict(os.environ, **{variable: "other"})) is None


def test_changed_files_are_no_quick_answer(memo: Path) -> None:
    config = memo / "aws" / "config"
    config.write_text(config.read_text() + "[profile prod]\nrole_arn = arn:aws:iam::1:role/x\n")
    assert quick.hit(HOST, os.environ) is None
    assert serve.get(HOST).secret == SECRET  # the full path decides, and records again
    assert quick.hit(HOST, os.environ) == SECRET
    records.remember(memo / "state", {HOST: "base"})
    assert quick.hit(HOST, os.environ) is None


def test_a_token_near_expiry_or_erased_is_no_quick_answer(memo: Path) -> None:
    soon = datetime.now(UTC) + timedelta(hours=12) - timedelta(minutes=14)
    assert quick.hit(HOST, os.environ, now=soon.timestamp()) is None
    assert quick.hit(HOST, os.environ, now=soon.timestamp() - 120) == SECRET
    serve.erase(HOST)
    assert quick.hit(HOST, os.environ) is None


def test_a_torn_token_is_no_quick_answer(memo: Path) -> None:
    (token,) = (memo / "state").glob("helper-cache/*/token.json")
    token.write_text('{"version": 1, "password": "q')
    assert quick.hit(HOST, os.environ) is None


def test_a_corrupt_memo_is_rebuilt(memo: Path) -> None:
    path = Path(quick.memo_path(str(memo / "state")))
    path.write_text("{torn")
    assert quick.hit(HOST, os.environ) is None
    assert serve.get(HOST).secret == SECRET
    assert quick.hit(HOST, os.environ) == SECRET
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_same_size_edit_with_the_mtime_put_back_is_no_quick_answer(memo: Path) -> None:
    config = memo / "aws" / "config"
    before = config.stat()
    config.write_text(config.read_text().replace("AKIDDEFAULT", "AKIDOTHERKY"))  # same size
    os.utime(config, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (config.stat().st_size, config.stat().st_ino) == (before.st_size, before.st_ino)
    assert quick.hit(HOST, os.environ) is None  # the ctime moved


@pytest.mark.parametrize("name", ["routes.json", "token.json"])
def test_a_file_others_may_write_is_no_quick_answer(memo: Path, name: str) -> None:
    (path,) = (memo / "state" / "helper-cache").glob(f"**/{name}")
    path.chmod(0o622)
    assert quick.hit(HOST, os.environ) is None
    path.chmod(0o600)
    assert quick.hit(HOST, os.environ) == SECRET


def test_a_symlinked_token_is_no_quick_answer(memo: Path) -> None:
    (token,) = (memo / "state").glob("helper-cache/*/token.json")
    moved = token.with_name("elsewhere.json")
    token.rename(moved)
    token.symlink_to(moved)
    assert quick.hit(HOST, os.environ) is None


def test_an_opaque_source_is_never_remembered(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds")
    serve.fill(parse(HOST), None, SECRET, datetime.now(UTC) + timedelta(hours=12))
    assert serve.get(HOST).secret == SECRET  # bound to the key the source gives (AKIDFAKE here)
    assert quick.hit(HOST, os.environ) is None
    assert not Path(quick.memo_path(str(sandbox / "state"))).exists()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"HOME": "/h", "XDG_STATE_HOME": "rel/state"}, "/h/.local/state/ecrlogin"),
        ({"HOME": "/h", "XDG_STATE_HOME": " /x"}, "/h/.local/state/ecrlogin"),
        ({"HOME": "/h", "XDG_STATE_HOME": "/x"}, "/x/ecrlogin"),
    ],
)
def test_the_state_directory_is_the_full_clis(environ: dict[str, str], expected: str) -> None:
    from ecrlogin import state
    from ecrlogin.helper import locate

    assert str(state.state_dir(environ, "linux")) == expected
    assert str(locate.state_dir(environ)) == expected
