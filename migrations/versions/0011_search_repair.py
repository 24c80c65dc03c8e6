"""search repair: the FTS5 sync triggers back on SQLite, the index rebuilt

0007 adds a foreign key to `proposals`, which on SQLite Alembic's batch mode does by copying the
table, dropping the old one and renaming the copy. SQLite drops a table's triggers with the table,
so every database migrated past 0007 lost the three triggers that keep `proposals_fts` in sync, and
no proposal written since was found by the search. This revision recreates them and rebuilds the
FTS5 index from `proposals`, on fresh and on already-migrated databases alike. On PostgreSQL the
GIN expression index survived (no table copy there); it is created if missing and reindexed.

The statements are frozen here (as in 0003), not imported from forum/proposals/search.py, so that
this revision means the same thing later.
"""
from alembic import op

SQLITE_REPAIR = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposals_fts USING fts5("
    "title, body, content='proposals', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    # Dropped first: a database repaired by hand may have triggers of another shape.
    "DROP TRIGGER IF EXISTS proposals_fts_ai",
    "DROP TRIGGER IF EXISTS proposals_fts_ad",
    "DROP TRIGGER IF EXISTS proposals_fts_au",
    "CREATE TRIGGER proposals_fts_ai AFTER INSERT ON proposals BEGIN "
    "INSERT INTO proposals_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER proposals_fts_ad AFTER DELETE ON proposals BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER proposals_fts_au AFTER UPDATE OF title, body ON proposals BEGIN "
    "INSERT INTO proposals_fts(proposals_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO proposals_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    # The index missed every proposal written without triggers: read it anew from `proposals`.
    "INSERT INTO proposals_fts(proposals_fts) VALUES ('rebuild')",
)
PG_REPAIR = (
    "CREATE INDEX IF NOT EXISTS ix_proposals_fts ON proposals "
    "USING gin (to_tsvector('german', title || ' ' || body))",
    "REINDEX INDEX ix_proposals_fts",
)

revision = '0010_search_repair'
down_revision = '0010_trust_tokens'


def upgrade():
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": SQLITE_REPAIR, "postgresql": PG_REPAIR}.get(dialect, ())
    for statement in statements:
        op.execute(statement)


def downgrade():
    # 0007 meant to keep the search working; going back to it keeps the repaired triggers.
    pass
