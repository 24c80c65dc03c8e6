"""A backup restores into the schema revision it was taken at, with today's code: the documented
path `createdb; forum db upgrade <its revision>; forum restore FILE; forum db upgrade`. The models
have columns the backup's revision had not (users.public_listing came with 0015); restore inserts
only the columns the target database has. A failed restore says so in one line, never with a
row's values (password hashes, addresses)."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from forum.extensions import db

from .services import FORUM

OLD_REVISION = "0014_mail"  # before users.public_listing (0015) and the later revisions



def _old_backup(tmp_path: Path) -> tuple[Path, str]:
    """A forum with data, migrated back to OLD_REVISION, backed up there by `forum backup`."""
    from ..conftest import _make_app

    source = _make_app(tmp_path / "source", f"sqlite:///{tmp_path / 'source.db'}")
    with source.app_context():
        upgrade()
        runner = source.test_cli_runner()
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        revision = OLD_REVISION
        downgrade(revision=revision)
        path = tmp_path / "old.ndjson.gz"
        result = runner.invoke(args=["backup", str(path)])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    with gzip.open(path, "rt") as fh:
        header = json.loads(fh.readline())
    assert header["revision"] == revision
    return path, revision


def _target(tmp_path: Path, backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'target.db'}"
    url = os.environ.get("FORUM_TEST_DATABASE_URL")
    if not url:
        pytest.skip("FORUM_TEST_DATABASE_URL is not set")
    return url


def _empty(url: str) -> None:
    engine = create_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(engine.url.database + suffix).unlink(missing_ok=True)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_older_backup_restores_into_its_revision_and_upgrades(tmp_path, backend):
    path, revision = _old_backup(tmp_path)
    url = _target(tmp_path, backend)
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "inst"), "FORUM_SECRET_KEY": "backup-test",
           "FORUM_DATABASE_URL": url}

    def forum(*args, ok=True):
        result = subprocess.run([FORUM, *args], env=env, capture_output=True, text=True, timeout=180)
        if ok:
            assert result.returncode == 0, result.stderr[-3000:]
        return result

    _empty(url)
    try:
        forum("db", "upgrade", revision)
        assert "public_listing" not in {c["name"] for c in inspect(create_engine(url)).get_columns("users")}
        assert "Sicherung eingespielt" in forum("restore", str(path)).stdout
        forum("db", "upgrade")
        engine = create_engine(url)
        with engine.connect() as conn:
            users = conn.execute(text("SELECT count(*), sum(CASE WHEN public_listing THEN 1 ELSE 0 END) "
                                      "FROM users")).one()
        engine.dispose()
        assert users[0] > 3 and users[1] == 0  # the new column took its default

        # a failure while loading: one line, nothing of the rows (here two accounts with one address)
        lines = gzip.open(path, "rt").read().splitlines()
        users_rows = [i for i, line in enumerate(lines) if json.loads(line).get("t") == "users"]
        first, second = (json.loads(lines[i]) for i in users_rows[:2])
        second["r"]["email"] = first["r"]["email"]
        lines[users_rows[1]] = json.dumps(second)
        broken = tmp_path / "broken.ndjson"
        broken.write_text("\n".join(lines) + "\n")
        _empty(url)
        forum("db", "upgrade", revision)
        failed = forum("restore", str(broken), ok=False)
        assert failed.returncode == 1
        assert "Traceback" not in failed.stderr and len(failed.stderr.strip().splitlines()) == 1, failed.stderr
        assert "users" in failed.stderr
        for secret in (first["r"]["password_hash"], second["r"]["password_hash"], first["r"]["email"]):
            assert secret not in failed.stderr
    finally:
        _empty(url)
