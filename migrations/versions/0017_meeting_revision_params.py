"""meetings: meeting_revisions.params, a change stored as what to say

A revision's summary is kept as its message ids and parameters (as notices are) and shown in each
reader's language; revisions written before keep only their German `summary` text.
"""
from alembic import op
import sqlalchemy as sa

revision = '0017_revision_params'
down_revision = '0016_project_origin'


def upgrade():
    with op.batch_alter_table('meeting_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting_revisions', schema=None) as batch_op:
        batch_op.drop_column('params')
