"""controlling
"""
import sqlalchemy as sa

from revision_helpers import Table, create_tables, drop_tables, index, link, ref, timestamp

revision = '0008'
down_revision = '0005'


def tables():
    return [
        Table('cooperation_requests', (
            ref('requester_id', 'users', 'CASCADE'),
            sa.Column('topic', sa.String(length=20), nullable=False),
            sa.Column('organisation', sa.String(length=200), nullable=False),
            sa.Column('message', sa.Text(), nullable=False),
            sa.Column('status', sa.String(length=12), nullable=False),
            ref('assignee_id', 'users', 'SET NULL'),
            timestamp(),
            timestamp('updated_at'),
        ), checks={
            'status': "status IN ('new', 'in_progress', 'answered', 'closed')",
            'topic': "topic IN ('mobility', 'infrastructure', 'open_data', 'administration', 'research', 'other')",
        }, indexes=[index('ix_cooperation_requests_assignee', 'assignee_id', 'status'),
                    index('ix_cooperation_requests_requester', 'requester_id', 'created_at'),
                    index('ix_cooperation_requests_status_created', 'status', 'created_at')]),
        Table('criteria_catalogues', (
            sa.Column('version', sa.Integer(), nullable=False),
            sa.Column('note', sa.String(length=500), nullable=False),
            timestamp(),
            ref('created_by_id', 'users', 'SET NULL'),
        ), checks={'version': 'version >= 1'}, unique=[('version',)]),
        Table('evaluators', (
            ref('user_id', 'users', 'CASCADE'),
            ref('appointed_by_id', 'users', 'SET NULL'),
            timestamp(),
        ), unique=[('user_id',)]),
        Table('projects', (
            sa.Column('title', sa.String(length=200), nullable=False),
            sa.Column('description', sa.Text(), nullable=False),
            sa.Column('department', sa.String(length=200), nullable=False),
            sa.Column('status', sa.String(length=10), nullable=False),
            sa.Column('visibility', sa.String(length=10), nullable=False),
            sa.Column('budget_eur', sa.Integer(), nullable=True),
            sa.Column('spent_eur', sa.Integer(), nullable=False),
            sa.Column('start_date', sa.Date(), nullable=True),
            sa.Column('end_date', sa.Date(), nullable=True),
            timestamp(),
            timestamp('updated_at'),
            ref('created_by_id', 'users', 'SET NULL'),
        ), checks={
            'status': "status IN ('idea', 'planned', 'running', 'done', 'stopped')",
            'visibility': "visibility IN ('public', 'internal')",
            'budget': 'budget_eur IS NULL OR budget_eur >= 0',
            'dates': 'end_date IS NULL OR start_date IS NULL OR end_date >= start_date',
            'spent': 'spent_eur >= 0',
        }, indexes=[index('ix_projects_department', 'department'),
                    index('ix_projects_visibility_status', 'visibility', 'status')]),
        Table('cooperation_replies', (
            ref('request_id', 'cooperation_requests', 'CASCADE'),
            ref('author_id', 'users', 'SET NULL'),
            sa.Column('body', sa.Text(), nullable=False),
            timestamp(),
        ), indexes=[index('ix_cooperation_replies_request_id', 'request_id')]),
        Table('criteria', (
            ref('catalogue_id', 'criteria_catalogues', 'CASCADE'),
            sa.Column('position', sa.Integer(), nullable=False),
            sa.Column('name', sa.String(length=120), nullable=False),
            sa.Column('description', sa.String(length=500), nullable=False),
            sa.Column('weight', sa.Integer(), nullable=False),
            sa.Column('scale_min', sa.Integer(), nullable=False),
            sa.Column('scale_max', sa.Integer(), nullable=False),
            sa.Column('inverted', sa.Boolean(), nullable=False),
        ), checks={
            'scale': 'scale_min >= 0 AND scale_max > scale_min AND scale_max <= 100',
            'weight': 'weight >= 1 AND weight <= 100',
        }, unique=[('catalogue_id', 'name'), ('catalogue_id', 'position'), ('id', 'catalogue_id')]),
        Table('milestones', (
            ref('project_id', 'projects', 'CASCADE'),
            sa.Column('title', sa.String(length=200), nullable=False),
            sa.Column('due_date', sa.Date(), nullable=False),
            sa.Column('done_on', sa.Date(), nullable=True),
        ), indexes=[index('ix_milestones_open_due', 'done_on', 'due_date'),
                    index('ix_milestones_project_id', 'project_id')]),
        link('project_councils', ref('project_id', 'projects', 'CASCADE'), ref('council_id', 'councils', 'CASCADE')),
        Table('project_partners', (
            ref('project_id', 'projects', 'CASCADE'),
            sa.Column('name', sa.String(length=200), nullable=False),
            sa.Column('kind', sa.String(length=20), nullable=False),
        ), checks={'kind': "kind IN ('business', 'research', 'municipality', 'city_company', 'other')"},
            unique=[('project_id', 'name')]),
        link('project_proposals', ref('project_id', 'projects', 'CASCADE'), ref('proposal_id', 'proposals', 'CASCADE'),
             timestamp()),
        Table('scores', (
            ref('evaluator_id', 'users', 'CASCADE'),
            ref('catalogue_id', 'criteria_catalogues', 'CASCADE'),
            sa.Column('criterion_id', sa.Integer(), nullable=False),
            ref('project_id', 'projects', 'CASCADE', nullable=True),
            ref('proposal_id', 'proposals', 'CASCADE', nullable=True),
            sa.Column('value', sa.Integer(), nullable=False),
            sa.Column('justification', sa.Text(), nullable=False),
            timestamp(),
            timestamp('updated_at'),
        ), checks={
            'one_subject': '(project_id IS NULL) <> (proposal_id IS NULL)',
            'value': 'value >= 0 AND value <= 100',
        }, foreign_keys=[dict(columns=['criterion_id', 'catalogue_id'], refcolumns=['criteria.id', 'criteria.catalogue_id'],
                              name='fk_scores_criterion_catalogue', ondelete='CASCADE')],
            unique=[('evaluator_id', 'criterion_id', 'project_id'), ('evaluator_id', 'criterion_id', 'proposal_id')],
            indexes=[index('ix_scores_catalogue_project', 'catalogue_id', 'project_id'),
                     index('ix_scores_catalogue_proposal', 'catalogue_id', 'proposal_id'),
                     index('ix_scores_evaluator_id', 'evaluator_id')]),
    ]


def upgrade():
    create_tables(tables())


def downgrade():
    drop_tables(tables())
