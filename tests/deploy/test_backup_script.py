"""deploy/forum-backup: a new backup, then the retention; stale `.partial` files (a backup killed
half-way: half a dump of personal data) are removed too, even when the new backup fails."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "forum-backup"
DAY = 86400


def _fake_forum(tmp_path: Path, fails: bool) -> Path:
    fake = tmp_path / "forum"
    body = 'echo "Sicherung fehlgeschlagen" >&2; exit 1' if fails else 'echo dump > "$2"'
    fake.write_text(f"#!/bin/sh\n{body}\n")
    fake.chmod(0o755)
    return fake


def _aged(path: Path, days: float) -> Path:
    path.write_text("x")
    then = time.time() - days * DAY
    os.utime(path, (then, then))
    return path


@pytest.mark.parametrize("fails", [False, True])
def test_retention_removes_old_backups_and_stale_partial_files(tmp_path, fails):
    backups = tmp_path / "backups"
    backups.mkdir()
    old = _aged(backups / "forum-20261101-020000.ndjson.gz", 31)
    recent = _aged(backups / "forum-20261201-020000.ndjson.gz", 5)
    stale = _aged(backups / "forum-20261120-020000.ndjson.gz.partial", 3)
    running = _aged(backups / "forum-20261207-020000.ndjson.gz.partial", 0.01)  # another run's, in progress
    other = _aged(backups / "notes.partial", 40)  # not ours
    env = {"PATH": "/usr/bin:/bin", "FORUM_BACKUP_DIR": str(backups),
           "FORUM_COMMAND": str(_fake_forum(tmp_path, fails))}
    result = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
    assert (result.returncode != 0) is fails, result.stderr
    assert not stale.exists()
    assert running.exists() and other.exists() and recent.exists()
    new = [p for p in backups.glob("forum-*.ndjson.gz") if p not in (old, recent)]
    if fails:
        assert new == [] and old.exists()  # no retention of full backups without a new one
    else:
        assert len(new) == 1 and not old.exists()
