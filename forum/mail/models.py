"""One mail waiting in (or gone through) the outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import utcnow
from ..extensions import db

STATUSES = ("pending", "sent", "failed")


class OutboxMail(db.Model):
    """Written in the transaction of the change that causes the mail; sent by the worker
    (forum/mail/worker.py). `kind` names how it is rendered at sending time: `plain` mails carry
    their text; other kinds are rendered by a registered renderer from `params`, in the
    recipient's language then (forum/mail/render.py)."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        Index("ix_mail_outbox_status_due", "status", "next_attempt_at"),
        Index("ix_mail_outbox_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="plain")
    params: Mapped[dict | None] = mapped_column(JSON)
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
