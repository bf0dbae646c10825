"""The `ecrlogin` console script: the full CLI's stored answer replayed when every input of it is
as it was (`ecrlogin.answers`), the full CLI (`ecrlogin.cli.app:entry`) for everything else.

The fast path decides nothing: it reads no AWS file, no state, no project file and no option
table; it compares the digest of this run's inputs with the one stored, checks the clock, prints.
`ECRLOGIN_NO_FASTPATH=1` skips it (the tests compare the two that way).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

DISABLE = "ECRLOGIN_NO_FASTPATH"


def entry() -> None:
    if not os.environ.get(DISABLE):
        answered = _fast()
        if answered is not None:
            text, code = answered
            try:
                sys.stdout.write(text)
                sys.stdout.flush()
            except OSError:
                pass  # a closed pipe: nothing more to say, as the full CLI
            os._exit(code)  # nothing to tear down; skip the interpreter's cleanup
    from ecrlogin.cli.app import entry as full

    full()


def _fast() -> tuple[str, int] | None:
    try:
        import time

        return answer(sys.argv[1:], os.environ, cwd=os.getcwd(), now=time.time())
    except KeyboardInterrupt:
        print("ecrlogin: interrupted", file=sys.stderr)
        os._exit(130)
    except Exception:  # the fast path is an optimisation: any surprise, the full CLI decides
        return None


def answer(
    argv: Sequence[str], environ: Mapping[str, str], *, cwd: str, now: float
) -> tuple[str, int] | None:
    """The stored answer of this run (stdout, exit code), or None: the full CLI runs."""
    from ecrlogin.answers import replay
    from ecrlogin.platforms import state_dir  # the full CLI's own rule, light

    if "_ECRLOGIN_COMPLETE" in environ:
        return None  # shell completion is Click's
    return replay(argv, environ, cwd=cwd, now=now, state_dir=state_dir(environ))
