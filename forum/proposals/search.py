"""Full-text search over proposal titles and bodies.

SQLite: an FTS5 external-content table `proposals_fts` kept in sync by triggers (the update
trigger fires only when title or body change, not on counter updates). PostgreSQL: a GIN
expression index on `to_tsvector('german', title || ' ' || body)`, queried with
`websearch_to_tsquery('german', :q)`, which accepts any input without a syntax error.

The same statements run from the migrations (0003, repaired in 0010) and, for databases made
with `create_all()`, from an `after_create` event on the proposals table. On SQLite a batch-mode
migration that copies `proposals` (adding a foreign key, changing a column) drops the triggers
with the old table: such a migration must recreate them (see 0010); tests/test_schema.py checks
that a migrated database has them.
"""
from __future__ import annotations

import re

from sqlalchemy import DDL, ColumnElement, event, false, select, text

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposals_fts USING fts5("
    "title, body, content='proposals', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS proposals_fts_ai AFTER INSERT ON proposals BEGIN "
    "INSERT INTO proposals_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS proposals_fts_ad AFTER DELETE ON proposals BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS proposals_fts_au AFTER UPDATE OF title, body ON proposals BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO proposals_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO proposals_fts(proposals_fts) VALUES ('rebuild')",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS proposals_fts_au",
    "DROP TRIGGER IF EXISTS proposals_fts_ad",
    "DROP TRIGGER IF EXISTS proposals_fts_ai",
    "DROP TABLE IF EXISTS proposals_fts",
)
PG_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_proposals_fts ON proposals "
    "USING gin (to_tsvector('german', title || ' ' || body))",
)
PG_DROP = ("DROP INDEX IF EXISTS ix_proposals_fts",)

MAX_QUERY = 200
MAX_TOKENS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def ddl_statements(dialect: str, *, drop: bool = False) -> tuple[str, ...]:
    """The search DDL for a dialect name ('sqlite' or 'postgresql'); empty for others."""
    if dialect == "sqlite":
        return SQLITE_DROP if drop else SQLITE_DDL
    if dialect == "postgresql":
        return PG_DROP if drop else PG_DDL
    return ()


def _attach(table) -> None:
    for dialect in ("sqlite", "postgresql"):
        for statement in ddl_statements(dialect):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
        for statement in ddl_statements(dialect, drop=True):
            event.listen(table, "before_drop", DDL(statement).execute_if(dialect=dialect))


def normalise_query(q: str | None) -> str:
    """Trimmed, clamped to MAX_QUERY characters, NUL bytes and control characters removed."""
    if not q:
        return ""
    q = "".join(ch for ch in q if ch >= " ")
    return q.strip()[:MAX_QUERY]


def fts5_match_expression(q: str) -> str | None:
    """User text → an FTS5 MATCH expression that cannot be a syntax error: every word becomes a
    double-quoted string (implicitly AND-ed), so FTS5 operators and quotes in the input are inert."""
    words = _WORD.findall(q)[:MAX_TOKENS]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def search_clause(q: str, dialect: str) -> ColumnElement[bool] | None:
    """A WHERE clause over `proposals` matching `q`, or None when `q` is empty.

    The text is always a bound parameter, never part of the SQL."""
    q = normalise_query(q)
    if not q:
        return None
    if dialect == "postgresql":
        return text(
            "to_tsvector('german', proposals.title || ' ' || proposals.body) @@ websearch_to_tsquery('german', :fts_q)"
        ).bindparams(fts_q=q)
    from .models import Proposal

    expression = fts5_match_expression(q)
    if expression is None:
        return false()  # punctuation only: nothing can match
    matching = select(text("rowid")).select_from(text("proposals_fts")).where(
        text("proposals_fts MATCH :fts_q").bindparams(fts_q=expression)
    )
    return Proposal.id.in_(matching)


def _register() -> None:
    from .models import Proposal

    _attach(Proposal.__table__)


_register()


def exclude_from_autogenerate(app) -> None:
    """Keep Alembic's autogenerate from proposing to drop the search objects, which live outside
    the SQLAlchemy metadata (FTS5 shadow tables, the GIN expression index)."""
    migrate_ext = app.extensions.get("migrate")
    if migrate_ext is None:
        return
    previous = migrate_ext.configure_args.get("include_object")

    def include_object(obj, name, type_, reflected, compare_to):
        if type_ == "table" and name and name.startswith("proposals_fts"):
            return False
        if type_ == "index" and name == "ix_proposals_fts":
            return False
        return previous(obj, name, type_, reflected, compare_to) if previous else True

    migrate_ext.configure_args["include_object"] = include_object
