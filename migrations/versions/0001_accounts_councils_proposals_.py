"""accounts, councils, proposals, notifications
"""
import sqlalchemy as sa

from revision_helpers import Table, create_tables, drop_tables, index, link, ref, timestamp

revision = '0001'
down_revision = None


def tables():
    return [
        Table('users', (
            sa.Column('email', sa.String(length=254), nullable=False),
            sa.Column('name', sa.String(length=120), nullable=False),
            sa.Column('password_hash', sa.String(length=255), nullable=False),
            sa.Column('stakeholder', sa.String(length=20), nullable=False),
            sa.Column('organisation', sa.String(length=200), nullable=True),
            sa.Column('role', sa.String(length=30), nullable=False),
            sa.Column('verification', sa.String(length=20), nullable=False),
            sa.Column('verification_note', sa.String(length=500), nullable=True),
            timestamp('email_confirmed_at', nullable=True),
            timestamp(),
            sa.Column('session_version', sa.Integer(), nullable=False),
        ), checks={
            'role': "role IN ('member', 'managing_director', 'chair', 'admin')",
            'stakeholder': "stakeholder IN ('citizen', 'business', 'research', 'culture', 'association')",
            'verification': "verification IN ('not_required', 'pending', 'verified', 'rejected')",
        }, unique=[('email',)], indexes=[index('ix_users_verification', 'verification')]),
        Table('api_tokens', (
            ref('user_id', 'users', 'CASCADE'),
            sa.Column('digest', sa.String(length=64), nullable=False),
            timestamp(),
            timestamp('last_used_at', nullable=True),
        ), unique=[('digest',)], indexes=[index('ix_api_tokens_user_id', 'user_id')]),
        Table('councils', (
            sa.Column('slug', sa.String(length=80), nullable=False),
            sa.Column('name', sa.String(length=120), nullable=False),
            sa.Column('mandate', sa.String(length=300), nullable=False),
            sa.Column('description', sa.Text(), nullable=False),
            sa.Column('visibility', sa.String(length=10), nullable=False),
            sa.Column('join_policy', sa.String(length=10), nullable=False),
            timestamp('archived_at', nullable=True),
            timestamp(),
            ref('created_by_id', 'users', 'SET NULL'),
            sa.Column('members_count', sa.Integer(), nullable=False),
        ), checks={
            'join_policy': "join_policy IN ('open', 'request', 'appointed')",
            'visibility': "visibility IN ('public', 'private')",
        }, unique=[('slug',)], indexes=[index('ix_councils_visibility', 'visibility')]),
        Table('notifications', (
            ref('user_id', 'users', 'CASCADE'),
            sa.Column('subject', sa.String(length=200), nullable=False),
            sa.Column('body', sa.String(length=1000), nullable=False),
            sa.Column('url', sa.String(length=300), nullable=True),
            timestamp(),
            timestamp('read_at', nullable=True),
        ), indexes=[index('ix_notifications_user_created', 'user_id', 'created_at')]),
        link('memberships', ref('council_id', 'councils', 'CASCADE'), ref('user_id', 'users', 'CASCADE'),
             sa.Column('role', sa.String(length=10), nullable=False),
             timestamp(),
             checks={'role': "role IN ('member', 'moderator')"}),
        Table('proposals', (
            sa.Column('title', sa.String(length=200), nullable=False),
            sa.Column('body', sa.Text(), nullable=False),
            sa.Column('status', sa.String(length=20), nullable=False),
            ref('council_id', 'councils', 'SET NULL'),
            ref('author_id', 'users', 'SET NULL'),
            timestamp(),
            timestamp('updated_at'),
            timestamp('published_at', nullable=True),
            sa.Column('votes_for', sa.Integer(), nullable=False),
            sa.Column('votes_against', sa.Integer(), nullable=False),
            sa.Column('votes_abstain', sa.Integer(), nullable=False),
            sa.Column('comments_count', sa.Integer(), nullable=False),
            sa.Column('response', sa.Text(), nullable=True),
            timestamp('responded_at', nullable=True),
            ref('responded_by_id', 'users', 'SET NULL'),
        ), checks={'status': "status IN ('draft', 'published', 'voting', 'accepted', 'rejected', "
                             "'implementing', 'done', 'withdrawn')"},
            indexes=[index('ix_proposals_author_id', 'author_id'),
                     index('ix_proposals_council_created', 'council_id', 'created_at'),
                     index('ix_proposals_status_created', 'status', 'created_at')]),
    ]


def upgrade():
    create_tables(tables())


def downgrade():
    drop_tables(tables())
