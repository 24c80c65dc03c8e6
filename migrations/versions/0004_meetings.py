"""meetings
"""
from alembic import op
import sqlalchemy as sa

from revision_helpers import Table, create_tables, drop_tables, follows, index, ref, timestamp

revision = '0004'
down_revision = '0002'


def tables():
    return [
        Table('meetings', (
            sa.Column('title', sa.String(length=200), nullable=False),
            sa.Column('description', sa.Text(), nullable=False),
            ref('council_id', 'councils', 'CASCADE', nullable=True),
            timestamp('starts_at'),
            timestamp('ends_at'),
            sa.Column('location', sa.String(length=300), nullable=False),
            sa.Column('online_url', sa.String(length=500), nullable=True),
            sa.Column('status', sa.String(length=20), nullable=False),
            sa.Column('current_item_id', sa.Integer(), nullable=True),  # its foreign key: see upgrade()
            timestamp('current_item_started_at', nullable=True),
            sa.Column('sequence', sa.Integer(), nullable=False),
            sa.Column('followers_count', sa.Integer(), nullable=False),
            ref('created_by_id', 'users', 'SET NULL'),
            timestamp(),
            timestamp('updated_at'),
            timestamp('published_at', nullable=True),
            timestamp('live_started_at', nullable=True),
            timestamp('ended_at', nullable=True),
            timestamp('cancelled_at', nullable=True),
            sa.Column('minutes', sa.Text(), nullable=True),
            timestamp('minutes_published_at', nullable=True),
            sa.Column('attendance_count', sa.Integer(), nullable=True),
            sa.Column('attendance_organisations', sa.Text(), nullable=True),
        ), checks={
            'status': "status IN ('draft', 'published', 'live', 'ended', 'cancelled')",
            'attendance_count': 'attendance_count IS NULL OR attendance_count >= 0',
            'ends_after_start': 'ends_at > starts_at',
            'sequence': 'sequence >= 0',
        }, indexes=[index('ix_meetings_council_starts', 'council_id', 'starts_at'),
                    index('ix_meetings_created_by_id', 'created_by_id'),
                    index('ix_meetings_status_starts', 'status', 'starts_at')]),
        Table('agenda_items', (
            ref('meeting_id', 'meetings', 'CASCADE'),
            sa.Column('position', sa.Integer(), nullable=False),
            sa.Column('title', sa.String(length=200), nullable=False),
            sa.Column('description', sa.Text(), nullable=False),
            sa.Column('duration_minutes', sa.Integer(), nullable=True),
            sa.Column('presenter', sa.String(length=200), nullable=True),
            sa.Column('outcome', sa.Text(), nullable=True),
            timestamp('started_at', nullable=True),
        ), checks={'duration_minutes': 'duration_minutes IS NULL OR (duration_minutes > 0 AND duration_minutes <= 600)'},
            unique=[('meeting_id', 'position')]),
        follows('meeting_follows', 'meeting_id', 'meetings'),
        Table('meeting_revisions', (
            ref('meeting_id', 'meetings', 'CASCADE'),
            ref('actor_id', 'users', 'SET NULL'),
            sa.Column('summary', sa.String(length=1000), nullable=False),
            timestamp(),
        ), indexes=[index('ix_meeting_revisions_actor_id', 'actor_id'),
                    index('ix_meeting_revisions_meeting_created', 'meeting_id', 'created_at')]),
        Table('agenda_item_proposals', (
            ref('agenda_item_id', 'agenda_items', 'CASCADE'),
            ref('proposal_id', 'proposals', 'CASCADE'),
        ), primary_key=('agenda_item_id', 'proposal_id'),
            indexes=[index('ix_agenda_item_proposals_proposal', 'proposal_id')]),
    ]


def upgrade():
    meetings, agenda_items, *rest = tables()
    create_tables([meetings, agenda_items])
    # meetings.current_item_id → agenda_items is a cycle: added once both tables exist
    # (batch mode, so SQLite recreates the table with the constraint).
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_meetings_current_item_id', 'agenda_items', ['current_item_id'], ['id'],
                                    ondelete='SET NULL')
    create_tables(rest)


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint('fk_meetings_current_item_id', type_='foreignkey')
    drop_tables(tables())
