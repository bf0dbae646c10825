"""A real `docker-credential-<name>` program for the tests: a small Python script on PATH that
speaks the credential-helper protocol against a JSON file and records every call it gets
(argv, environment, stdin). Its behaviour can be switched per helper with `FakeHelper.behave`.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_SOURCE = r"""
import json, os, sys, time
name = os.path.basename(sys.argv[0]).removeprefix("docker-credential-")
home = os.path.dirname(os.path.abspath(sys.argv[0]))
store_path = os.path.join(home, name + ".store.json")
behaviour_path = os.path.join(home, name + ".behaviour.json")
subcmd = sys.argv[1] if len(sys.argv) > 1 else ""
data = sys.stdin.read()
with open(os.path.join(home, name + ".calls.jsonl"), "a") as log:
    log.write(json.dumps({"argv": sys.argv, "env": dict(os.environ), "stdin": data}) + "\n")
behaviour = {}
if os.path.exists(behaviour_path):
    with open(behaviour_path) as f:
        behaviour = json.load(f)
if behaviour.get("hang"):
    time.sleep(60)
if behaviour.get("fail"):
    print(behaviour["fail"])
    if behaviour.get("echo_stdin"):
        sys.stderr.write(data)
    sys.exit(behaviour.get("exit", 1))
store = {}
if os.path.exists(store_path):
    with open(store_path) as f:
        store = json.load(f)
if subcmd == "store":
    item = json.loads(data)
    limit = behaviour.get("max_secret")
    if limit is not None and len(item["Secret"]) > limit:
        print("The stub received bad data.")
        sys.exit(1)
    store[item["ServerURL"]] = {"Username": item["Username"], "Secret": item["Secret"]}
elif subcmd == "get":
    if behaviour.get("garbage"):
        print("<html>this is not json</html>")
        sys.exit(0)
    if data not in store:
        print("credentials not found in native keychain")
        sys.exit(1)
    print(json.dumps({"ServerURL": data, **store[data]}))
elif subcmd == "erase":
    if data not in store:
        print("credentials not found in native keychain")
        sys.exit(1)
    del store[data]
elif subcmd == "list":
    print(json.dumps({k: v["Username"] for k, v in store.items()}))
else:
    print("unknown command " + subcmd)
    sys.exit(1)
with open(store_path, "w") as f:
    json.dump(store, f)
"""


@dataclass(frozen=True)
class FakeHelper:
    """One installed `docker-credential-<name>`; its files live beside the program."""

    name: str
    directory: Path

    @property
    def program(self) -> Path:
        return self.directory / f"docker-credential-{self.name}"

    def secrets(self) -> dict[str, dict[str, str]]:
        path = self.directory / f"{self.name}.store.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def put(self, server: str, secret: str, username: str = "AWS") -> None:
        items = self.secrets()
        items[server] = {"Username": username, "Secret": secret}
        (self.directory / f"{self.name}.store.json").write_text(json.dumps(items))

    def calls(self) -> list[dict[str, Any]]:
        path = self.directory / f"{self.name}.calls.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def behave(self, **behaviour: Any) -> None:
        (self.directory / f"{self.name}.behaviour.json").write_text(json.dumps(behaviour))


def install(directory: Path, monkeypatch: pytest.MonkeyPatch, name: str = "fake") -> FakeHelper:
    """Write `docker-credential-<name>` into `directory` and put that directory first on PATH."""
    directory.mkdir(parents=True, exist_ok=True)
    helper = FakeHelper(name, directory)
    helper.program.write_text(f"#!{sys.executable}\n{_SOURCE}")
    helper.program.chmod(0o755)
    path = os.environ.get("PATH", "")
    if not path.startswith(f"{directory}{os.pathsep}"):
        monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{path}")
    return helper
