"""The ecrlogin the benchmark times: a wheel built from this checkout and installed, bytecode
compiled, into a virtual environment of its own, as users have it. An editable install adds an
import hook (~11 ms a run) and PYTHONDONTWRITEBYTECODE recompiles every module (~12 ms).

The dependencies are not installed again: a `.pth` line points at the project's own
environment's site-packages (already compiled), which only appends a directory to `sys.path`.
"""

from __future__ import annotations

import site
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def installed(work: Path) -> Path:
    """Build and install the wheel under `work`; returns the environment's bin directory."""
    dist, env = work / "dist", work / "venv"
    quiet = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        **quiet,
    )  # type: ignore[call-overload]
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], **quiet)  # type: ignore[call-overload]
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(env), "platbase": str(env)}))
    (purelib / "zz-ecrlogin-deps.pth").write_text(site.getsitepackages()[0] + "\n")
    (wheel,) = dist.glob("ecrlogin-*.whl")
    subprocess.run(  # type: ignore[call-overload]
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            "--force-reinstall",
            str(wheel),
        ],
        **quiet,
    )
    return env / "bin"
