"""Two Docker configs sharing one state directory (issue 14, finding 8): a cached answer belongs
to the config it was stored in, so config B never reports A's login as its own."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Moto
from .sandbox import Sandbox, host

HOST = host(123456789012)
# A credential store that keeps each user's secrets in a folder of its own ($STORE_DIR).
STORE = """#!/bin/sh
case "$1" in
  store) cat > "$STORE_DIR/secret" ;;
  get) cat >/dev/null; [ -f "$STORE_DIR/secret" ] && cat "$STORE_DIR/secret" \
       || { echo "credentials not found in native keychain"; exit 1; } ;;
  *) cat >/dev/null ;;
esac
"""


def test_a_second_config_sharing_the_state_is_never_cached_from_the_first(
    moto: Moto, tmp_path: Path
) -> None:
    box = Sandbox(tmp_path / "user")
    box.helper("own", STORE)
    configs = {name: tmp_path / name for name in ("a", "b")}
    for name, directory in configs.items():
        (tmp_path / f"store-{name}").mkdir()
        directory.mkdir()  # B's store is empty, its entry the same `{}` docker leaves behind
        entry = {"auths": {HOST: {}}} if name == "b" else {}
        (directory / "config.json").write_text(json.dumps({"credsStore": "own", **entry}))

    def run(name: str, *args: str) -> dict[str, object]:
        env = box.env(moto.url, DOCKER_CONFIG=str(configs[name]))
        done = box.run(
            *args, "-o", "json", env=env | {"STORE_DIR": str(tmp_path / f"store-{name}")}
        )
        data: dict[str, object] = json.loads(done.stdout)
        return data

    assert run("a", HOST)["results"][0]["status"] == "ok"  # type: ignore[index]
    assert run("b", "status")["registries"][0]["identity"] is None  # type: ignore[index]
    assert run("b", HOST)["results"][0]["status"] == "ok"  # type: ignore[index]
    assert (tmp_path / "store-b" / "secret").exists()  # B's own store got B's own token
    assert run("a", HOST)["results"][0]["status"] == "cached"  # type: ignore[index]
