"""The `meeting:<id>` live room and the `agenda` event.

Importing this module registers the room kind (the meetings blueprint imports it). Read: whoever may
see the meeting; post: `permissions.can_post_in_meeting`. A missing or invisible meeting resolves to
None, so an outsider cannot tell a private meeting from one that does not exist.
"""
from __future__ import annotations

from ..broadcast import emit_to_room
from ..effects import after_commit
from ..extensions import db
from ..permissions import can_post_in_meeting, can_view_meeting
from ..permissions.viewer import reading_page_request
from ..rooms import Room, register_room_kind, room_name
from .models import Meeting


def resolve_meeting_room(key: str, user) -> Room | None:
    """`meeting:<id>` → the Room, loaded from the database now; None when missing or not visible."""
    if not key.isdigit() or len(key) > 12:
        return None
    meeting = db.session.get(Meeting, int(key))
    if meeting is None or not can_view_meeting(user, meeting):
        return None
    meeting_id = meeting.id

    def fresh() -> Meeting | None:
        # The checks run again on later socket events: read the meeting's state now, not as captured.
        # A page request asks while rendering the meeting it has just read (forum/permissions/viewer.py).
        return db.session.get(Meeting, meeting_id, populate_existing=not reading_page_request())

    # Newer Room versions also carry a title and the page the room belongs to.
    extra = {"title": meeting.title, "url": f"/meetings/{meeting.id}"}
    return Room(
        name=room_name("meeting", meeting.id),
        obj=meeting,
        council=meeting.council,
        can_read=lambda who: can_view_meeting(who, fresh()),
        can_post=lambda who: can_post_in_meeting(who, fresh()),
        **{k: v for k, v in extra.items() if k in Room.__dataclass_fields__},
    )


def announce_agenda(meeting: Meeting) -> None:
    """Queue for after the commit: every client in the meeting's room hears which TOP is current
    now (None when over) and the meeting's status (live, ended, cancelled …), so a page can show both.
    A later announcement in the same transaction replaces this one."""
    after_commit(_send_agenda, room_name("meeting", meeting.id),
                 {"meeting_id": meeting.id, "current_item_id": meeting.current_item_id, "status": meeting.status},
                 key=("agenda", meeting.id))


def _send_agenda(room: str, payload: dict) -> None:
    emit_to_room(room, "agenda", payload)


register_room_kind("meeting", resolve_meeting_room)
