"""`make help` lists every target of the Makefile with its `## target:` comment."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_make_help_lists_every_target():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    result = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    phony = re.search(r"^\.PHONY: (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    listed = {line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()}
    assert listed == set(phony)
    assert re.search(r"^  test-fast +everything but the browser tests$", result.stdout, re.M)
    assert "--workers 1` and `--workers 2` against the ceiling" in result.stdout  # continued comments joined
