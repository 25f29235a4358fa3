"""The xfail list of the array-api-tests runner: every entry is a test id with a reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

XFAILS = Path(__file__).with_name("array-api-tests-xfails.txt")
ENTRIES = [
    line
    for line in XFAILS.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


@pytest.mark.parametrize("entry", ENTRIES or [pytest.param(None, marks=pytest.mark.skip)])
def test_entry_names_a_test_and_a_reason(entry):
    test_id, _, reason = entry.partition("#")
    assert re.fullmatch(r"array_api_tests/test_\w+\.py(::\S.*)?", test_id.strip()), entry
    assert reason.strip(), f"no reason given for {test_id.strip()}"


def test_no_entry_twice():
    ids = [e.partition("#")[0].strip() for e in ENTRIES]
    assert len(ids) == len(set(ids))
