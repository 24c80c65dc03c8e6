"""What the revisions in versions/ have in common: the integer key, timestamps, foreign keys and
constraints named as the models' naming convention names them, and tables created (and dropped)
together with their indexes. alembic.ini puts this folder on sys.path (`prepend_sys_path`), so a
revision imports it as `revision_helpers`.

Frozen like the revisions themselves: a revision must build the same schema forever, so nothing a
revision already uses may change here (add a new function instead). The DDL these helpers emit is
statement for statement what Alembic's autogenerate wrote before: the constraints of a table in its
order (CHECKs, then foreign keys by column, then UNIQUEs), its indexes created in the order given and
dropped in the reverse one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from alembic import op


def timestamp(name: str = 'created_at', nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=nullable)


@dataclass(frozen=True)
class Ref:
    """An integer column referring to `<target>.id`; see `ref`."""
    name: str
    target: str
    ondelete: str
    nullable: bool


def ref(name: str, target: str, ondelete: str, nullable: bool | None = None) -> Ref:
    """An integer column with a foreign key to `<target>.id`, named fk_<table>_<column>_<target>.
    Nullable where ON DELETE SET NULL needs it, NOT NULL otherwise unless `nullable` says so."""
    return Ref(name, target, ondelete, ondelete == 'SET NULL' if nullable is None else nullable)


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool = False
    options: dict = field(default_factory=dict)  # dialect options, e.g. sqlite_where


def index(name: str, *columns: str, unique: bool = False, **options) -> Index:
    return Index(name, columns, unique, options)


@dataclass
class Table:
    """A table a revision creates: columns (or `ref`s) in order, after the integer `id` column where
    that is the primary key (the default); CHECKs as {name suffix: condition}, UNIQUE column groups,
    more foreign keys (composite ones, as sa.ForeignKeyConstraint keywords), and its indexes.
    Build it in a function, not at import: a column belongs to one table only, and a revision may
    run several times in one process (tests)."""
    name: str
    columns: tuple
    primary_key: tuple[str, ...] = ('id',)
    checks: dict[str, str] = field(default_factory=dict)
    unique: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[dict, ...] = ()
    indexes: tuple[Index, ...] = ()

    def create(self) -> None:
        columns = [sa.Column(c.name, sa.Integer(), nullable=c.nullable) if isinstance(c, Ref) else c
                   for c in self.columns]
        if self.primary_key == ('id',):
            columns.insert(0, sa.Column('id', sa.Integer(), nullable=False))
        checks = [sa.CheckConstraint(condition, name=op.f(f'ck_{self.name}_{suffix}'))
                  for suffix, condition in self.checks.items()]
        references = [dict(columns=[c.name], refcolumns=[f'{c.target}.id'],
                           name=op.f(f'fk_{self.name}_{c.name}_{c.target}'), ondelete=c.ondelete)
                      for c in self.columns if isinstance(c, Ref)]
        # Created in the order autogenerate wrote them (by column), as the DDL lists them that way.
        foreign_keys = [sa.ForeignKeyConstraint(**fk) for fk in
                        sorted([*references, *self.foreign_keys], key=lambda fk: fk['columns'])]
        unique = [sa.UniqueConstraint(*group, name=op.f(f"uq_{self.name}_{'_'.join(group)}"))
                  for group in self.unique]
        op.create_table(self.name, *columns, *checks, *foreign_keys,
                        sa.PrimaryKeyConstraint(*self.primary_key, name=op.f(f'pk_{self.name}')), *unique)
        for ix in self.indexes:
            op.create_index(ix.name, self.name, list(ix.columns), unique=ix.unique, **ix.options)

    def drop(self) -> None:
        for ix in reversed(self.indexes):
            op.drop_index(ix.name, table_name=self.name, **ix.options)
        op.drop_table(self.name)


def link(name: str, first: Ref, second: Ref, *columns, **table) -> Table:
    """A table that links two rows once per pair (UNIQUE on both), with an index for finding the
    links of the second row (the UNIQUE's own index serves the first)."""
    return Table(name, (first, second, *columns), unique=[(first.name, second.name)],
                 indexes=[index(f'ix_{name}_{second.name}', second.name)], **table)


def follows(name: str, subject: str, target: str) -> Table:
    """Who follows what (`subject` referring to `target`), since when: a `link` to the person."""
    return link(name, ref(subject, target, 'CASCADE'), ref('user_id', 'users', 'CASCADE'), timestamp())


def create_tables(tables) -> None:
    for table in tables:
        table.create()


def drop_tables(tables) -> None:
    """Drops what `create_tables(tables)` created, in the reverse order."""
    for table in reversed(tables):
        table.drop()
