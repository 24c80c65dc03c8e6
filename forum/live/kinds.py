"""The room kind this package knows: `council:<slug>`.

(`proposal:<id>` is registered by the proposals feature in forum/proposals/live.py, `meeting:<id>`
by the meetings feature in forum/meetings/live.py; see forum/rooms.py.)
"""
from __future__ import annotations

from sqlalchemy import inspect, select

from ..extensions import db
from ..permissions import can_view_council, council_role, is_staff, is_verified_member
from ..permissions.viewer import reading_page_request
from ..rooms import Room, register_room_kind, room_name


def _on_page(model, slug: str):
    """The council this page request has already loaded (the council page's own), without a query."""
    for obj in db.session.identity_map.values():
        if isinstance(obj, model) and inspect(obj).dict.get("slug") == slug:
            return obj
    return None


def council_room(key: str, user) -> Room | None:
    from ..councils.models import Council

    council = _on_page(Council, key) if reading_page_request() else None
    if council is None:
        council = db.session.scalar(select(Council).where(Council.slug == key))
    if council is None or not can_view_council(user, council):
        return None

    def can_post(person) -> bool:
        if council.is_archived or not is_verified_member(person):
            return False
        return is_staff(person) or council_role(person, council) is not None

    return Room(name=room_name("council", council.slug), obj=council, council=council,
                can_read=lambda person: can_view_council(person, council), can_post=can_post,
                title=council.name, url=f"/councils/{council.slug}")


def register() -> None:
    register_room_kind("council", council_room)
