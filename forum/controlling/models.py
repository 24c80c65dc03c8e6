"""The project portfolio: projects, their partners, milestones and where they came from."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import _in
from ..councils.models import Council
from ..database import utcnow
from ..extensions import db
from ..proposals.models import Proposal

PROJECT_STATUSES = ("idea", "planned", "running", "done", "stopped")
PROJECT_VISIBILITIES = ("public", "internal")
PARTNER_KINDS = ("business", "research", "municipality", "city_company", "other")
BOARD_SLUG = "smart-city-board"


class Project(db.Model):
    """A smart-city project. `internal` projects are seen only by staff and the Smart-City-Board."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(_in("status", PROJECT_STATUSES), name="status"),
        CheckConstraint(_in("visibility", PROJECT_VISIBILITIES), name="visibility"),
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="budget"),
        CheckConstraint("spent_eur >= 0", name="spent"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"),
        Index("ix_projects_visibility_status", "visibility", "status"),
        Index("ix_projects_department", "department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="idea")
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    budget_eur: Mapped[int | None]
    spent_eur: Mapped[int] = mapped_column(default=0)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The proposal the project was made from (`project_from_proposal`): the project carries its title
    # and text, so it is hidden from whoever may not see that proposal's council (visible_project_filter).
    origin_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"), index=True)

    partners: Mapped[list["ProjectPartner"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectPartner.name")
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="(Milestone.due_date, Milestone.id)")
    proposal_links: Mapped[list["ProjectProposal"]] = relationship(
        back_populates="project", cascade="all, delete-orphan")
    council_links: Mapped[list["ProjectCouncil"]] = relationship(
        back_populates="project", cascade="all, delete-orphan")

    @property
    def is_public(self) -> bool:
        return self.visibility == "public"

    @property
    def budget_used_percent(self) -> int | None:
        if not self.budget_eur:
            return None
        return round(100 * self.spent_eur / self.budget_eur)

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.status}>"


class ProjectPartner(db.Model):
    """A business, research institution, other municipality or city company working on a project."""

    __tablename__ = "project_partners"
    __table_args__ = (
        CheckConstraint(_in("kind", PARTNER_KINDS), name="kind"),
        UniqueConstraint("project_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="other")

    project: Mapped[Project] = relationship(back_populates="partners")


class Milestone(db.Model):
    __tablename__ = "milestones"
    __table_args__ = (Index("ix_milestones_open_due", "done_on", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date]
    done_on: Mapped[date | None]

    project: Mapped[Project] = relationship(back_populates="milestones")

    def is_late(self, today: date) -> bool:
        return self.done_on is None and self.due_date < today


class ProjectProposal(db.Model):
    """A proposal a project came from (the link is read from both sides)."""

    __tablename__ = "project_proposals"
    __table_args__ = (UniqueConstraint("project_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="proposal_links")
    proposal: Mapped[Proposal] = relationship()


class ProjectCouncil(db.Model):
    """A council a project came from. Shown only to people who may see that council."""

    __tablename__ = "project_councils"
    __table_args__ = (UniqueConstraint("project_id", "council_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)

    project: Mapped[Project] = relationship(back_populates="council_links")
    council: Mapped[Council] = relationship()
