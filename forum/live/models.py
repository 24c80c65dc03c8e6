"""Messages said in a live room (a council, a proposal or a meeting)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db

MAX_BODY = 2000
MAX_CLIENT_ID = 64
MAX_REASON = 500


class LiveMessage(db.Model):
    """One message in a room. Stored before it is broadcast; `client_id` makes a retried post idempotent."""

    __tablename__ = "live_messages"
    __table_args__ = (
        UniqueConstraint("author_id", "client_id"),
        Index("ix_live_messages_room_id", "room", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(120))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # render_markdown(body), made once at write time
    client_id: Mapped[str | None] = mapped_column(String(MAX_CLIENT_ID))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(MAX_REASON))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self) -> str:
        return f"<LiveMessage {self.id} {self.room}>"
