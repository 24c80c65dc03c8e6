"""projects.origin_proposal_id: the proposal a project was made from

Such a project carries the proposal's title and text, so it is hidden from whoever may not see the
proposal's council, also when the council is made private later. Projects made from a proposal before
this revision are found by the link whose proposal has the project's title and text.
"""
from alembic import op
import sqlalchemy as sa

revision = '0016_project_origin'
down_revision = '0015_oparl'


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_proposal_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_projects_origin_proposal_id'), ['origin_proposal_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_projects_origin_proposal_id_proposals'), 'proposals',
                                    ['origin_proposal_id'], ['id'], ondelete='SET NULL')
    op.execute(
        "UPDATE projects SET origin_proposal_id = (SELECT MIN(pp.proposal_id) FROM project_proposals pp "
        "JOIN proposals p ON p.id = pp.proposal_id WHERE pp.project_id = projects.id "
        "AND p.title = projects.title AND p.body = projects.description)")


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_projects_origin_proposal_id_proposals'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_projects_origin_proposal_id'))
        batch_op.drop_column('origin_proposal_id')
