"""oparl: users.public_listing, the consent to be named in the OParl interface

A person is listed as an OParl `Person` (with their council memberships as `Membership`) only when
they agreed on their profile page; council moderators of public councils are listed by name anyway.
"""
from alembic import op
import sqlalchemy as sa

revision = '0015_oparl'
down_revision = '0014_mail'


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_listing', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('public_listing')
