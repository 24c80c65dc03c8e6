"""Files attached to a meeting (optionally to one of its agenda items) or to a proposal.

The row keeps the user's name for display and download; the bytes live in the upload folder under
their SHA-256 (forum/files/storage.py), so two rows with the same content share one stored file.
The owner columns reference their tables by name only: this package sits beside core and imports
no content area; the database removes a file's row with its meeting or proposal.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..database import utcnow
from ..extensions import db


class StoredFile(db.Model):
    __tablename__ = "files"
    __table_args__ = (
        CheckConstraint("(meeting_id IS NULL) <> (proposal_id IS NULL)", name="one_owner"),
        CheckConstraint("agenda_item_id IS NULL OR meeting_id IS NOT NULL", name="item_of_meeting"),
        CheckConstraint("size >= 0", name="size"),
        Index("ix_files_meeting", "meeting_id"),
        Index("ix_files_proposal", "proposal_id"),
        Index("ix_files_sha256", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # A document of one TOP; when the TOP is removed the document stays with the meeting.
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="SET NULL"),
                                                       index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def owner_kind(self) -> str:
        return "meeting" if self.meeting_id is not None else "proposal"

    @property
    def owner_id(self) -> int:
        return self.meeting_id if self.meeting_id is not None else self.proposal_id

    @property
    def url(self) -> str:
        return f"/files/{self.id}"

    @property
    def inline(self) -> bool:
        """PDFs and images open in the browser; everything else is downloaded."""
        return self.content_type == "application/pdf" or self.content_type.startswith("image/")

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.owner_kind}:{self.owner_id}>"
