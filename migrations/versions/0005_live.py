"""live
"""
import sqlalchemy as sa

from revision_helpers import Table, index, ref, timestamp

revision = '0005'
down_revision = '0003'


def live_messages():
    return Table('live_messages', (
        sa.Column('room', sa.String(length=120), nullable=False),
        ref('author_id', 'users', 'SET NULL'),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=True),
        timestamp(),
        timestamp('hidden_at', nullable=True),
        sa.Column('hidden_reason', sa.String(length=500), nullable=True),
        ref('hidden_by_id', 'users', 'SET NULL'),
    ), unique=[('author_id', 'client_id')], indexes=[index('ix_live_messages_room_id', 'room', 'id')])


def upgrade():
    live_messages().create()


def downgrade():
    live_messages().drop()
