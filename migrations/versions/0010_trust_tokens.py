"""trust: API tokens get a recognisable prefix and an optional label
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_trust_tokens'
down_revision = '0007'


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prefix', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('label', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('label')
        batch_op.drop_column('prefix')
