"""names: the hand-written checks answer exactly as the regular expressions they stand for."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ecrlogin.names import is_account, is_region_name, role_account

REGION = re.compile(r"[a-z]{2,5}(-[a-z]+)+-[0-9]{1,2}")
ROLE_ACCOUNT = re.compile(r"arn:[\w-]+:iam::([0-9]{12}):")
ACCOUNT = re.compile(r"[0-9]{12}")
NEAR_REGIONS = st.text(alphabet="abez-019٣é", max_size=16) | st.from_regex(REGION, fullmatch=True)
NEAR_ARNS = st.text(alphabet="arn:iam-_01٣é/", max_size=40) | st.from_regex(ROLE_ACCOUNT)


@given(NEAR_REGIONS | st.text(max_size=12))
def test_region_names_are_the_regular_expression(text: str) -> None:
    assert is_region_name(text) == bool(REGION.fullmatch(text))


@given(NEAR_ARNS | st.text(max_size=20))
def test_role_accounts_are_the_regular_expression(arn: str) -> None:
    found = ROLE_ACCOUNT.match(arn)
    assert role_account(arn) == (found[1] if found else None)


@given(st.text(alphabet="0123456789٣a", max_size=14) | st.from_regex(ACCOUNT, fullmatch=True))
def test_accounts_are_twelve_ascii_digits(text: str) -> None:
    assert is_account(text) == bool(ACCOUNT.fullmatch(text))
