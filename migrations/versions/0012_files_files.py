"""files: documents on meetings (and their agenda items) and on proposals
"""
from alembic import op
import sqlalchemy as sa

from revision_helpers import Table, index, ref, timestamp

revision = '0012_files'
down_revision = '0010_search_repair'


def upgrade():
    Table('files', (
        ref('meeting_id', 'meetings', 'CASCADE', nullable=True),
        ref('agenda_item_id', 'agenda_items', 'SET NULL'),
        ref('proposal_id', 'proposals', 'CASCADE', nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        ref('uploaded_by_id', 'users', 'SET NULL'),
        timestamp(),
        timestamp('updated_at'),
    ), checks={
        'one_owner': '(meeting_id IS NULL) <> (proposal_id IS NULL)',
        'item_of_meeting': 'agenda_item_id IS NULL OR meeting_id IS NOT NULL',
        'size': 'size >= 0',
    }, indexes=[index('ix_files_agenda_item_id', 'agenda_item_id'),
                index('ix_files_uploaded_by_id', 'uploaded_by_id'),
                index('ix_files_meeting', 'meeting_id'),
                index('ix_files_proposal', 'proposal_id'),
                index('ix_files_sha256', 'sha256')]).create()


def downgrade():
    op.drop_table('files')  # its indexes with it
