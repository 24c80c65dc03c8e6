"""Moderation models: reports and decisions, suspensions and editable site pages (the audit log is
forum/audit.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User, _in
from ..audit import REASON_MAX
from ..database import utcnow
from ..extensions import db

TARGET_KINDS = ("proposal", "comment", "message")
DECISIONS = ("auto_hide", "hide", "restore", "dismiss")
REPORT_STATUSES = ("open", "upheld", "dismissed")
SITE_PAGES = ("privacy", "imprint", "accessibility", "accessibility_en")


class Report(db.Model):
    """A member reports a proposal, comment or live message, once per item."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "target_type", "target_id"),
        CheckConstraint(_in("target_type", TARGET_KINDS), name="target_type"),
        CheckConstraint(_in("status", REPORT_STATUSES), name="status"),
        Index("ix_reports_target_status", "target_type", "target_id", "status"),
        Index("ix_reports_status_created", "status", "created_at"),
        Index("ix_reports_council_status", "council_id", "status"),
        Index("ix_reports_reporter", "reporter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    # The council whose moderators handle it (copied at report time; NULL: forum-wide).
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    reporter: Mapped[User] = relationship()


class ModerationDecision(db.Model):
    """What the moderation did with an item (also an automatic hide at the report threshold).
    The transparency page counts these per month; no names are shown there."""

    __tablename__ = "moderation_decisions"
    __table_args__ = (
        CheckConstraint(_in("target_type", TARGET_KINDS), name="target_type"),
        CheckConstraint(_in("action", DECISIONS), name="action"),
        Index("ix_moderation_decisions_target", "target_type", "target_id", "created_at"),
        Index("ix_moderation_decisions_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Suspension(db.Model):
    """A person may read but not post, vote or join rooms until `until` (NULL: for good) or
    until it is lifted. `User.suspended_until` mirrors the one in force for a cheap check."""

    __tablename__ = "suspensions"
    __table_args__ = (Index("ix_suspensions_user_created", "user_id", "created_at"),
                      Index("ix_suspensions_created", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    until: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_permanent(self) -> bool:
        return self.until is None


class SitePage(db.Model):
    """The privacy notice, the imprint and the accessibility statement (German and English); admins edit the Markdown body."""

    __tablename__ = "site_pages"
    __table_args__ = (CheckConstraint(_in("slug", SITE_PAGES), name="slug"),)

    slug: Mapped[str] = mapped_column(String(20), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

