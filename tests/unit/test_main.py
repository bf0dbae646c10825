"""helper.main: the docker-credential-helpers protocol, on stdin and stdout."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrlogin.helper import main as helper
from ecrlogin.helper import serve
from ecrlogin.registry import parse

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
SECRET = "s3cr3t" * 400


def run(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = helper.main(list(argv), stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def fill(host: str = HOST) -> None:
    serve.fill(parse(host), None, SECRET, datetime.now(UTC) + timedelta(hours=11))


def test_get_answers_from_the_cache() -> None:
    fill()
    code, out = run("get", stdin=f"https://{HOST}\n")
    assert code == 0
    assert json.loads(out) == {"ServerURL": f"https://{HOST}", "Username": "AWS", "Secret": SECRET}


def test_get_of_a_host_that_is_not_ecr_is_not_found() -> None:
    assert run("get", stdin="ghcr.io") == (1, "credentials not found in native keychain\n")


def test_get_failure_is_one_line_with_the_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "missing")
    code, out = run("get", stdin=HOST)
    assert code == 1
    assert out.count("\n") == 1
    assert "unknown AWS profile 'missing'" in out
    assert "aws configure --profile missing" in out


def test_store_is_accepted_and_ignored_erase_and_list() -> None:
    fill()
    body = json.dumps({"ServerURL": HOST, "Username": "AWS", "Secret": "x"})
    assert run("store", stdin=body) == (0, "")
    assert json.loads(run("list")[1]) == {HOST: "AWS"}
    assert run("erase", stdin=HOST) == (0, "")
    assert json.loads(run("list")[1]) == {}


def test_version_and_usage() -> None:
    code, out = run("version")
    assert code == 0
    assert out.startswith("docker-credential-ecrlogin (ecrlogin) ")
    assert run("frobnicate")[0] == 1
    assert run()[0] == 1
    assert run("get", stdin="  \n") == (1, "no credentials server URL\n")


def test_a_cache_hit_imports_no_heavy_library(sandbox: Path) -> None:
    (sandbox / "aws").mkdir()  # a named identity (an opaque source's is never memoised)
    (sandbox / "aws" / "config").write_text("[default]\naws_access_key_id = AKIDTEST\n")
    fill()
    assert run("get", stdin=HOST)[0] == 0  # the full path, which leaves the memo `quick` reads
    probe = (
        "import sys, io; from ecrlogin.helper.main import main; "
        f"sys.stdin = io.StringIO({HOST!r}); code = main(['get']); "
        "heavy = [m for m in ('botocore', 'boto3', 'docker', 'rich', 'click', 'platformdirs', "
        "'ecrlogin.helper.serve', 'dataclasses', 'configparser', 'pathlib', 'typing', "
        "'json', 're', 'hashlib', 'datetime', 'collections') "
        "if m in sys.modules]; print(code, heavy, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "0 []"
    assert SECRET in done.stdout
