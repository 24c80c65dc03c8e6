"""ops
"""
import sqlalchemy as sa

from revision_helpers import Table, timestamp

revision = '0009'
down_revision = '0008'


def account_deletions():
    return Table('account_deletions', (
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        timestamp('deleted_at'),
    ), primary_key=('user_id',))


def upgrade():
    account_deletions().create()


def downgrade():
    account_deletions().drop()
