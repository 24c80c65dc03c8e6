"""The criteria catalogue (versioned), appointed evaluators and their scores."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db


class CriteriaCatalogue(db.Model):
    """One version of the catalogue. Versions are never edited: a change makes a new version,
    so scores given against an old version keep the weights and scales they were given with."""

    __tablename__ = "criteria_catalogues"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="catalogue", cascade="all, delete-orphan", order_by="Criterion.position")
    created_by: Mapped[User | None] = relationship()

    @property
    def total_weight(self) -> int:
        return sum(c.weight for c in self.criteria)


class Criterion(db.Model):
    """A named criterion with a weight and an integer scale. `inverted` criteria (e.g. cost) count
    a low value as good: the value is mirrored on the scale before it is weighted."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("catalogue_id", "name"),
        UniqueConstraint("catalogue_id", "position"),
        UniqueConstraint("id", "catalogue_id"),  # target of the scores' composite key
        CheckConstraint("weight >= 1 AND weight <= 100", name="weight"),
        CheckConstraint("scale_min >= 0 AND scale_max > scale_min AND scale_max <= 100", name="scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("criteria_catalogues.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    weight: Mapped[int]
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    inverted: Mapped[bool] = mapped_column(default=False)

    catalogue: Mapped[CriteriaCatalogue] = relationship(back_populates="criteria")

    def normalise(self, value: int) -> float:
        """The value on 0…1, where 1 is always the best end of the scale."""
        share = (value - self.scale_min) / (self.scale_max - self.scale_min)
        return 1.0 - share if self.inverted else share


class Evaluator(db.Model):
    """A person appointed by the chair or managing director to score projects and proposals."""

    __tablename__ = "evaluators"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Score(db.Model):
    """One evaluator's value and justification for one criterion of one subject (a project or a
    proposal). The criterion fixes the catalogue version; the composite key keeps both in step."""

    __tablename__ = "scores"
    __table_args__ = (
        ForeignKeyConstraint(["criterion_id", "catalogue_id"], ["criteria.id", "criteria.catalogue_id"],
                             ondelete="CASCADE", name="fk_scores_criterion_catalogue"),
        CheckConstraint("(project_id IS NULL) <> (proposal_id IS NULL)", name="one_subject"),
        CheckConstraint("value >= 0 AND value <= 100", name="value"),
        UniqueConstraint("evaluator_id", "criterion_id", "project_id"),
        UniqueConstraint("evaluator_id", "criterion_id", "proposal_id"),
        Index("ix_scores_catalogue_project", "catalogue_id", "project_id"),
        Index("ix_scores_catalogue_proposal", "catalogue_id", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    catalogue_id: Mapped[int] = mapped_column(ForeignKey("criteria_catalogues.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column()
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    value: Mapped[int]
    justification: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    criterion: Mapped[Criterion] = relationship(foreign_keys="Score.criterion_id",
                                                primaryjoin="Score.criterion_id == Criterion.id", viewonly=True)
    evaluator: Mapped[User] = relationship(foreign_keys=[evaluator_id])
