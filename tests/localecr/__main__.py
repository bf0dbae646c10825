"""python -m tests.localecr demo|shell|check — see docs/testing.md."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from .env import LocalEcr
from .prereqs import describe_missing, missing_parts
from .procs import StartupError
from .ssoserver import SsoStandIn
from .tool import ecrlogin_path

DEMO_REGION = "eu-west-1"


def _say(msg: str) -> None:
    print(f"localecr: {msg}", file=sys.stderr, flush=True)


def _sigterm_as_interrupt(_signum: int, _frame: FrameType | None) -> None:
    # So that `kill <pid>` tears the environment down like Ctrl-C does.
    raise KeyboardInterrupt


def _has_all_regions(tool: str, env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [tool, "all-regions", "--help"], env=env, capture_output=True, timeout=60, check=False
    )
    return probe.returncode == 0


def demo(workdir: Path | None) -> int:
    tool = ecrlogin_path()
    with LocalEcr.start(workdir, log=_say) as env:
        cenv = env.ecrlogin_env
        if _has_all_regions(tool, cenv):
            argv = [tool, "all-regions"]
        else:
            argv = [tool, "-r", "eu-west-1", "-r", "us-east-1", "-r", "ap-southeast-2"]
        _say("$ " + " ".join(["ecrlogin", *argv[1:]]))
        began = time.monotonic()
        login = subprocess.run(argv, env=cenv, check=False, timeout=300)
        _say(f"ecrlogin exited {login.returncode} after {time.monotonic() - began:.2f}s")
        image = env.image(DEMO_REGION)
        _say(f"$ docker pull {image}   (through the daemon, with what ecrlogin stored)")
        pull = env.docker("pull", image)
        print(pull.stdout, end="")
        print(pull.stderr, end="", file=sys.stderr)
        argv = [tool, "-r", DEMO_REGION]
        _say(f"$ ecrlogin -r {DEMO_REGION}   (again: the token is still good, nothing to do)")
        began = time.monotonic()
        again = subprocess.run(argv, env=cenv, check=False, timeout=60)
        _say(f"ecrlogin exited {again.returncode} after {time.monotonic() - began:.2f}s")
        ok = login.returncode == 0 and pull.returncode == 0 and again.returncode == 0
        ok = sso_demo(env, tool) and ok
        _say("demo " + ("succeeded" if ok else "FAILED") + "; tearing down")
    left = env.leftovers()
    for line in left:
        _say(f"still running after teardown: {line}")
    return 0 if ok and not left else 1


SSO_PROFILE = (
    "[profile sso-dev]\nsso_session = corp\nsso_account_id = {account}\n"
    "sso_role_name = developer\nregion = eu-west-1\n"
    "[sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = eu-west-1\n"
)


def sso_demo(env: LocalEcr, tool: str) -> bool:
    """An IAM Identity Center user: no session yet, a sign-in (the stand-in approves the code
    a second after it is shown), then the login through botocore's SSO provider."""
    home = env.workdir / "sso-user"
    cenv = env.client_env(home)
    (home / ".aws").mkdir(mode=0o700, exist_ok=True)
    (home / ".aws" / "config").write_text(SSO_PROFILE.format(account=env.account))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        cenv.pop(name)
    with SsoStandIn.running(env.moto_url) as sso:
        cenv |= sso.env()
        steps = [
            ("-p", "sso-dev", "-r", DEMO_REGION, "--no-input"),
            ("sso", "login", "-p", "sso-dev", "--no-browser"),
            ("-p", "sso-dev", "-r", DEMO_REGION),
        ]
        codes = []
        for argv in steps:
            _say("$ ecrlogin " + " ".join(argv))
            if argv[0] == "sso":
                sso.approve_when_shown(delay=1.0)
            run = subprocess.run([tool, *argv], env=cenv, check=False, timeout=120)
            _say(f"ecrlogin exited {run.returncode}")
            codes.append(run.returncode)
    return codes == [1, 0, 0]


def shell(workdir: Path | None) -> int:
    with LocalEcr.start(workdir, log=_say) as env:
        print(env.describe())
        print(
            f"# the docker CLI and skopeo must run in dockerd's mount namespace to resolve "
            f"the ECR names:\n#   nsenter -m -t {env.dockerd_pid} docker pull "
            f"{env.image(DEMO_REGION)}"
        )
        print(f"# workdir (logs, issued passwords): {env.workdir}")
        _say("up; press Ctrl-C to tear down")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            _say("tearing down")
    return 0


def check() -> int:
    missing = missing_parts()
    if missing:
        print(describe_missing(missing))
        return 1
    print("local ECR: every part is there")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.localecr", description=__doc__)
    parser.add_argument("command", choices=["demo", "shell", "check"])
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep everything (logs too) here instead of a removed temp dir",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    # Even where SIGINT was ignored by whoever started us (a `cmd &` in a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if args.command == "check":
            return check()
        if args.command == "demo":
            return demo(args.workdir)
        return shell(args.workdir)
    except StartupError as exc:
        _say(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
