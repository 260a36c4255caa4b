"""Running one measurement in a process of its own, so its peak memory is its own."""

from __future__ import annotations

import json
import subprocess
import sys


def run_child(script: str, *arguments: str) -> dict | str:
    """The figures a `--child` run of `script` printed as its last line (JSON), or the
    end of its error output when it failed."""
    done = subprocess.run([sys.executable, script, "--child", *arguments], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
