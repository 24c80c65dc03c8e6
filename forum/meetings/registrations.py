"""What meetings register in the core registry (forum/registry.py): the meetings a person follows,
for their data export, and meetings (with their agenda items) as owners of files."""
from __future__ import annotations

from sqlalchemy import select

from .. import registry
from ..councils.visibility import council_column_visible
from ..database import iso
from ..extensions import db
from ..permissions import can_attach_to_meeting, can_view_meeting_files
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
    registry.register_file_owner(
        "meeting",
        load=lambda meeting_id: db.session.get(Meeting, meeting_id),
        can_view=can_view_meeting_files,
        can_manage=can_attach_to_meeting,
        url_of=lambda m: f"/meetings/{m.id}",
        parts_of=lambda m: {item.id: f"TOP {item.position}: {item.title}" for item in m.items},
        is_public=lambda m: m.status != "draft" and (m.council is None or not m.council.is_private),
    )
