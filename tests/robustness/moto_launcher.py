"""Start moto's server with realistic ECR tokens (random ~2,500-character passwords, expiry in
12 h): `python moto_launcher.py --auth-dir DIR -H 127.0.0.1 -p PORT`.

The token wrapper is the local ECR's own (`tests/localecr/motoserver.py`), loaded by path so that
nothing else of that package (dockerd, nginx, pass) is imported. Every password it issues is
appended to `DIR/passwords` (`<region> <password>` lines), which the secret scans read.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

WRAPPER = Path(__file__).resolve().parents[1] / "localecr" / "motoserver.py"


def main() -> None:
    spec = importlib.util.spec_from_file_location("robust_motoserver", WRAPPER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(sys.argv[1:])


if __name__ == "__main__":
    main()
