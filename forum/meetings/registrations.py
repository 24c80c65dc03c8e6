"""What meetings register in the core registry (forum/registry.py): the meetings a person follows,
for their data export."""
from __future__ import annotations

from sqlalchemy import select

from .. import registry
from ..councils.visibility import council_column_visible
from ..database import iso
from ..extensions import db
from .models import Meeting, MeetingFollow


def follows(user) -> list[dict]:
    rows = db.session.execute(
        select(Meeting.id, Meeting.title, MeetingFollow.created_at)
        .join(MeetingFollow, MeetingFollow.meeting_id == Meeting.id)
        .where(MeetingFollow.user_id == user.id, council_column_visible(Meeting.council_id, user))
        .order_by(MeetingFollow.created_at))
    return [{"meeting": mid, "title": title, "since": iso(since)} for mid, title, since in rows]


def register() -> None:
    registry.register_export("meeting_follows", follows)
