"""What the browser suite's set-up relies on: the documented way to run the `loket` commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def test_python_m_runtime_cli_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runtime.cli", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "migrate" in done.stdout
