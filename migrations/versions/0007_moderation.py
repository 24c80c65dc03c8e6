"""moderation: audit log (append-only by trigger), reports, decisions, suspensions, site pages,
hidden_* columns on content, users.suspended_until
"""
from alembic import op
import sqlalchemy as sa

from revision_helpers import Table, create_tables, drop_tables, index, ref, timestamp

revision = '0007'
down_revision = '0009'


# The audit log is append-only in the database itself (the same statements as forum/audit.py,
# then forum/moderation/audit.py, attaches to create_all, copied so this revision never changes).
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END $$",
    "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
)


def _audit_triggers():
    dialect = op.get_bind().dialect.name
    return {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect, ())


def tables():
    return [
        Table('audit_entries', (
            sa.Column('actor_id', sa.Integer(), nullable=True),
            sa.Column('action', sa.String(length=60), nullable=False),
            sa.Column('target_type', sa.String(length=30), nullable=False),
            sa.Column('target_id', sa.Integer(), nullable=True),
            sa.Column('council_id', sa.Integer(), nullable=True),
            sa.Column('reason', sa.String(length=1000), nullable=True),
            sa.Column('details', sa.JSON(), nullable=False),
            timestamp(),
        ), indexes=[index('ix_audit_entries_action_created', 'action', 'created_at'),
                    index('ix_audit_entries_actor_created', 'actor_id', 'created_at'),
                    index('ix_audit_entries_council', 'council_id'),
                    index('ix_audit_entries_created', 'created_at', 'id'),
                    index('ix_audit_entries_target', 'target_type', 'target_id')]),
        Table('site_pages', (
            sa.Column('slug', sa.String(length=20), nullable=False),
            sa.Column('body', sa.Text(), nullable=False),
            timestamp('updated_at'),
            ref('updated_by_id', 'users', 'SET NULL'),
        ), primary_key=('slug',), checks={'slug': "slug IN ('privacy', 'imprint')"}),
        Table('suspensions', (
            ref('user_id', 'users', 'CASCADE'),
            timestamp('until', nullable=True),
            sa.Column('reason', sa.String(length=1000), nullable=False),
            ref('by_id', 'users', 'SET NULL'),
            timestamp(),
            timestamp('lifted_at', nullable=True),
            ref('lifted_by_id', 'users', 'SET NULL'),
        ), indexes=[index('ix_suspensions_created', 'created_at'),
                    index('ix_suspensions_user_created', 'user_id', 'created_at')]),
        Table('moderation_decisions', (
            sa.Column('target_type', sa.String(length=20), nullable=False),
            sa.Column('target_id', sa.Integer(), nullable=False),
            ref('council_id', 'councils', 'SET NULL'),
            sa.Column('action', sa.String(length=10), nullable=False),
            sa.Column('reason', sa.String(length=1000), nullable=False),
            ref('actor_id', 'users', 'SET NULL'),
            timestamp(),
        ), checks={
            'action': "action IN ('auto_hide', 'hide', 'restore', 'dismiss')",
            'target_type': "target_type IN ('proposal', 'comment', 'message')",
        }, indexes=[index('ix_moderation_decisions_created', 'created_at'),
                    index('ix_moderation_decisions_target', 'target_type', 'target_id', 'created_at')]),
        Table('reports', (
            ref('reporter_id', 'users', 'CASCADE'),
            sa.Column('target_type', sa.String(length=20), nullable=False),
            sa.Column('target_id', sa.Integer(), nullable=False),
            ref('council_id', 'councils', 'SET NULL'),
            sa.Column('reason', sa.String(length=1000), nullable=False),
            sa.Column('status', sa.String(length=10), nullable=False),
            timestamp(),
            timestamp('resolved_at', nullable=True),
        ), checks={
            'status': "status IN ('open', 'upheld', 'dismissed')",
            'target_type': "target_type IN ('proposal', 'comment', 'message')",
        }, unique=[('reporter_id', 'target_type', 'target_id')],
            indexes=[index('ix_reports_council_status', 'council_id', 'status'),
                     index('ix_reports_reporter', 'reporter_id'),
                     index('ix_reports_status_created', 'status', 'created_at'),
                     index('ix_reports_target_status', 'target_type', 'target_id', 'status')]),
    ]


HIDEABLE = ('proposal_comments', 'proposals')  # content moderators hide: who, when and why


def upgrade():
    audit_entries, *rest = tables()
    audit_entries.create()
    for statement in _audit_triggers():
        op.execute(statement)
    create_tables(rest)
    for table in HIDEABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(timestamp('hidden_at', nullable=True))
            batch_op.add_column(sa.Column('hidden_reason', sa.String(length=1000), nullable=True))
            batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f(f'fk_{table}_hidden_by_id_users'), 'users', ['hidden_by_id'], ['id'],
                                        ondelete='SET NULL')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(timestamp('suspended_until', nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('suspended_until')
    for table in reversed(HIDEABLE):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'fk_{table}_hidden_by_id_users'), type_='foreignkey')
            batch_op.drop_column('hidden_by_id')
            batch_op.drop_column('hidden_reason')
            batch_op.drop_column('hidden_at')
    drop_tables(tables())
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
