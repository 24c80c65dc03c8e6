"""The room kinds this package knows: `council:<slug>` and `proposal:<id>`.

(`meeting:<id>` is registered by the meetings feature, see rooms.py.)
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..permissions import can_view_council, can_view_proposal, council_role, is_staff, is_verified_member
from .rooms import Room, register_room_kind, room_name

CLOSED_PROPOSAL_STATES = ("draft", "withdrawn")


def council_room(key: str, user) -> Room | None:
    from ..councils.models import Council

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


def proposal_room(key: str, user) -> Room | None:
    from ..proposals.models import Proposal

    if not key.isdigit() or len(key) > 18:
        return None
    proposal = db.session.get(Proposal, int(key))
    if proposal is None or not can_view_proposal(user, proposal):
        return None

    def can_post(person) -> bool:
        if proposal.status in CLOSED_PROPOSAL_STATES:
            return False
        return is_verified_member(person) and can_view_proposal(person, proposal)

    return Room(name=room_name("proposal", proposal.id), obj=proposal, council=proposal.council,
                can_read=lambda person: can_view_proposal(person, proposal), can_post=can_post,
                title=proposal.title, url=f"/proposals/{proposal.id}")


def register() -> None:
    register_room_kind("council", council_room)
    register_room_kind("proposal", proposal_room)
