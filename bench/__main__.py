"""`make bench`: ecrlogin against the pipeline it replaces, on the local ECR, with 50 ms of
latency each way in front of the AWS endpoint. Each pair runs interleaved in one run; medians
(and the quartiles of ecrlogin's wall time, the machine's noise), ratios, ecrlogin's own CPU
time and peak memory are printed as one Markdown table with each target and whether it is met;
docs/performance.md holds the recorded one.

ecrlogin is timed as users run it: a wheel of this checkout installed, bytecode compiled, in a
virtual environment of its own (bench/wheel.py). Speed goals live here, never in timed tests.

    python -m bench [--runs N] [--delay-ms 50] [--cases ABCGPFKHIDE]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import Command, Summary, run_once
from bench.wheel import installed
from tests.localecr import LocalEcr, describe_missing, missing_parts
from tests.localecr.proxy import LatencyProxy

BIN = Path(sys.executable).parent  # aws-cli v1 of the project's environment
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
Met = Callable[[Summary, Summary], bool]  # (ecrlogin, against)
CHEAP_RUNS = 31


@dataclass(frozen=True)
class Case:
    name: str
    ours: Command
    theirs: Command
    target: str
    met: Met | None  # None: a row for scale, no target
    memory: bool = False  # print the peak RSS
    cheap: bool = False  # a cached case: many more runs, the machine's noise is large here


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


def pipeline(ecr: LocalEcr, regions: tuple[str, ...] | list[str]) -> list[str]:
    """The shell loop people write, run where the ECR host names resolve (dockerd's namespace)."""
    steps = "; ".join(
        f"{BIN}/aws ecr get-login-password --region {r} | "
        f"docker login --username AWS --password-stdin {ecr.host(r)} >/dev/null || exit 1"
        for r in regions
    )
    return ["nsenter", "-m", "-t", str(ecr.dockerd_pid), "--", "bash", "-c", steps]


def project_folder(ecr: LocalEcr, work: Path) -> Path:
    """A project whose one registry is the one case C keeps valid."""
    folder = work / "project"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".ecrlogin.toml").write_text(f'registries = ["{ecr.host("eu-west-1")}/app:1"]\n')
    return folder


def handed_over_folder(ecr: LocalEcr, work: Path) -> Path:
    """A project whose one image (found through `from`) is in the registry case C keeps valid;
    case I draws its table, which is never stored: the fast path looks, misses, hands over."""
    folder = work / "handed-over"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".ecrlogin.toml").write_text('from = ["Dockerfile"]\n')
    (folder / "Dockerfile").write_text(f"FROM {ecr.host('eu-west-1')}/app:1\n")
    return folder


def cases(ecr: LocalEcr, proxied: str, work: Path, ours_bin: Path) -> list[Case]:
    ours = ecr.client_env(work / "ours", endpoint_url=proxied)
    theirs = ecr.client_env(work / "theirs", endpoint_url=proxied)
    # A config with auths stops the docker CLI from picking the `pass` store on its own.
    Path(theirs["DOCKER_CONFIG"], "config.json").write_text('{"auths": {"bench.invalid": {}}}')
    write_profiles(ours)
    excluded = [arg for r in ecr.regions if r not in DEFAULT_REGIONS for arg in ("--exclude", r)]
    ecrlogin = str(ours_bin / "ecrlogin")
    all17 = [ecrlogin, "all-regions", "-q", *excluded]
    one = [ecrlogin, "-q", "-r", "eu-west-1"]
    loop17 = Command("17-region shell loop", pipeline(ecr, DEFAULT_REGIONS), theirs)
    loop1 = Command("pipeline once", pipeline(ecr, ["eu-west-1"]), theirs)
    a = Command("ecrlogin all-regions --force (17)", [*all17, "--force"], ours)
    c = Command("ecrlogin -q -r eu-west-1 (cached)", one, ours)
    profiles = [arg for p in PROFILES for arg in ("-p", p)]
    handed = handed_over_folder(ecr, work)
    in_project = Command(
        "ecrlogin -q in a project (cached)", [ecrlogin, "-q"], ours, project_folder(ecr, work)
    )
    found = [
        Case(
            "A. 17 regions, cold",
            a,
            loop17,
            ">= 20x faster",
            lambda o, t: t.wall / o.wall >= 20,
            memory=True,
        ),
        Case(
            "B. one region, cold",
            Command("ecrlogin -r eu-west-1 --force", [*one, "--force"], ours),
            loop1,
            "<= 0.6x",
            lambda o, t: o.wall <= 0.6 * t.wall,
        ),
        Case(
            "C. nothing to do",
            c,
            loop1,
            "<= 30 ms and >= 15x faster",
            lambda o, t: o.wall <= 0.030 and t.wall / o.wall >= 15,
            cheap=True,
        ),
        Case(
            "G. all-regions, cached",
            Command("ecrlogin all-regions -q (cached, 17)", all17, ours),
            c,
            "<= 1.5x case C",
            lambda o, t: o.wall <= 1.5 * t.wall,
            cheap=True,
        ),
        Case(
            "P. project, cached",
            in_project,
            loop1,
            "<= 30 ms",
            lambda o, t: o.wall <= 0.030,
            cheap=True,
        ),
        Case(
            "F. the floor (for scale)",
            c,
            Command("python -c pass (same venv)", [str(ours_bin / "python"), "-c", "pass"], ours),
            "-",
            None,
            cheap=True,
        ),
        Case(
            "H. case C without the fast path (for scale)",
            Command("ECRLOGIN_NO_FASTPATH=1, case C", one, {**ours, "ECRLOGIN_NO_FASTPATH": "1"}),
            c,
            "-",
            None,
            cheap=True,
        ),
        Case(
            "I. the fall-through: a run the fast path hands over",
            Command("ecrlogin (a table), project with `from`", [ecrlogin], ours, handed),
            Command(
                "the same, ECRLOGIN_NO_FASTPATH=1",
                [ecrlogin],
                {**ours, "ECRLOGIN_NO_FASTPATH": "1"},
                handed,
            ),
            "<= 10 ms more",
            lambda o, t: o.wall - t.wall <= 0.010,
            cheap=True,
        ),
        Case(
            "D. 10 profiles x 17 regions",
            Command("ecrlogin 10 profiles all-regions --force", [*a.argv, *profiles], ours),
            a,
            "own CPU <= 0.7 s and <= 2x case A",
            lambda o, t: o.cpu <= 0.7 and o.wall <= 2 * t.wall,
            memory=True,
        ),
        Case(
            "E. all-regions vs one call",
            a,
            Command(
                "aws ecr get-login-password",
                [str(BIN / "aws"), "ecr", "get-login-password", "--region", "eu-west-1"],
                theirs,
            ),
            "<= 1.0x",
            lambda o, t: o.wall <= t.wall,
        ),
    ]
    return found + extra_cases(ecr, ours, theirs, ours_bin)


def extra_cases(
    ecr: LocalEcr, ours: dict[str, str], theirs: dict[str, str], ours_bin: Path
) -> list[Case]:
    """The hook for cases kept in their own module (bench/helper.py: the credential helper's
    `get`): `cases(ecr=, ours=, theirs=, ours_bin=)` returning `Case`s."""
    try:
        from bench import helper
    except ImportError:
        return []
    made: list[Case] = helper.cases(ecr=ecr, ours=ours, theirs=theirs, ours_bin=ours_bin)
    return made


def measure(case: Case, runs: int) -> tuple[Summary, Summary]:
    ours, theirs = [], []
    for _ in range(
        max(runs, CHEAP_RUNS) if case.cheap else runs
    ):  # interleaved, so drifts of the machine hit both sides alike
        ours.append(run_once(case.ours))
        theirs.append(run_once(case.theirs))
    return Summary.of(ours), Summary.of(theirs)


def row(case: Case, ours: Summary, theirs: Summary) -> str:
    ratio = ours.wall / theirs.wall
    shown = f"{ratio:.2f}" + (f" ({1 / ratio:.1f}x faster)" if ratio < 1 else "")
    memory = f"{ours.rss_mb:.0f}" if case.memory else ""
    verdict = "-" if case.met is None else "yes" if case.met(ours, theirs) else "NO"
    return (
        f"| {case.name} | {case.ours.label} | {case.theirs.label} | {ours.wall:.3f} "
        f"({ours.low:.3f}-{ours.high:.3f}) | {theirs.wall:.3f} | {shown} | {ours.cpu:.3f} | "
        f"{memory} | {case.target} | {verdict} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--delay-ms", type=int, default=50)
    parser.add_argument("--cases", default="ABCGPFKHIDE", help="which cases to run, e.g. AD")
    args = parser.parse_args()
    if missing := missing_parts():
        sys.exit(f"bench: {describe_missing(missing)}")
    with LocalEcr.start() as ecr, LatencyProxy(ecr.moto_url, args.delay_ms) as proxy:
        work = ecr.workdir / "bench"
        ours_bin = installed(work / "wheel")
        chosen = {c.name[0]: c for c in cases(ecr, proxy.url, work, ours_bin)}
        run_once(chosen["B"].ours)  # a token for eu-west-1: cases C and P
        run_once(chosen["A"].ours)  # every region's token and the region list: case G
        print(
            f"machine: {platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
            f"Python {platform.python_version()}; ecrlogin from a wheel in {ours_bin.parent}; "
            f"{args.delay_ms} ms each way in front of moto; medians of {args.runs} interleaved "
            f"runs ({CHEAP_RUNS} for the cached ones; ecrlogin's wall-time quartiles in brackets)\n"
        )
        print(
            "| case | ecrlogin | against | ecrlogin s | against s | ratio | ecrlogin CPU s "
            "| max RSS MB | target | met |"
        )
        print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
        for key in args.cases:
            if key in chosen:
                case = chosen[key]
                print(row(case, *measure(case, args.runs)), flush=True)


if __name__ == "__main__":
    main()
