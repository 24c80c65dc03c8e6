"""Suspensions: the managing director or an admin stops a person from posting, voting and
joining, for a period or for good. Plain services: they flush, never commit; a suspension
announces the access change, so the person's live sockets close once it is committed
(forum/access.py, forum/live/access.py)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import access
from ..audit import audit
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..notifications.services import notify
from ..permissions import can_suspend, is_suspended
from .models import Suspension
from .services import clean_reason

# Stored in User.suspended_until for a suspension without end, so one comparison answers.
FOREVER = datetime(9999, 12, 31)


def active_suspension(person) -> Suspension | None:
    """The suspension in force for `person`, or None."""
    if not is_suspended(person):
        return None
    return db.session.scalar(
        select(Suspension).where(Suspension.user_id == person.id, Suspension.lifted_at.is_(None))
        .order_by(Suspension.created_at.desc(), Suspension.id.desc()).limit(1))


def suspend(actor, person, *, until: datetime | None, reason) -> Suspension:
    """Suspend `person` until `until` (naive UTC; None: for good), replacing one in force.
    Raises NotAllowed (only managing director and admin; not oneself; an admin only by an admin)
    or Invalid (reason missing, end in the past)."""
    if not can_suspend(actor, person):
        raise NotAllowed(_("Sperren dürfen nur Geschäftsführung und Administration, und niemand sich selbst."))
    reason = clean_reason(reason)
    now = utcnow()
    if until is not None and until <= now:
        raise Invalid(_("Das Ende der Sperre muss in der Zukunft liegen."), "invalid_until")
    _lift_all(person, actor, now)
    row = Suspension(user_id=person.id, until=until, reason=reason, by_id=actor.id, created_at=now)
    db.session.add(row)
    person.suspended_until = until or FOREVER
    db.session.flush()
    access.user_changed(person.id)
    audit(actor, "user.suspend", person, reason, until=until.isoformat() + "Z" if until else None)
    body = (_l("Dein Konto im Smart-City-Forum ist bis %(until)s gesperrt. Du kannst weiterhin lesen, aber nicht "
               "schreiben, abstimmen oder beitreten.\n\nGrund: %(reason)s", until=until, reason=reason) if until else
            _l("Dein Konto im Smart-City-Forum ist auf Dauer gesperrt. Du kannst weiterhin lesen, aber nicht "
               "schreiben, abstimmen oder beitreten.\n\nGrund: %(reason)s", reason=reason))
    notify([person], _l("Dein Konto wurde gesperrt"), body, "/profile", category="moderation", kind="account.suspended")
    return row


def lift(actor, person, reason=None) -> None:
    """End the suspension in force. Raises NotAllowed or Conflict (not suspended)."""
    if not can_suspend(actor, person):
        raise NotAllowed(_("Sperren aufheben dürfen nur Geschäftsführung und Administration."))
    reason = clean_reason(reason, required=False)
    if not is_suspended(person):
        raise Conflict(_("Diese Person ist nicht gesperrt."), "not_suspended")
    _lift_all(person, actor, utcnow())
    person.suspended_until = None
    db.session.flush()
    audit(actor, "user.unsuspend", person, reason or None)
    body = (_l("Du kannst im Smart-City-Forum wieder schreiben, abstimmen und beitreten.\n\n%(reason)s", reason=reason)
            if reason else _l("Du kannst im Smart-City-Forum wieder schreiben, abstimmen und beitreten."))
    notify([person], _l("Deine Sperre wurde aufgehoben"), body, "/profile", category="moderation",
           kind="account.unsuspended")


def _lift_all(person, actor, now: datetime) -> None:
    for row in db.session.scalars(select(Suspension).where(Suspension.user_id == person.id,
                                                           Suspension.lifted_at.is_(None))):
        row.lifted_at = now
        row.lifted_by_id = actor.id
