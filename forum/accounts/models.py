"""People and their API tokens."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import utcnow
from ..extensions import db

STAKEHOLDERS = ("citizen", "business", "research", "culture", "association")
ORGANISATION_STAKEHOLDERS = ("business", "research", "culture", "association")
ROLES = ("member", "managing_director", "chair", "admin")
STAFF_ROLES = ("managing_director", "chair", "admin")
VERIFICATION_STATES = ("not_required", "pending", "verified", "rejected")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("stakeholder", STAKEHOLDERS), name="stakeholder"),
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(_in("verification", VERIFICATION_STATES), name="verification"),
        Index("ix_users_verification", "verification"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    stakeholder: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30), default="member")
    verification: Mapped[str] = mapped_column(String(20), default="not_required")
    verification_note: Mapped[str | None] = mapped_column(String(500))
    email_confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on password change or reset and on logout: ends every session (each carries it).
    session_version: Mapped[int] = mapped_column(default=1)
    # Mirrors the suspension in force (forum.moderation.suspensions); far future = for good.
    suspended_until: Mapped[datetime | None]
    # "de" or "en": the pages, notices and mails of this person; None: the browser decides (forum/i18n.py)
    language: Mapped[str | None] = mapped_column(String(2))
    # The person agreed to be named in the public OParl interface (Person, Membership); off by default.
    public_listing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_organisation(self) -> bool:
        return self.stakeholder in ORGANISATION_STAKEHOLDERS

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_verified(self) -> bool:
        """Counts as a full member: confirmed e-mail, and for organisations a verified account."""
        if not self.email_confirmed:
            return False
        return not self.is_organisation or self.verification == "verified"

    @property
    def acting_role(self) -> str:
        """The role this person acts in now: while suspended, staff act as plain members (no office
        power, no view of every private council) until the suspension ends. Permission checks ask
        this, never `role`, which stays what the account is."""
        if self.role in STAFF_ROLES and self.suspended_until is not None and self.suspended_until > utcnow():
            return "member"
        return self.role

    @property
    def is_staff(self) -> bool:
        return self.acting_role in STAFF_ROLES

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 digest is stored, with its first characters (`prefix`)
    and an optional `label` so the person can tell their tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str | None] = mapped_column(String(12))
    label: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]  # at most a minute old (credentials.touch_token)

    user: Mapped[User] = relationship(back_populates="tokens")
