"""The documentation site builds with ``mkdocs build --strict``: any warning fails it.

Strict mode turns every warning into a failure: a broken link between pages, a page missing
from the nav, a docstring that mkdocstrings cannot parse or an object of docs/api.md that
does not exist. Needs the ``docs`` extra; skipped without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("mkdocs", reason="the docs extra (mkdocs) is not installed")
pytest.importorskip("mkdocstrings", reason="the docs extra (mkdocstrings) is not installed")
pytest.importorskip(
    "mkdocstrings_handlers.python",
    reason="the docs extra (mkdocstrings-python) is not installed",
)


def test_mkdocs_build_strict(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}  # the build's warnings are mkdocs's own
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    assert "WARNING" not in log, log
    assert (site / "index.html").is_file()
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("arraygrad.autograd.grad", "arraygrad.testing.gradcheck", "arraygrad.nn.Linear",
                 "arraygrad.optim.SGD", "arraygrad.random.Generator"):  # fmt: skip
        assert f'id="{name}"' in api, f"{name} is missing from the API reference"
