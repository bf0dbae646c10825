"""all-regions' --include/--exclude on region names. Light on purpose (`fnmatch`, and with it
`re`, only for a real glob): a cached all-regions run pays every import."""

from __future__ import annotations

from ecrlogin.errors import UsageError
from ecrlogin.names import is_region_name

TYPE_CHECKING = False  # typing itself costs an import; mypy reads this name as True
if TYPE_CHECKING:
    from collections.abc import Sequence

_GLOB_CHARACTERS = "*?["


def filtered(regions: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> list[str]:
    """The region names kept by the globs; none left of a non-empty list is a usage error."""

    def wanted(region: str) -> bool:
        included = not include or any(matches(region, g) for g in include)
        return included and not any(matches(region, g) for g in exclude)

    valid = [r for r in regions if is_region_name(r)]
    kept = [r for r in valid if wanted(r)]
    if valid and not kept:
        raise UsageError(
            "--include/--exclude leave no region",
            f"the regions were: {', '.join(valid)} (globs are case-sensitive)",
        )
    return kept


def matches(region: str, glob: str) -> bool:
    """`fnmatch.fnmatchcase`; a glob without wildcards is the name itself."""
    if not any(c in glob for c in _GLOB_CHARACTERS):
        return region == glob
    import fnmatch

    return fnmatch.fnmatchcase(region, glob)
