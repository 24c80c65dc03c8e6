"""files: documents on meetings (and their agenda items) and on proposals

Revision ID: 0012_files
Revises: 0010_search_repair
Create Date: 2026-12-07 06:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0012_files'
down_revision = '0010_search_repair'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(meeting_id IS NULL) <> (proposal_id IS NULL)', name=op.f('ck_files_one_owner')),
    sa.CheckConstraint('agenda_item_id IS NULL OR meeting_id IS NOT NULL', name=op.f('ck_files_item_of_meeting')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_files_size')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_files_agenda_item_id_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_files_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_files_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_files'))
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_files_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_files_uploaded_by_id'), ['uploaded_by_id'], unique=False)
        batch_op.create_index('ix_files_meeting', ['meeting_id'], unique=False)
        batch_op.create_index('ix_files_proposal', ['proposal_id'], unique=False)
        batch_op.create_index('ix_files_sha256', ['sha256'], unique=False)


def downgrade():
    op.drop_table('files')
