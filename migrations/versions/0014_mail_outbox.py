"""mail: the outbox (mails written with the change that causes them, sent by the worker), each
person's language, notices stored as what to say (kind, category, params), notification settings,
digests and their schedule
"""
from alembic import op
import sqlalchemy as sa

from revision_helpers import Table, create_tables, drop_tables, index, ref, timestamp

revision = '0014_mail'
down_revision = '0013_deploy'


def tables():
    return [
        Table('mail_outbox', (
            ref('user_id', 'users', 'CASCADE', nullable=True),
            sa.Column('kind', sa.String(length=20), nullable=False),
            sa.Column('params', sa.JSON(), nullable=True),
            sa.Column('to_addr', sa.String(length=254), nullable=False),
            sa.Column('subject', sa.String(length=300), nullable=False),
            sa.Column('body', sa.Text(), nullable=False),
            sa.Column('language', sa.String(length=2), nullable=True),
            sa.Column('status', sa.String(length=10), nullable=False),
            sa.Column('attempts', sa.Integer(), nullable=False),
            timestamp('next_attempt_at'),
            timestamp(),
            timestamp('sent_at', nullable=True),
            sa.Column('last_error', sa.String(length=300), nullable=True),
        ), checks={'status': "status IN ('pending', 'sent', 'failed')"},
            indexes=[index('ix_mail_outbox_status_due', 'status', 'next_attempt_at'),
                     index('ix_mail_outbox_user', 'user_id')]),
        Table('notification_settings', (
            ref('user_id', 'users', 'CASCADE'),
            sa.Column('category', sa.String(length=20), nullable=False),
            sa.Column('mode', sa.String(length=10), nullable=False),
        ), primary_key=('user_id', 'category'),
            checks={'mode': "mode IN ('off', 'instant', 'daily', 'weekly')"}),
        Table('mail_schedule', (
            sa.Column('name', sa.String(length=20), nullable=False),
            timestamp('last_run'),
        ), primary_key=('name',)),
    ]


def upgrade():
    mail_outbox, *settings = tables()
    mail_outbox.create()

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=True))

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('category', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.String(length=10), nullable=True))
        batch_op.create_index('ix_notifications_digest', ['digest', 'user_id'], unique=False)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)

    create_tables(settings)


def downgrade():
    mail_outbox, *settings = tables()
    drop_tables(settings)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_digest')
        batch_op.drop_column('digest')
        batch_op.drop_column('params')
        batch_op.drop_column('category')
        batch_op.drop_column('kind')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
    mail_outbox.drop()
