"""Files follow what they belong to: whoever may see a meeting or proposal sees its files (a
hidden proposal's files only where its text may be read); who may change it may add and remove them."""
from __future__ import annotations

from .hidden import text_hidden
from .meetings import can_edit_meeting, can_view_meeting
from .people import can_moderate, welcomes_visitors
from .proposals import can_edit_proposal, can_view_proposal


@welcomes_visitors
def can_view_meeting_files(user, meeting) -> bool:
    return can_view_meeting(user, meeting)


def can_attach_to_meeting(user, meeting) -> bool:
    """Those who may edit the meeting (managers; a council's moderators while it is a draft)."""
    return can_edit_meeting(user, meeting)


@welcomes_visitors
def can_view_proposal_files(user, proposal) -> bool:
    return can_view_proposal(user, proposal) and not text_hidden(user, proposal, proposal.council)


def can_attach_to_proposal(user, proposal) -> bool:
    """The author while the proposal may be edited, and the moderators of its council (the managing
    director for forum-wide proposals) once it is no longer a draft."""
    if proposal is None:
        return False
    return can_edit_proposal(user, proposal) or (proposal.status != "draft" and can_moderate(user, proposal.council))


def can_manage_files(user, place) -> bool:
    """Add and remove the files of a meeting or proposal: `place` carries the item (`item`) and what
    its area registered (`spec`, forum.registry.FileOwner: can_attach_to_meeting, can_attach_to_proposal)."""
    return place.spec.can_manage(user, place.item)
