"""The `ecrlogin` console script: the fast path first (`ecrlogin.fast`), the full CLI
(`ecrlogin.cli.app:entry`) for everything it does not answer.

`ECRLOGIN_NO_FASTPATH=1` skips the fast path (the tests compare the two that way).
"""

from __future__ import annotations

import os
import sys

DISABLE = "ECRLOGIN_NO_FASTPATH"


def entry() -> None:
    if not os.environ.get(DISABLE):
        answered = _fast()
        if answered is not None:
            try:
                sys.stdout.write(answered)
                sys.stdout.flush()
            except OSError:
                pass  # a closed pipe: nothing more to say, as the full CLI
            os._exit(0)  # nothing to tear down; skip the interpreter's cleanup
    from ecrlogin.cli.app import entry as full

    full()


def _fast() -> str | None:
    try:
        from ecrlogin.fast.path import answer
        from ecrlogin.lighttime import UTC, datetime

        return answer(sys.argv[1:], os.environ, cwd=os.getcwd(), now=datetime.now(UTC))
    except KeyboardInterrupt:
        print("ecrlogin: interrupted", file=sys.stderr)
        os._exit(130)
    except Exception:  # the fast path is an optimisation: any surprise, the full CLI decides
        return None
