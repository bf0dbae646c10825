"""all-regions' --include/--exclude on region names. Light on purpose (fnmatch and re only):
the fast path filters remembered region lists with the very same code as the full run."""

from __future__ import annotations

import fnmatch
import re

from ecrlogin.errors import UsageError

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Sequence

REGION_RE = re.compile(r"[a-z]{2,5}(-[a-z]+)+-[0-9]{1,2}")  # registry.REGION_RE (a test holds them)


def filtered(regions: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> list[str]:
    """The region names kept by the globs; none left of a non-empty list is a usage error."""

    def wanted(region: str) -> bool:
        included = not include or any(fnmatch.fnmatchcase(region, g) for g in include)
        return included and not any(fnmatch.fnmatchcase(region, g) for g in exclude)

    valid = [r for r in regions if REGION_RE.fullmatch(r)]
    kept = [r for r in valid if wanted(r)]
    if valid and not kept:
        raise UsageError(
            "--include/--exclude leave no region",
            f"the regions were: {', '.join(valid)} (globs are case-sensitive)",
        )
    return kept
