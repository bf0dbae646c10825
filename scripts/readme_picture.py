"""Make docs/ecrlogin.svg, the README's picture, from real runs against the local ECR.

    sudo .venv/bin/python scripts/readme_picture.py      # root: the local ECR runs a dockerd

Stands the local ECR up (tests/localecr, as `make demo` does), runs the real ecrlogin console
script in it as a terminal of 110 columns would (colour on), and records what it printed with
rich's SVG export. Nothing is typed by hand: the picture is whatever ecrlogin printed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.text import Text  # noqa: E402

from tests.localecr import LocalEcr  # noqa: E402
from tests.localecr.tool import ecrlogin, ecrlogin_path  # noqa: E402

WIDTH = 120
OUT = ROOT / "docs" / "ecrlogin.svg"


def main() -> int:
    console = Console(record=True, width=WIDTH, force_terminal=True, color_system="truecolor")
    with LocalEcr.start() as local:
        env = local.ecrlogin_env | {"COLUMNS": str(WIDTH), "FORCE_COLOR": "1", "TZ": "UTC"}
        env.pop("NO_COLOR", None)
        # A named profile, as on a workstation (the local ECR's keys; moto takes any).
        aws_config = Path(env["AWS_CONFIG_FILE"])
        aws_config.parent.mkdir(parents=True, exist_ok=True)
        aws_config.write_text(
            f"[profile prod]\nregion = eu-west-1\naws_access_key_id = {env['AWS_ACCESS_KEY_ID']}\n"
            f"aws_secret_access_key = {env['AWS_SECRET_ACCESS_KEY']}\n"
        )
        login = ["-p", "prod", "-r", "eu-west-1", "-r", "us-east-1", "-a", local.second_account]
        runs = [login, login, ["status"]]  # the second run: everything still valid
        runs.append(["doctor", local.image("eu-west-1")])
        for argv in runs:
            done = doctor(local, argv, env) if argv[0] == "doctor" else ecrlogin(*argv, env=env)
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return 1
            console.print(Text("$ ecrlogin " + " ".join(argv), style="bold green"))
            console.print(Text.from_ansi(done.stderr + done.stdout), end="")
            console.print()
    console.save_svg(str(OUT), title="ecrlogin")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


def doctor(
    local: LocalEcr, argv: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """doctor asks the registry itself: run it where the ECR names resolve (dockerd's mount
    namespace, as the docker CLI runs), trusting the local ECR's CA."""
    return subprocess.run(
        ["nsenter", "-m", "-t", str(local.dockerd_pid), "--", ecrlogin_path(), *argv],
        env=env | {"SSL_CERT_FILE": str(local.ca_dir / "ca.crt")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


if __name__ == "__main__":
    sys.exit(main())
