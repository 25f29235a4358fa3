"""docs/rules.md lists every rule and its choices: it is generated, and must not drift."""

from __future__ import annotations

from pathlib import Path

from arraygrad.autograd._registry import rules_markdown

PAGE = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rules_page_is_up_to_date():
    assert PAGE.read_text() == rules_markdown(), (
        "docs/rules.md is out of date: regenerate it with "
        "python -c \"from arraygrad.autograd._registry import rules_markdown; "
        "open('docs/rules.md', 'w').write(rules_markdown())\""
    )
