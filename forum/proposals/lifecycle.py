"""The proposal life cycle: the one table of allowed status changes, and the services that apply it.

    draft ──author──▶ published ──moderator──▶ voting ──moderator (closing)──▶ accepted | rejected
    accepted ──moderator──▶ implementing ──moderator──▶ done
    draft | published | voting ──author──▶ withdrawn

"moderator" means `can_change_status`: a moderator of the proposal's council, or for forum-wide
proposals the managing director (admins too).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.models import User
from ..audit import audit
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..notifications.services import notify
from ..permissions import can_change_status, can_move_proposal, can_respond, can_view_proposal, is_proposal_author
from ..text import plain_excerpt
from .locking import lock_proposal
from .models import STATUSES, Follow, Proposal

AUTHOR_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("published", "withdrawn"),
    "published": ("withdrawn",),
    "voting": ("withdrawn",),
}
MODERATOR_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "published": ("voting",),
    "voting": ("accepted", "rejected"),
    "accepted": ("implementing",),
    "implementing": ("done",),
}
FINAL_STATUSES = ("rejected", "done", "withdrawn")
RESPONSE_MAX = 10_000

STATUS_LABELS = {
    "draft": _l("Entwurf"),
    "published": _l("Veröffentlicht"),
    "voting": _l("Abstimmung läuft"),
    "accepted": _l("Angenommen"),
    "rejected": _l("Abgelehnt"),
    "implementing": _l("In Umsetzung"),
    "done": _l("Umgesetzt"),
    "withdrawn": _l("Zurückgezogen"),
}


def lifecycle_allows(old: str, new: str) -> bool:
    """Whether anyone at all may move a proposal from `old` to `new`."""
    return new in AUTHOR_TRANSITIONS.get(old, ()) or new in MODERATOR_TRANSITIONS.get(old, ())


def allowed_transitions(user, proposal) -> tuple[str, ...]:
    """The statuses `user` may move `proposal` to now, in life-cycle order."""
    allowed: set[str] = set()
    if is_proposal_author(user, proposal):
        allowed.update(AUTHOR_TRANSITIONS.get(proposal.status, ()))
    if can_change_status(user, proposal):
        allowed.update(MODERATOR_TRANSITIONS.get(proposal.status, ()))
    return tuple(s for s in STATUSES if s in allowed)


def followers(proposal: Proposal) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Follow, Follow.user_id == User.id).where(Follow.proposal_id == proposal.id)
    ))


def _notify_followers(proposal: Proposal, actor, subject, body, kind: str) -> None:
    """The author hears of it as "my proposals", the followers as "proposals I follow"."""
    path = f"/proposals/{proposal.id}"
    author_id = proposal.author_id
    if proposal.author is not None:
        notify([proposal.author], subject, body, path, category="own_proposals", kind=kind, exclude=actor,
               about_council=proposal.council)
    notify([u for u in followers(proposal) if u.id != author_id], subject, body, path, category="followed_proposals",
           kind=kind, exclude=actor, about_council=proposal.council)


def change_status(proposal: Proposal, actor, new_status: str, *, response: str | None = None,
                  voting_ends_at: datetime | None = None) -> Proposal:
    """Move `proposal` to `new_status` (and record an official `response` with it, if given).

    Raises NotFound (may not see it), Invalid (unknown status, bad end date, bad response),
    NotAllowed (the life cycle allows this step but not to `actor`) or Conflict (the life cycle
    does not allow this step from the current status). Notifies author and followers."""
    if new_status not in STATUSES:
        raise Invalid(_("Unbekannter Status."), "invalid_status")
    locked = lock_proposal(proposal.id)
    if locked is None or not can_view_proposal(actor, locked):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    proposal = locked
    old = proposal.status
    if new_status not in allowed_transitions(actor, proposal):
        if lifecycle_allows(old, new_status):
            raise NotAllowed(_("Diesen Schritt darfst du bei diesem Vorschlag nicht ausführen."), "forbidden")
        if not can_move_proposal(actor, proposal):
            raise NotAllowed(_("Du darfst den Status dieses Vorschlags nicht ändern."), "forbidden")
        raise Conflict(_("Von „%(old)s“ kann der Vorschlag nicht zu „%(new)s“ wechseln.",
                         old=STATUS_LABELS[old], new=STATUS_LABELS[new_status]),
                       "invalid_transition")
    answering = response is not None and bool(response.strip())
    if answering:
        _check_may_respond(actor, proposal)
    now = utcnow()
    if new_status == "voting":
        if voting_ends_at is not None and voting_ends_at <= now:
            raise Invalid(_("Das Ende der Abstimmung muss in der Zukunft liegen."), "invalid_voting_end")
        proposal.voting_started_at = now
        proposal.voting_ends_at = voting_ends_at
    if old == "voting":
        proposal.closed_at = now
        if proposal.voting_ends_at is None or proposal.voting_ends_at > now:
            proposal.voting_ends_at = now  # closed (early): the recorded end is when it closed
    if new_status == "published" and proposal.published_at is None:
        proposal.published_at = now
    proposal.status = new_status
    if answering:
        _set_response(proposal, actor, response, now)
    db.session.flush()
    if not (is_proposal_author(actor, proposal) and new_status in AUTHOR_TRANSITIONS.get(old, ())):
        audit(actor, "proposal.status", proposal, council=proposal.council_id, old=old, new=new_status,
              response=answering)
    if answering:
        audit(actor, "proposal.response", proposal, council=proposal.council_id, status=new_status)
    if old != "draft":
        label = STATUS_LABELS[new_status]
        body = (_l("Neuer Status: %(status)s. Antwort: %(text)s", status=label, text=plain_excerpt(response, 400))
                if answering else _l("Neuer Status: %(status)s.", status=label))
        _notify_followers(proposal, actor, _l("„%(title)s“: %(status)s", title=proposal.title, status=label), body,
                          "proposal.status")
    return proposal


def _check_may_respond(actor, proposal: Proposal) -> None:
    """An official response speaks for the council (or the forum): only `can_respond` may give one,
    whatever step it comes with, so an author cannot answer their own proposal."""
    if not can_respond(actor, proposal):
        raise NotAllowed(_("Nur die Moderation des Fachbeirats oder die Geschäftsführung antwortet offiziell."),
                         "forbidden")


def _set_response(proposal: Proposal, actor, response: str, now: datetime) -> None:
    if "\x00" in response:
        raise Invalid(_("Die Antwort enthält ungültige Zeichen."), "invalid_response")
    response = response.strip()
    if len(response) > RESPONSE_MAX:
        raise Invalid(_("Die Antwort ist zu lang (höchstens %(max)s Zeichen).", max=RESPONSE_MAX), "too_long")
    proposal.response = response
    proposal.responded_at = now
    proposal.responded_by_id = actor.id


def respond(proposal: Proposal, actor, response: str) -> Proposal:
    """Record or replace the official response. Raises NotFound, NotAllowed, Conflict (draft), Invalid."""
    if not isinstance(response, str) or not response.strip():
        raise Invalid(_("Bitte schreibe eine Antwort."), "response_required")
    locked = lock_proposal(proposal.id)
    if locked is None or not can_view_proposal(actor, locked):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    _check_may_respond(actor, locked)
    _set_response(locked, actor, response, utcnow())
    db.session.flush()
    audit(actor, "proposal.response", locked, council=locked.council_id)
    _notify_followers(locked, actor, _l("Offizielle Antwort auf „%(title)s“", title=locked.title),
                      plain_excerpt(response, 400), "proposal.response")
    return locked
