"""Case D's client creation alone, as `AwsCalls` makes the clients (no network): where the CPU
of 10 profiles x 17 regions goes before any request is signed.

    python -m bench.clients
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
from pathlib import Path

from bench.__main__ import DEFAULT_REGIONS, PROFILES


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        config, credentials = Path(folder, "config"), Path(folder, "credentials")
        config.write_text("".join(f"[profile {p}]\nregion = eu-west-1\n" for p in PROFILES))
        credentials.write_text(
            "".join(
                f"[{p}]\naws_access_key_id = AKIA{i:016d}\naws_secret_access_key = x\n"
                for i, p in enumerate(PROFILES)
            )
        )
        os.environ.update(
            AWS_CONFIG_FILE=str(config),
            AWS_SHARED_CREDENTIALS_FILE=str(credentials),
            AWS_EC2_METADATA_DISABLED="true",
        )
        marks = [("start", time.process_time())]
        import botocore.session  # noqa: F401 (its import is counted apart)

        from ecrlogin.aws.calls import AwsCalls

        calls = AwsCalls()  # clients as a run makes them: shared where the settings agree
        marks.append(("imports (botocore)", time.process_time()))
        for profile in PROFILES:
            calls.session_region(profile)
        marks.append(("10 sessions", time.process_time()))
        for service, regions in (
            ("ec2", ["eu-west-1"]),
            ("sts", ["eu-west-1"]),
            ("ecr", DEFAULT_REGIONS),
        ):
            for profile in PROFILES:
                for region in regions:
                    calls._client(profile, service, region)
            pairs = len(PROFILES) * len(regions)
            marks.append((f"{service} clients for {pairs} (profile, region)", time.process_time()))
        calls.close()
    for (_, before), (label, after) in itertools.pairwise(marks):
        print(f"{label}: {1000 * (after - before):.0f} ms CPU")
    print(f"total: {1000 * (marks[-1][1] - marks[0][1]):.0f} ms CPU")


if __name__ == "__main__":
    main()
