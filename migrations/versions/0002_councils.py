"""councils
"""
import sqlalchemy as sa

from revision_helpers import Table, index, ref, timestamp

revision = '0002'
down_revision = '0001'


def join_requests():
    pending = sa.text("status = 'pending'")
    return Table('join_requests', (
        ref('council_id', 'councils', 'CASCADE'),
        ref('user_id', 'users', 'CASCADE'),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('message', sa.String(length=1000), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=True),
        timestamp(),
        timestamp('decided_at', nullable=True),
        ref('decided_by_id', 'users', 'SET NULL'),
    ), checks={
        'decided': "(status = 'pending') = (decided_at IS NULL)",
        'status': "status IN ('pending', 'accepted', 'declined')",
    }, indexes=[
        index('ix_join_requests_council_status_created', 'council_id', 'status', 'created_at'),
        index('ix_join_requests_user_council', 'user_id', 'council_id'),
        index('uq_join_requests_one_pending', 'council_id', 'user_id', unique=True,
              sqlite_where=pending, postgresql_where=pending),
    ])


def upgrade():
    join_requests().create()


def downgrade():
    join_requests().drop()
