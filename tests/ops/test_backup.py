"""`forum backup` / `forum restore`: restored into an empty, migrated database, every row equal;
deleted accounts stay deleted. Runs on SQLite and (FORUM_TEST_BACKEND=postgres) on PostgreSQL;
the CLI test carries a SQLite backup into PostgreSQL."""
from __future__ import annotations

import contextlib
import gzip
import json
import os
import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from forum.extensions import db
from forum.ops import backup as ops_backup

from .services import FORUM


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table, as the backup encodes it, in primary-key order."""
    connection = db.session.connection()
    return {table.name: list(ops_backup._rows(connection, table)) for table in ops_backup._tables()}


@pytest.fixture
def forum_data(app, make_user, make_council, make_proposal):
    """Accounts, a council with members, a proposal, a notice and a token; one account deleted."""
    from forum.accounts.services import issue_token
    from forum.notifications.models import Notification

    anna = make_user(name="Anna Schmidt")
    firm = make_user(stakeholder="business", organisation="Stadtwerke", name="Frau Digital")
    leaving = make_user(name="Geht bald")
    council = make_council("Fachbeirat Mobilität", members=[anna, leaving], moderators=[firm])
    make_proposal("Handy-Parken", author=leaving, council=council, body="Parken per **App**.\nÄÖÜß ✓")
    make_proposal("WLAN in der Innenstadt", author=anna)
    db.session.add(Notification(user_id=anna.id, subject="Neue Sitzung", body="Am Montag", url="/meetings/1"))
    issue_token(anna)
    db.session.commit()
    return {"anna": anna.id, "firm": firm.id, "leaving": leaving.id, "council": council.id}


def delete_account(user_id: int) -> None:
    from forum.accounts.models import User

    db.session.delete(db.session.get(User, user_id))
    db.session.commit()


@contextlib.contextmanager
def empty_migrated_database(app, app_factory, tmp_path):
    """An empty database at the current migration head, as an app context."""
    if db.engine.dialect.name == "postgresql":
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        yield app
        return
    target = app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'restored.db'}")
    with target.app_context():
        upgrade()
        yield target
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("name", ["forum.ndjson", "forum.ndjson.gz"])
def test_restore_into_empty_database_reproduces_every_row(app, app_factory, tmp_path, forum_data, name):
    delete_account(forum_data["leaving"])
    before = snapshot()
    path = str(tmp_path / name)
    counts = ops_backup.write_backup(path)
    assert counts["users"] == 2 and counts["proposals"] == 2 and counts["account_deletions"] == 1
    if name.endswith(".gz"):
        with gzip.open(path, "rt") as fh:
            assert json.loads(fh.readline())["format"] == "smart-city-forum-backup"
    with empty_migrated_database(app, app_factory, tmp_path):
        assert sum(len(rows) for rows in snapshot().values()) == 0
        ops_backup.restore_backup(path)
        db.session.commit()
        after = snapshot()
        assert after == before
        # Ids go on after the restored ones (PostgreSQL sequences are set past them).
        from forum.accounts.services import create_confirmed_user

        newcomer = create_confirmed_user(email="neu@example.org", name="Neu", password="lange-genug",
                                         stakeholder="citizen")
        db.session.commit()
        assert newcomer.id > max(row["id"] for row in before["users"])


def test_deleted_accounts_stay_deleted(app, app_factory, tmp_path, forum_data):
    from forum.accounts.models import User
    from forum.councils.models import Membership
    from forum.ops.ledger import ledger_ids
    from forum.proposals.models import Proposal

    older = str(tmp_path / "before-deletion.ndjson")
    ops_backup.write_backup(older)
    delete_account(forum_data["leaving"])
    newer = str(tmp_path / "after-deletion.ndjson")
    ops_backup.write_backup(newer)
    assert ops_backup.deletion_ledger(newer) == [forum_data["leaving"]]

    with empty_migrated_database(app, app_factory, tmp_path):
        # The older backup still holds the account; the newer backup's ledger deletes it again.
        result = ops_backup.restore_backup(older, reapply_from=(newer,))
        db.session.commit()
        assert result["reapplied_deletions"] == 1
        assert db.session.get(User, forum_data["leaving"]) is None
        assert db.session.scalar(select(User.id).where(User.name == "Geht bald")) is None
        assert not db.session.scalars(select(Membership).where(Membership.user_id == forum_data["leaving"])).all()
        parking = db.session.scalar(select(Proposal).where(Proposal.title == "Handy-Parken"))
        assert parking is not None and parking.author_id is None  # shows as "deleted account"
        assert ledger_ids() == [forum_data["leaving"]]
        assert db.session.get(User, forum_data["anna"]) is not None


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path, forum_data):
    path = str(tmp_path / "b.ndjson")
    ops_backup.write_backup(path)
    with pytest.raises(ops_backup.BackupError, match="nicht leer"):
        ops_backup.restore_backup(path)


def test_restore_refuses_an_incomplete_backup(app, app_factory, tmp_path, forum_data):
    path = tmp_path / "b.ndjson"
    ops_backup.write_backup(str(path))
    lines = path.read_text().splitlines()
    cut = tmp_path / "cut.ndjson"
    cut.write_text("\n".join(lines[:-3]) + "\n")  # as if the disk filled up
    with empty_migrated_database(app, app_factory, tmp_path):
        with pytest.raises(ops_backup.BackupError, match="unvollständig"):
            ops_backup.restore_backup(str(cut))
        assert sum(len(rows) for rows in snapshot().values()) == 0


def test_restore_refuses_another_schema_revision(app, app_factory, tmp_path, forum_data):
    path = tmp_path / "b.ndjson"
    ops_backup.write_backup(str(path))
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header["revision"] = "0000-elsewhere"
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    with empty_migrated_database(app, app_factory, tmp_path):
        with pytest.raises(ops_backup.BackupError, match="forum db upgrade 0000-elsewhere"):
            ops_backup.restore_backup(str(path))


def test_backup_to_an_unwritable_place_fails_cleanly(app, tmp_path):
    with pytest.raises(ops_backup.BackupError, match="nicht geschrieben"):
        ops_backup.write_backup(str(tmp_path / "fehlt" / "b.ndjson"))
    assert not list(tmp_path.glob("**/*.partial"))


@pytest.mark.postgres
def test_cli_carries_a_sqlite_forum_into_postgresql(tmp_path):
    """Operators' path: a SQLite forum backed up, then `forum db upgrade` + `forum restore` on PostgreSQL."""
    from ..conftest import _make_app

    pg_url = os.environ.get("FORUM_TEST_DATABASE_URL")
    if not pg_url:
        pytest.skip("FORUM_TEST_DATABASE_URL is not set")
    source = _make_app(tmp_path / "source", f"sqlite:///{tmp_path / 'source.db'}")
    with source.app_context():
        upgrade()
        runner = source.test_cli_runner()
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        assert runner.invoke(args=["create-user", "wolfsburg@example.org", "--name", "Kooperation Wolfsburg",
                                   "--password", "lange-genug", "--stakeholder", "association",
                                   "--organisation", "Wolfsburg", "--verified"]).exit_code == 0
        assert runner.invoke(args=["backup", str(tmp_path / "source.ndjson")]).exit_code == 0
        db.session.remove()
        db.engine.dispose()

    pg_env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "inst"), "FORUM_SECRET_KEY": "backup-test",
              "FORUM_DATABASE_URL": pg_url}

    def forum(*args):
        result = subprocess.run([FORUM, *args], env=pg_env, capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        forum("db", "upgrade")
        assert "Sicherung eingespielt" in forum("restore", str(tmp_path / "source.ndjson"))
        forum("backup", str(tmp_path / "copy.ndjson"))
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()

    def rows(path):
        return open(path, encoding="utf-8").read().splitlines()[1:]

    original, copy = rows(tmp_path / "source.ndjson"), rows(tmp_path / "copy.ndjson")
    assert len(original) > 10 and original == copy


def test_cli_commands_report_success_and_refusal(app, tmp_path, forum_data):
    runner = app.test_cli_runner()
    path = str(tmp_path / "cli.ndjson.gz")
    done = runner.invoke(args=["backup", path])
    assert done.exit_code == 0 and "Sicherung geschrieben" in done.output
    refused = runner.invoke(args=["restore", path])
    assert refused.exit_code != 0 and "nicht leer" in refused.output


def test_a_backup_with_the_database_away_leaves_no_partial_file(app, tmp_path, monkeypatch):
    """Any failure, not only a full disk: the half-written dump (personal data) is removed."""
    from sqlalchemy.exc import OperationalError

    def unreachable(*_args, **_kwargs):
        raise OperationalError("SELECT secret", {"password": "scrypt$geheim"},
                               Exception("connection to server at \"10.0.0.9\", port 5432 failed: refused\nmore"))

    monkeypatch.setattr(type(db.engine), "connect", unreachable)
    folder = tmp_path / "backups"
    folder.mkdir()
    with pytest.raises(ops_backup.BackupError, match="Sicherung fehlgeschlagen, Fehler der Datenbank") as failed:
        ops_backup.write_backup(str(folder / "b.ndjson.gz"))
    assert "geheim" not in str(failed.value) and "\n" not in str(failed.value)
    assert list(folder.iterdir()) == []

    class Interrupted(Exception):
        pass

    def interrupted(*_args, **_kwargs):
        raise Interrupted

    monkeypatch.setattr(type(db.engine), "connect", interrupted)
    with pytest.raises(Interrupted):
        ops_backup.write_backup(str(folder / "b.ndjson.gz"))
    assert list(folder.iterdir()) == []


def test_the_cli_reports_a_failed_backup_in_one_line(tmp_path):
    """`forum backup` against a database nobody answers: one line, exit status 1, no partial file."""
    env = {**os.environ, "FORUM_INSTANCE_PATH": str(tmp_path / "inst"), "FORUM_SECRET_KEY": "backup-test",
           "FORUM_DATABASE_URL": "postgresql+psycopg://forum@127.0.0.1:1/forum?connect_timeout=2"}
    result = subprocess.run([FORUM, "backup", str(tmp_path / "b.ndjson.gz")], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Sicherung fehlgeschlagen, Fehler der Datenbank" in result.stderr
    assert not list(tmp_path.glob("*.partial")) and not (tmp_path / "b.ndjson.gz").exists()
