"""Meetings of the forum, the Smart-City-Board and the councils: agenda, revisions, followers, minutes.

A meeting with `council_id` NULL belongs to the Smart-City-Forum itself (kind "forum"); otherwise it
belongs to that council (the Smart-City-Board is just a private council) and follows its visibility.
Times are stored as naive UTC.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User, _in
from ..councils.models import Council
from ..database import utcnow
from ..extensions import db
from ..proposals.models import Proposal

# draft → published → live → ended; published/live → cancelled.
STATUSES = ("draft", "published", "live", "ended", "cancelled")
PUBLIC_STATUSES = ("published", "live", "ended", "cancelled")
# The agenda can still change (as revisions once published) in these states.
AGENDA_OPEN = ("draft", "published", "live")
MAX_DURATION_MINUTES = 600

agenda_item_proposals = Table(
    "agenda_item_proposals",
    db.metadata,
    Column("agenda_item_id", Integer, ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", Integer, ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_agenda_item_proposals_proposal", "proposal_id"),
)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("attendance_count IS NULL OR attendance_count >= 0", name="attendance_count"),
        CheckConstraint("sequence >= 0", name="sequence"),
        Index("ix_meetings_status_starts", "status", "starts_at"),
        Index("ix_meetings_council_starts", "council_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # A council's meetings go with it: they must never become forum-wide (public) meetings.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    current_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL", use_alter=True, name="fk_meetings_current_item_id"))
    current_item_started_at: Mapped[datetime | None]
    # iCalendar SEQUENCE: raised with every revision after publishing.
    sequence: Mapped[int] = mapped_column(default=0)
    followers_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    live_started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_published_at: Mapped[datetime | None]
    attendance_count: Mapped[int | None]
    # Free text, one organisation per line.
    attendance_organisations: Mapped[str | None] = mapped_column(Text)

    council: Mapped[Council | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position",
        foreign_keys="AgendaItem.meeting_id")
    current_item: Mapped["AgendaItem | None"] = relationship(foreign_keys=[current_item_id], post_update=True)
    revisions: Mapped[list["MeetingRevision"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="MeetingRevision.id.desc()")

    @property
    def kind(self) -> str:
        """'forum' for the forum's own meetings, 'council' for a council's (the board included)."""
        return "forum" if self.council_id is None else "council"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_live(self) -> bool:
        return self.status == "live"

    @property
    def has_minutes(self) -> bool:
        return self.minutes_published_at is not None

    @property
    def organisations_list(self) -> list[str]:
        return [line.strip() for line in (self.attendance_organisations or "").splitlines() if line.strip()]

    @property
    def planned_minutes(self) -> int:
        return sum(item.duration_minutes or 0 for item in self.items)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.status}>"


class AgendaItem(db.Model):
    """One TOP. `position` is 1, 2, … within its meeting (unique)."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "position"),
        CheckConstraint(f"duration_minutes IS NULL OR (duration_minutes > 0 AND duration_minutes <= "
                        f"{MAX_DURATION_MINUTES})", name="duration_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int | None]
    presenter: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    proposals: Mapped[list[Proposal]] = relationship(secondary=agenda_item_proposals, order_by=Proposal.id)

    def __repr__(self) -> str:
        return f"<AgendaItem {self.meeting_id}/{self.position}>"


MAX_SUMMARY = 1000


class MeetingRevision(db.Model):
    """A human-readable change made after publishing ("TOP 3 hinzugefügt: …").

    `params` holds what to say (`{"summary": …}` as forum/notifications/messages.py freezes it),
    rendered in the reader's language by `summary_in`; `summary` keeps the German text (all that
    revisions written before `params` have)."""

    __tablename__ = "meeting_revisions"
    __table_args__ = (Index("ix_meeting_revisions_meeting_created", "meeting_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    summary: Mapped[str] = mapped_column(String(MAX_SUMMARY))
    params: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="revisions")
    actor: Mapped[User | None] = relationship()

    def summary_in(self, language: str) -> str:
        """The change in `language` (within an app context), as long as `summary` may be."""
        from ..notifications.messages import render

        return render(self.params["summary"], language)[:MAX_SUMMARY] if self.params else self.summary


class MeetingFollow(db.Model):
    """Someone who wants to hear about changes to a meeting."""

    __tablename__ = "meeting_follows"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
