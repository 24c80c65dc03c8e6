"""A notice for one person, and how each person wants to hear of each kind."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import utcnow
from ..extensions import db


class Notification(db.Model):
    """`params` holds what to say (`{"subject", "body"}` as forum/notifications/messages.py freezes
    them), rendered in the reader's language when shown or mailed; `subject`/`body` hold the text
    of notices written before that. `digest` is "daily"/"weekly" while the notice waits for the
    person's next digest mail (forum/notifications/digests.py)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),
                      Index("ix_notifications_digest", "digest", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(String(1000), default="")
    kind: Mapped[str] = mapped_column(String(60), default="")
    category: Mapped[str | None] = mapped_column(String(20))
    params: Mapped[dict | None] = mapped_column(JSON)
    digest: Mapped[str | None] = mapped_column(String(10))
    url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    def subject_in(self, language: str) -> str:
        from .messages import render

        return render(self.params["subject"], language) if self.params else self.subject

    def body_in(self, language: str) -> str:
        from .messages import render

        return render(self.params.get("body"), language) if self.params else self.body


class NotificationSetting(db.Model):
    """A person's choice for one category (forum/notifications/settings.py); no row: the default."""

    __tablename__ = "notification_settings"
    __table_args__ = (CheckConstraint("mode IN ('off', 'instant', 'daily', 'weekly')", name="mode"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    mode: Mapped[str] = mapped_column(String(10))


class MailSchedule(db.Model):
    """When a scheduled mail job (the daily and the weekly digest) last ran: one row per job."""

    __tablename__ = "mail_schedule"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_run: Mapped[datetime]
