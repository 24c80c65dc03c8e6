"""proposals: votes, comments, revisions, tags, follows, counters and full-text search

Adds to `proposals` the vote counters per stakeholder group, votes_count, excerpt, hide_votes and
the voting dates. Full-text search: on SQLite an FTS5 table `proposals_fts` with sync triggers, on
PostgreSQL a GIN expression index (the same statements as forum/proposals/search.py, frozen here).
"""
from alembic import op
import sqlalchemy as sa

from revision_helpers import Table, create_tables, drop_tables, follows, index, link, ref, timestamp

SQLITE_FTS = (
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
SQLITE_FTS_DROP = (
    "DROP TRIGGER IF EXISTS proposals_fts_au",
    "DROP TRIGGER IF EXISTS proposals_fts_ad",
    "DROP TRIGGER IF EXISTS proposals_fts_ai",
    "DROP TABLE IF EXISTS proposals_fts",
)
PG_FTS = ("CREATE INDEX IF NOT EXISTS ix_proposals_fts ON proposals "
          "USING gin (to_tsvector('german', title || ' ' || body))",)
PG_FTS_DROP = ("DROP INDEX IF EXISTS ix_proposals_fts",)


def _fts(create: bool) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        statements = SQLITE_FTS if create else SQLITE_FTS_DROP
    elif dialect == "postgresql":
        statements = PG_FTS if create else PG_FTS_DROP
    else:
        statements = ()
    for statement in statements:
        op.execute(statement)


revision = '0003'
down_revision = '0004'


def tables():
    return [
        Table('proposal_comments', (
            ref('proposal_id', 'proposals', 'CASCADE'),
            ref('author_id', 'users', 'SET NULL'),
            ref('parent_id', 'proposal_comments', 'CASCADE', nullable=True),
            sa.Column('body', sa.Text(), nullable=False),
            timestamp(),
            timestamp('edited_at', nullable=True),
            timestamp('deleted_at', nullable=True),
        ), indexes=[index('ix_proposal_comments_author_id', 'author_id'),
                    index('ix_proposal_comments_parent_id', 'parent_id'),
                    index('ix_proposal_comments_proposal_created', 'proposal_id', 'created_at')]),
        follows('proposal_follows', 'proposal_id', 'proposals'),
        Table('proposal_revisions', (
            ref('proposal_id', 'proposals', 'CASCADE'),
            ref('editor_id', 'users', 'SET NULL'),
            sa.Column('title', sa.String(length=200), nullable=False),
            sa.Column('body', sa.Text(), nullable=False),
            timestamp(),
        ), indexes=[index('ix_proposal_revisions_proposal_created', 'proposal_id', 'created_at')]),
        Table('proposal_tags', (
            ref('proposal_id', 'proposals', 'CASCADE'),
            sa.Column('tag', sa.String(length=40), nullable=False),
        ), primary_key=('proposal_id', 'tag'), indexes=[index('ix_proposal_tags_tag_proposal', 'tag', 'proposal_id')]),
        link('votes', ref('proposal_id', 'proposals', 'CASCADE'), ref('user_id', 'users', 'SET NULL'),
             sa.Column('choice', sa.String(length=10), nullable=False),
             sa.Column('stakeholder', sa.String(length=20), nullable=False),
             timestamp(),
             timestamp('updated_at'),
             checks={
                 'choice': "choice IN ('for', 'against', 'abstain')",
                 'stakeholder': "stakeholder IN ('citizen', 'business', 'research', 'culture', 'association')",
             }),
    ]


# The vote counters per stakeholder group: citizen_for, citizen_against, ..., association_abstain.
COUNTERS = [f'{group}_{choice}' for group in ('citizen', 'business', 'research', 'culture', 'association')
            for choice in ('for', 'against', 'abstain')]
PROPOSAL_INDEXES = [index('ix_proposals_comments_count_id', 'comments_count', 'id'),
                    index('ix_proposals_created_id', 'created_at', 'id'),
                    index('ix_proposals_status_council', 'status', 'council_id'),
                    index('ix_proposals_votes_count_id', 'votes_count', 'id')]


def proposal_columns():
    return [
        sa.Column('excerpt', sa.String(length=300), server_default='', nullable=False),
        sa.Column('votes_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('hide_votes', sa.Boolean(), server_default=sa.false(), nullable=False),
        timestamp('voting_started_at', nullable=True),
        timestamp('voting_ends_at', nullable=True),
        timestamp('closed_at', nullable=True),
        timestamp('edited_at', nullable=True),
        *(sa.Column(name, sa.Integer(), server_default='0', nullable=False) for name in COUNTERS),
    ]


def upgrade():
    create_tables(tables())
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        for column in proposal_columns():
            batch_op.add_column(column)
        for ix in PROPOSAL_INDEXES:
            batch_op.create_index(ix.name, list(ix.columns), unique=False)
    _fts(create=True)


def downgrade():
    _fts(create=False)
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        for ix in reversed(PROPOSAL_INDEXES):
            batch_op.drop_index(ix.name)
        for column in reversed(proposal_columns()):
            batch_op.drop_column(column.name)
    drop_tables(tables())
