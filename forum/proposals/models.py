"""Proposals, their votes, comments, edit history, tags and followers.

Counters live on the proposal row (`votes_for` … `comments_count`, `votes_count` and one counter
per stakeholder group and choice) so lists and the detail page never aggregate over vote rows.
They are changed only by `UPDATE proposals SET x = x + 1` in the same transaction as the row they
count (see voting.py, comments.py); `forum recount-votes` rebuilds them from the rows.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint,
                        false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import STAKEHOLDERS, User, _in
from ..councils.models import Council
from ..database import utcnow
from ..extensions import db

STATUSES = ("draft", "published", "voting", "accepted", "rejected", "implementing", "done", "withdrawn")
CHOICES = ("for", "against", "abstain")


def tally_column(stakeholder: str, choice: str) -> str:
    """Name of the counter column for one stakeholder group and choice, e.g. `business_against`."""
    return f"{stakeholder}_{choice}"


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_proposals_status_created", "status", "created_at"),
        Index("ix_proposals_status_council", "status", "council_id"),  # index-only COUNT for the list
        Index("ix_proposals_council_created", "council_id", "created_at"),
        Index("ix_proposals_created_id", "created_at", "id"),
        Index("ix_proposals_votes_count_id", "votes_count", "id"),
        Index("ix_proposals_comments_count_id", "comments_count", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    # Set by the moderation (forum.moderation): the text is replaced by a placeholder for readers.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(1000))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Counters kept in the same transaction as the rows they count.
    votes_for: Mapped[int] = mapped_column(default=0)
    votes_against: Mapped[int] = mapped_column(default=0)
    votes_abstain: Mapped[int] = mapped_column(default=0)
    comments_count: Mapped[int] = mapped_column(default=0)
    response: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # Added by the proposals feature.
    excerpt: Mapped[str] = mapped_column(String(300), default="", server_default="")
    votes_count: Mapped[int] = mapped_column(default=0, server_default="0")
    hide_votes: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    voting_started_at: Mapped[datetime | None]
    voting_ends_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    # One counter per stakeholder group and choice (see tally_column).
    citizen_for: Mapped[int] = mapped_column(default=0, server_default="0")
    citizen_against: Mapped[int] = mapped_column(default=0, server_default="0")
    citizen_abstain: Mapped[int] = mapped_column(default=0, server_default="0")
    business_for: Mapped[int] = mapped_column(default=0, server_default="0")
    business_against: Mapped[int] = mapped_column(default=0, server_default="0")
    business_abstain: Mapped[int] = mapped_column(default=0, server_default="0")
    research_for: Mapped[int] = mapped_column(default=0, server_default="0")
    research_against: Mapped[int] = mapped_column(default=0, server_default="0")
    research_abstain: Mapped[int] = mapped_column(default=0, server_default="0")
    culture_for: Mapped[int] = mapped_column(default=0, server_default="0")
    culture_against: Mapped[int] = mapped_column(default=0, server_default="0")
    culture_abstain: Mapped[int] = mapped_column(default=0, server_default="0")
    association_for: Mapped[int] = mapped_column(default=0, server_default="0")
    association_against: Mapped[int] = mapped_column(default=0, server_default="0")
    association_abstain: Mapped[int] = mapped_column(default=0, server_default="0")

    council: Mapped[Council | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])
    # its attachments (forum/files/), read-only from here: the proposal page loads them with the proposal
    files: Mapped[list["StoredFile"]] = relationship(  # noqa: F821
        "StoredFile", viewonly=True, order_by="StoredFile.id", lazy="select")
    tags: Mapped[list["ProposalTag"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalTag.tag"
    )

    @property
    def votes_total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]

    def tally(self) -> dict[str, dict[str, int]]:
        """{stakeholder: {choice: count}} for all five groups, read from the counter columns."""
        return {s: {c: getattr(self, tally_column(s, c)) for c in CHOICES} for s in STAKEHOLDERS}

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.status}>"


class ProposalTag(db.Model):
    """A free tag (category) on a proposal; lower-case words joined by hyphens."""

    __tablename__ = "proposal_tags"
    __table_args__ = (Index("ix_proposal_tags_tag_proposal", "tag", "proposal_id"),)

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)

    proposal: Mapped[Proposal] = relationship(back_populates="tags")


class Vote(db.Model):
    """One vote per person and proposal. `stakeholder` is the voter's group when the vote was cast,
    so withdrawing it later decrements the same counter even if the account changed."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("proposal_id", "user_id"),
        CheckConstraint(_in("choice", CHOICES), name="choice"),
        CheckConstraint(_in("stakeholder", STAKEHOLDERS), name="stakeholder"),
        Index("ix_votes_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    # SET NULL: a deleted account's vote still counts, anonymously.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    choice: Mapped[str] = mapped_column(String(10))
    stakeholder: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Comment(db.Model):
    """A comment, or a reply to a top-level comment (one level). Deleting keeps the row (so replies
    keep their place) but clears the body and sets `deleted_at`."""

    __tablename__ = "proposal_comments"
    __table_args__ = (Index("ix_proposal_comments_proposal_created", "proposal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Set by the moderation (forum.moderation): the text is replaced by a placeholder for readers.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(1000))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    proposal: Mapped[Proposal] = relationship()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ProposalRevision(db.Model):
    """The title and body a proposal had before one edit (the edit history)."""

    __tablename__ = "proposal_revisions"
    __table_args__ = (Index("ix_proposal_revisions_proposal_created", "proposal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor: Mapped[User | None] = relationship()


class Follow(db.Model):
    """A person follows a proposal: status changes and responses reach them."""

    __tablename__ = "proposal_follows"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"), Index("ix_proposal_follows_user_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


from . import search  # noqa: E402,F401  (full-text DDL attaches to the proposals table)
