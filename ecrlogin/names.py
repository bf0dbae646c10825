"""The names ecrlogin reads, checked without `re` (which costs ~15 ms a run): region names and
the account of a role ARN. Tests hold each to the regular expression it
stands for."""

from __future__ import annotations

_DIGITS = frozenset("0123456789")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


def is_region_name(text: str) -> bool:
    """`[a-z]{2,5}(-[a-z]+)+-[0-9]{1,2}`, the whole text: us-east-1, eu-central-2, …"""
    parts = text.split("-")
    if len(parts) < 3 or not 2 <= len(parts[0]) <= 5 or not 1 <= len(parts[-1]) <= 2:
        return False
    return set(parts[-1]) <= _DIGITS and all(p and set(p) <= _LOWER for p in parts[:-1])


def role_account(arn: str) -> str | None:
    r"""The account of `arn:PARTITION:iam::ACCOUNT:…` (`arn:[\w-]+:iam::([0-9]{12}):` at the
    start), else None."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2:4] != ["iam", ""]:
        return None
    partition, account = parts[1], parts[4]
    if not partition or not all(c.isalnum() or c in "-_" for c in partition):
        return None
    return account if len(account) == 12 and set(account) <= _DIGITS else None


def is_account(text: str) -> bool:
    """Twelve ASCII digits."""
    return len(text) == 12 and set(text) <= _DIGITS
