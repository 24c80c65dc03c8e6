"""The live room kind `proposal:<id>`: readable by whoever may see the proposal, open for posts
by whoever may comment on it."""
from __future__ import annotations

from ..extensions import db
from ..permissions import can_comment, can_view_proposal
from ..rooms import Room, register_room_kind, room_name
from .models import Proposal


def resolve(key: str, user) -> Room | None:
    """The room for proposal `key`, or None when it does not exist or `user` may not see it."""
    if not key.isdigit() or len(key) > 18:
        return None
    proposal = db.session.get(Proposal, int(key))
    if proposal is None or not can_view_proposal(user, proposal):
        return None
    return Room(name=room_name("proposal", proposal.id), obj=proposal, council=proposal.council,
                can_read=lambda u: can_view_proposal(u, proposal), can_post=lambda u: can_comment(u, proposal),
                title=proposal.title, url=f"/proposals/{proposal.id}")


def register_room() -> None:
    register_room_kind("proposal", resolve)
