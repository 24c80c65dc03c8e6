"""accessibility statement: two more editable site pages (German and English)

`site_pages.slug` may now also be `accessibility` (Erklärung zur Barrierefreiheit) and
`accessibility_en` (its English version). Only the CHECK constraint changes; on SQLite batch mode
copies the table (it has no triggers to lose).
"""
from alembic import op

revision = '0013_deploy'
down_revision = '0012_files'

OLD = "slug IN ('privacy', 'imprint')"
NEW = "slug IN ('privacy', 'imprint', 'accessibility', 'accessibility_en')"


def _swap(condition: str) -> None:
    with op.batch_alter_table('site_pages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_site_pages_slug'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_site_pages_slug'), condition)


def upgrade():
    _swap(NEW)


def downgrade():
    op.execute("DELETE FROM site_pages WHERE slug IN ('accessibility', 'accessibility_en')")
    _swap(OLD)
