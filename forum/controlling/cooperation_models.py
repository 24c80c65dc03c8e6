"""Cooperation requests from businesses and other outside partners, and the office's replies."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User, _in
from ..database import utcnow
from ..extensions import db

REQUEST_STATUSES = ("new", "in_progress", "answered", "closed")
REQUEST_TOPICS = ("mobility", "infrastructure", "open_data", "administration", "research", "other")


class CooperationRequest(db.Model):
    """A request in the office's queue. The requester sees it and its replies; staff handle it."""

    __tablename__ = "cooperation_requests"
    __table_args__ = (
        CheckConstraint(_in("status", REQUEST_STATUSES), name="status"),
        CheckConstraint(_in("topic", REQUEST_TOPICS), name="topic"),
        Index("ix_cooperation_requests_status_created", "status", "created_at"),
        Index("ix_cooperation_requests_requester", "requester_id", "created_at"),
        Index("ix_cooperation_requests_assignee", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    replies: Mapped[list["CooperationReply"]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="(CooperationReply.created_at, CooperationReply.id)")

    @property
    def is_open(self) -> bool:
        return self.status in ("new", "in_progress")


class CooperationReply(db.Model):
    __tablename__ = "cooperation_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("cooperation_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[CooperationRequest] = relationship(back_populates="replies")
    author: Mapped[User | None] = relationship()
