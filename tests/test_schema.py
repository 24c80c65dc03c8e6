"""The schema users get is the schema under test: `forum db upgrade` builds what the models say,
with the full-text search objects, on SQLite and PostgreSQL; a database migrated before the
search repair gets its search back; and the demo, migrated from empty, is searchable."""
from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import Column, DefaultClause, Integer, MetaData, select, text

from forum.extensions import db
from forum.proposals import search

from .conftest import _reset_postgres


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request):
    """Runs a test on SQLite and (marked `postgres`) on PostgreSQL; the `app` fixture reads the mark."""
    return request.param


def schema_diff(metadata=None) -> list:
    """What `forum db migrate` would generate for the current database: Alembic's comparison with
    the options the app gives Flask-Migrate (types, server defaults, search objects left out)."""
    from flask import current_app

    options = current_app.extensions["migrate"].configure_args
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            key: options[key] for key in ("compare_type", "compare_server_default", "include_object")})
        return compare_metadata(context, metadata if metadata is not None else db.metadata)


def search_objects() -> dict[str, str]:
    """The search's triggers / index in the current database, by name, with their SQL."""
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'proposals' AND indexname = 'ix_proposals_fts'"))
    else:
        rows = db.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE name IN"
            " ('proposals_fts', 'proposals_fts_ai', 'proposals_fts_ad', 'proposals_fts_au')"))
    return {name: sql for name, sql in rows}


def _bare(sql: str) -> str:
    return re.sub(r"\s+", " ", sql.replace(" IF NOT EXISTS", "")).strip().lower()


def test_migrated_database_matches_the_models(backend, app):
    assert schema_diff() == []


def test_the_comparison_sees_a_difference(backend, app):
    """The check above can fail: a column the migrations lack and a changed default are reported."""
    changed = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(changed)
    proposals = changed.tables["proposals"]
    proposals.append_column(Column("nicht_migriert", Integer, nullable=True))
    proposals.c.excerpt.server_default = DefaultClause("geändert")
    kinds = {diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in schema_diff(changed)}
    assert kinds == {"add_column", "modify_default"}


def test_search_objects_exist_after_upgrade(backend, app):
    found = search_objects()
    if backend == "postgres" or db.engine.dialect.name == "postgresql":
        assert "using gin" in found["ix_proposals_fts"].lower()
        assert "to_tsvector('german'" in found["ix_proposals_fts"]
        return
    # The same statements as forum/proposals/search.py (used by create_all), not an older shape.
    expected = {_bare(s) for s in search.SQLITE_DDL if s.startswith("CREATE")}
    assert {_bare(sql) for sql in found.values()} == expected


def _fresh_database(app_factory, tmp_path, name: str):
    """An app on an empty database: a new SQLite file, or this worker's PostgreSQL emptied."""
    if db.engine.dialect.name == "postgresql":
        _reset_postgres()
        return None
    return app_factory(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / name}")


def test_database_migrated_before_the_repair_gets_its_search_back(backend, app, app_factory, tmp_path):
    """A database made by the migrations up to 0007 (what every installation had) and used since:
    upgrading it finds proposals written before the upgrade and after it."""
    from forum.proposals.models import Proposal

    target = _fresh_database(app_factory, tmp_path, "before-repair.db") or app
    with target.app_context():
        upgrade(revision="0007")
        db.session.execute(text(
            "INSERT INTO proposals (title, body, status, created_at, updated_at, votes_for, votes_against,"
            " votes_abstain, comments_count) VALUES ('Freies WLAN am Schloss', 'Vor dem Reparatur-Update',"
            " 'published', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, 0, 0, 0)"))
        db.session.commit()
        upgrade()
        db.session.add(Proposal(title="Sensoren am Ring", body="Nach dem Update", status="published"))
        db.session.commit()
        client = target.test_client()
        for q, title in (("WLAN", "Freies WLAN am Schloss"), ("Sensoren", "Sensoren am Ring")):
            items = client.get(f"/api/v1/proposals?q={q}").get_json()["items"]
            assert [p["title"] for p in items] == [title]
        assert schema_diff() == []
        if target is not app:
            db.session.remove()
            db.engine.dispose()


def test_upgrading_keeps_every_row_and_finds_a_projects_origin(backend, app, app_factory, tmp_path):
    """SQLite changes a table by copying it: with foreign keys enforced, dropping the old `users` (0015)
    or `projects` (0016) deleted every row referring to them. A database with a token, a membership and
    a project made from a proposal keeps them all, and 0016 finds the project's origin."""
    target = _fresh_database(app_factory, tmp_path, "rows.db") or app
    with target.app_context():
        upgrade(revision="0014_mail")
        for sql in (
                "INSERT INTO users (id, email, name, password_hash, stakeholder, role, verification, created_at,"
                " language, session_version) VALUES (1, 'a@example.org', 'Anna', 'x', 'citizen', 'member', 'not_required',"
                " CURRENT_TIMESTAMP, 'de', 1)",
                "INSERT INTO api_tokens (user_id, digest, created_at) VALUES (1, 'd', CURRENT_TIMESTAMP)",
                "INSERT INTO councils (id, slug, name, mandate, description, visibility, join_policy, created_at, members_count)"
                " VALUES (1, 'rat', 'Rat', '', '', 'public', 'open', CURRENT_TIMESTAMP, 1)",
                "INSERT INTO memberships (council_id, user_id, role, created_at) VALUES (1, 1, 'member', CURRENT_TIMESTAMP)",
                "INSERT INTO proposals (id, title, body, status, created_at, updated_at, votes_for, votes_against,"
                " votes_abstain, comments_count) VALUES (1, 'Handy-Parken', 'Per App', 'accepted',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, 0, 0, 0)",
                "INSERT INTO projects (id, title, description, department, status, visibility, spent_eur, created_at,"
                " updated_at) VALUES (1, 'Handy-Parken', 'Per App', 'Tiefbau', 'planned', 'public', 0,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                "INSERT INTO project_proposals (project_id, proposal_id, created_at) VALUES (1, 1, CURRENT_TIMESTAMP)"):
            db.session.execute(text(sql))
        db.session.commit()
        upgrade()
        counts = {table: db.session.scalar(text(f"SELECT COUNT(*) FROM {table}"))
                  for table in ("users", "api_tokens", "memberships", "project_proposals")}
        assert counts == {"users": 1, "api_tokens": 1, "memberships": 1, "project_proposals": 1}
        assert db.session.scalar(text("SELECT origin_proposal_id FROM projects WHERE id = 1")) == 1
        if target is not app:
            db.session.remove()
            db.engine.dispose()


def test_demo_migrated_from_empty_is_found_by_search(backend, app, app_factory, tmp_path):
    """`forum db upgrade` and `forum seed-demo` on an empty database, then the search a visitor
    makes on the page and a program through the API."""
    target = _fresh_database(app_factory, tmp_path, "demo.db") or app
    runner = target.test_cli_runner()
    with target.app_context():  # the CLI would run in the test's own app context otherwise
        for command in (["db", "upgrade"], ["seed-demo"]):
            result = runner.invoke(args=command)
            assert result.exit_code == 0, result.output
    client = target.test_client()
    page = client.get("/proposals?q=WLAN")
    assert page.status_code == 200
    assert "WLAN in der Innenstadt ausbauen" in page.get_data(as_text=True)
    api = client.get("/api/v1/proposals?q=WLAN")
    assert api.status_code == 200
    assert "WLAN in der Innenstadt ausbauen" in [p["title"] for p in api.get_json()["items"]]
    if target is not app:
        with target.app_context():
            db.engine.dispose()


def _columns(table: str) -> set[str]:
    from sqlalchemy import inspect

    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def test_revision_params_migration_round_trips(backend, app, app_factory, tmp_path):
    """0017 adds meeting_revisions.params to a database in use: a change kept before shows its
    stored summary; downgrading drops the column and keeps every change's summary; upgrading again
    gives the models' schema."""
    from flask_migrate import downgrade

    from forum.meetings.models import MeetingRevision

    target = _fresh_database(app_factory, tmp_path, "revisions.db") or app
    with target.app_context():
        upgrade(revision="0016_project_origin")
        assert "params" not in _columns("meeting_revisions")
        db.session.execute(text(
            "INSERT INTO meetings (id, title, status, starts_at, ends_at, location, description, sequence,"
            " followers_count, created_at, updated_at, published_at) VALUES (1, 'Sitzung', 'published',"
            " '2026-12-10 17:00:00', '2026-12-10 19:00:00', 'Rathaus', '', 1, 0, CURRENT_TIMESTAMP,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        db.session.execute(text(
            "INSERT INTO meeting_revisions (meeting_id, summary, created_at) VALUES"
            " (1, 'TOP 4 hinzugefügt: Bericht Ladesäulen', '2026-12-07 14:12:00')"))
        db.session.commit()

        upgrade()
        assert "params" in _columns("meeting_revisions") and schema_diff() == []
        old = db.session.scalars(select(MeetingRevision)).one()
        assert old.params is None and old.summary_in("en") == "TOP 4 hinzugefügt: Bericht Ladesäulen"
        db.session.add(MeetingRevision(meeting_id=1, summary="Sitzung abgesagt",
                                       params={"summary": {"msg": "Sitzung abgesagt", "args": {}}}))
        db.session.commit()
        assert [r.summary_in("en") for r in db.session.scalars(select(MeetingRevision).order_by(MeetingRevision.id))] \
            == ["TOP 4 hinzugefügt: Bericht Ladesäulen", "Meeting cancelled"]
        db.session.remove()

        downgrade(revision="0016_project_origin")
        assert "params" not in _columns("meeting_revisions")
        assert list(db.session.execute(text("SELECT summary FROM meeting_revisions ORDER BY id")).scalars()) == \
            ["TOP 4 hinzugefügt: Bericht Ladesäulen", "Sitzung abgesagt"]
        db.session.remove()

        upgrade()
        assert schema_diff() == []
        assert [r.params for r in db.session.scalars(select(MeetingRevision))] == [None, None]
        db.session.remove()
        if target is not app:
            db.engine.dispose()
