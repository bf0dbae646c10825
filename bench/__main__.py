"""`make bench`: ecrlogin against the pipeline it replaces, on the local ECR, with 50 ms of
latency each way in front of the AWS endpoint. Each pair runs interleaved in one run; medians
and ratios (ecrlogin's time / the other's) are printed as a Markdown table; docs/performance.md
holds the recorded one.

    python -m bench [--runs N] [--delay-ms 50]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.localecr import LocalEcr, describe_missing, missing_parts
from tests.localecr.proxy import LatencyProxy

BIN = Path(sys.executable).parent
# The 17 regions every AWS account has enabled by default.
DEFAULT_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
)
PROFILES = [f"bench{i}" for i in range(10)]


@dataclass(frozen=True)
class Command:
    label: str
    argv: list[str]
    env: dict[str, str]


@dataclass(frozen=True)
class Case:
    name: str
    ours: Command
    theirs: Command
    target: str
    met: Callable[[float, float], bool]  # (ecrlogin median, against median)


def faster(times: float) -> Callable[[float, float], bool]:
    return lambda ours, theirs: theirs / ours >= times


def timed(command: Command) -> float:
    began = time.perf_counter()
    done = subprocess.run(
        command.argv, env=command.env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"bench: {command.label} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def write_profiles(env: dict[str, str]) -> None:
    config, credentials = Path(env["AWS_CONFIG_FILE"]), Path(env["AWS_SHARED_CREDENTIALS_FILE"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("".join(f"[profile {p}]\nregion = eu-west-1\n" for p in PROFILES))
    credentials.write_text(
        "".join(
            f"[{p}]\naws_access_key_id = AKIABENCH{i:011d}\naws_secret_access_key = bench{i}\n"
            for i, p in enumerate(PROFILES)
        )
    )


def pipeline(ecr: LocalEcr, regions: Sequence[str]) -> list[str]:
    """The shell loop people write, run where the ECR host names resolve (dockerd's namespace)."""
    steps = "; ".join(
        f"{BIN}/aws ecr get-login-password --region {r} | "
        f"docker login --username AWS --password-stdin {ecr.host(r)} >/dev/null || exit 1"
        for r in regions
    )
    return ["nsenter", "-m", "-t", str(ecr.dockerd_pid), "--", "bash", "-c", steps]


def cases(ecr: LocalEcr, proxied: str, work: Path) -> list[Case]:
    ours = ecr.client_env(work / "ours", endpoint_url=proxied)
    theirs = ecr.client_env(work / "theirs", endpoint_url=proxied)
    # A config with auths stops the docker CLI from picking the `pass` store on its own.
    Path(theirs["DOCKER_CONFIG"], "config.json").write_text('{"auths": {"bench.invalid": {}}}')
    write_profiles(ours)
    excluded = [arg for r in ecr.regions if r not in DEFAULT_REGIONS for arg in ("--exclude", r)]
    ecrlogin = str(BIN / "ecrlogin")
    all17 = [ecrlogin, "all-regions", "--force", "-q", *excluded]
    one = [ecrlogin, "-q", "-r", "eu-west-1"]
    loop17 = Command("17-region shell loop", pipeline(ecr, DEFAULT_REGIONS), theirs)
    loop1 = Command("pipeline once", pipeline(ecr, ["eu-west-1"]), theirs)
    a = Command("ecrlogin all-regions --force (17)", all17, ours)
    profiles = [arg for p in PROFILES for arg in ("-p", p)]
    return [
        Case(
            "A. 17 regions, cold",
            a,
            loop17,
            ">= 15x faster",
            lambda ours, theirs: theirs / ours >= 15,
        ),
        Case(
            "B. one region, cold",
            Command("ecrlogin -r eu-west-1 --force", [*one, "--force"], ours),
            loop1,
            "<= 1.0x",
            lambda ours, theirs: ours <= theirs,
        ),
        Case(
            "C. nothing to do",
            Command("ecrlogin -q -r eu-west-1 (cached)", one, ours),
            loop1,
            "<= 100 ms and >= 6x faster",
            lambda ours, theirs: ours <= 0.100 and theirs / ours >= 6,
        ),
        Case(
            "D. 10 profiles x 17 regions",
            Command("ecrlogin 10 profiles all-regions", [*all17, *profiles], ours),
            a,
            "<= 2x case A",
            lambda ours, theirs: ours <= 2 * theirs,
        ),
        Case(
            "E. all-regions vs one call",
            a,
            Command(
                "aws ecr get-login-password",
                [str(BIN / "aws"), "ecr", "get-login-password", "--region", "eu-west-1"],
                theirs,
            ),
            "<= 1.5x",
            lambda ours, theirs: ours <= 1.5 * theirs,
        ),
    ]


def measure(case: Case, runs: int) -> tuple[float, float]:
    ours, theirs = [], []
    for _ in range(runs):  # interleaved, so drifts of the machine hit both sides alike
        ours.append(timed(case.ours))
        theirs.append(timed(case.theirs))
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--delay-ms", type=int, default=50)
    parser.add_argument("--cases", default="ABCDE", help="which cases to run, e.g. AD")
    args = parser.parse_args()
    if missing := missing_parts():
        sys.exit(f"bench: {describe_missing(missing)}")
    with LocalEcr.start() as ecr, LatencyProxy(ecr.moto_url, args.delay_ms) as proxy:
        work = ecr.workdir / "bench"
        chosen = cases(ecr, proxy.url, work)
        timed(Command("warm-up", chosen[1].ours.argv, chosen[1].ours.env))  # a token for case C
        print(
            f"machine: {platform.node()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; {args.delay_ms} ms each way in front of moto; "
            f"medians of {args.runs} interleaved runs\n"
        )
        print("| case | ecrlogin | against | ecrlogin s | against s | ratio | target | met |")
        print("| --- | --- | --- | ---: | ---: | ---: | --- | --- |")
        for case in (c for c in chosen if c.name[0] in args.cases):
            ours, theirs = measure(case, args.runs)
            ratio = ours / theirs
            shown = f"{ratio:.2f}" + (f" ({1 / ratio:.1f}x faster)" if ratio < 1 else "")
            met = case.met(ours, theirs)
            print(
                f"| {case.name} | {case.ours.label} | {case.theirs.label} | {ours:.3f} | "
                f"{theirs:.3f} | {shown} | {case.target} | {'yes' if met else 'NO'} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
