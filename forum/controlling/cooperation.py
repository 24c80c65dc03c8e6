"""Cooperation requests: outside partners write to the office; staff assign, answer and close.

Services take the acting user, raise DomainError subclasses and flush; the caller commits. The
requester is notified (in the forum and by e-mail after the commit) of replies and status changes.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit import audit
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..notifications.services import notify
from ..permissions import (can_handle_cooperation_requests, can_request_cooperation, can_view_cooperation_request,
                           is_suspended)
from ..validators import single_line
from .cooperation_models import REQUEST_STATUSES, REQUEST_TOPICS, CooperationReply, CooperationRequest

TOPIC_LABELS = {"mobility": _l("Mobilität"), "infrastructure": _l("Digitale Infrastruktur"),
                "open_data": _l("Offene Daten"), "administration": _l("Verwaltungsdigitalisierung"),
                "research": _l("Forschung und Pilotprojekte"), "other": _l("Sonstiges")}
STATUS_LABELS = {"new": _l("neu"), "in_progress": _l("in Bearbeitung"), "answered": _l("beantwortet"),
                 "closed": _l("geschlossen")}
# At most this many unanswered requests per person: the queue is not a chat.
MAX_OPEN_PER_REQUESTER = 5
QUEUE_LIMIT = 500


def submit_request(actor, topic: str, organisation: str, message: str) -> CooperationRequest:
    """File a request in the office's queue (status "new"). NotAllowed without a confirmed e-mail,
    Invalid for bad fields, Conflict when the person already has too many open requests."""
    if not can_request_cooperation(actor):
        if is_suspended(actor):
            raise NotAllowed(_("Dein Konto ist gesperrt. Du kannst lesen, aber nichts schreiben oder abstimmen."),
                             "suspended")
        raise NotAllowed(_("Bitte bestätige zuerst deine E-Mail-Adresse."))
    single_line(organisation, _("Der Name der Organisation"))
    organisation, message = (organisation or "").strip(), (message or "").strip()
    if topic not in REQUEST_TOPICS:
        raise Invalid(_("Bitte wähle ein Thema."), "invalid_topic")
    if not organisation or len(organisation) > 200:
        raise Invalid(_("Bitte gib deine Organisation an (höchstens 200 Zeichen)."), "invalid_organisation")
    if not 10 <= len(message) <= 5000:
        raise Invalid(_("Die Nachricht muss 10 bis 5000 Zeichen lang sein."), "invalid_message")
    open_count = db.session.scalar(select(func.count()).select_from(CooperationRequest).where(
        CooperationRequest.requester_id == actor.id, CooperationRequest.status.in_(("new", "in_progress")))) or 0
    if open_count >= MAX_OPEN_PER_REQUESTER:
        raise Conflict(_("Du hast schon mehrere offene Anfragen. Bitte warte auf unsere Antwort."), "too_many_open")
    request = CooperationRequest(requester_id=actor.id, topic=topic, organisation=organisation, message=message)
    db.session.add(request)
    db.session.flush()
    office = db.session.scalars(select(User).where(User.role == "managing_director")).all()
    notify(office, _l("Neue Kooperationsanfrage: %(org)s", org=organisation), TOPIC_LABELS[topic],
           f"/controlling/requests/{request.id}", email=False, category="cooperation", kind="cooperation.new",
           exclude=actor)
    return request


def own_requests(user) -> list[CooperationRequest]:
    return list(db.session.scalars(select(CooperationRequest).where(CooperationRequest.requester_id == user.id)
                                   .order_by(CooperationRequest.created_at.desc(), CooperationRequest.id.desc())))


def get_own_request(request_id: int, user) -> CooperationRequest:
    """The requester's own request; NotFound for anyone else's (no hint that it exists)."""
    request = db.session.get(CooperationRequest, request_id)
    if not can_view_cooperation_request(user, request):
        raise NotFound(_("Diese Anfrage gibt es nicht."))
    return request


def _require_staff(actor) -> None:
    if not can_handle_cooperation_requests(actor):
        raise NotAllowed(_("Nur die Geschäftsstelle bearbeitet Kooperationsanfragen."))


def queue(actor, *, status: str | None = None, assignee_id: int | None = None) -> list[CooperationRequest]:
    """The office's queue: new, in progress, answered, closed, each oldest first (at most
    QUEUE_LIMIT rows); filtered by status and/or assignee."""
    _require_staff(actor)
    stmt = select(CooperationRequest)
    if status:
        stmt = stmt.where(CooperationRequest.status == status)
    if assignee_id:
        stmt = stmt.where(CooperationRequest.assignee_id == assignee_id)
    rank = case({"new": 0, "in_progress": 1, "answered": 2}, value=CooperationRequest.status, else_=3)
    return list(db.session.scalars(stmt.options(selectinload(CooperationRequest.assignee))
                                   .order_by(rank, CooperationRequest.created_at, CooperationRequest.id).limit(QUEUE_LIMIT)))


def get_for_staff(actor, request_id: int) -> CooperationRequest:
    _require_staff(actor)
    request = db.session.get(CooperationRequest, request_id)
    if request is None:
        raise NotFound(_("Diese Anfrage gibt es nicht."))
    return request


def staff_members() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(("managing_director", "chair", "admin")))
                                   .order_by(User.name)))


def assign(actor, request: CooperationRequest, assignee: User | None) -> None:
    """Give the request to a staff member (or nobody); a new request moves to "in progress"."""
    _require_staff(actor)
    if assignee is not None and not assignee.is_staff:
        raise Invalid(_("Anfragen können nur Mitarbeitenden der Geschäftsstelle zugewiesen werden."), "not_staff")
    request.assignee_id = assignee.id if assignee else None
    if assignee is not None and request.status == "new":
        request.status = "in_progress"
    db.session.flush()
    audit(actor, "cooperation.assign", ("cooperation_request", request.id), assignee_id=request.assignee_id)
    if assignee is not None:
        notify([assignee], _l("Dir wurde eine Kooperationsanfrage zugewiesen"), request.organisation,
               f"/controlling/requests/{request.id}", email=False, category="cooperation", kind="cooperation.assigned",
               exclude=actor)


def set_status(actor, request: CooperationRequest, status: str) -> None:
    _require_staff(actor)
    if status not in REQUEST_STATUSES:
        raise Invalid(_("Unbekannter Status."), "invalid_status")
    if status == request.status:
        return
    previous, request.status = request.status, status
    db.session.flush()
    audit(actor, "cooperation.status", ("cooperation_request", request.id), old=previous, new=status)
    notify([request.requester], _l("Deine Kooperationsanfrage ist jetzt: %(status)s", status=STATUS_LABELS[status]),
           "", f"/cooperation/{request.id}", category="cooperation", kind="cooperation.status")


def reply(actor, request: CooperationRequest, body: str) -> CooperationReply:
    """Answer the requester: stored, shown at /cooperation/<id>, and e-mailed; status "answered"."""
    _require_staff(actor)
    body = (body or "").strip()
    if not 1 <= len(body) <= 10000:
        raise Invalid(_("Die Antwort muss 1 bis 10000 Zeichen lang sein."), "invalid_body")
    if request.status == "closed":
        raise Conflict(_("Diese Anfrage ist geschlossen."), "closed")
    answer = CooperationReply(author_id=actor.id, body=body)
    request.replies.append(answer)
    request.status = "answered"
    if request.assignee_id is None:
        request.assignee_id = actor.id
    db.session.flush()
    notify([request.requester], _l("Antwort auf deine Kooperationsanfrage"), body, f"/cooperation/{request.id}",
           category="cooperation", kind="cooperation.reply")
    return answer


def export_for(user) -> list[dict]:
    """The person's own requests and the replies to them, for their data export (GDPR)."""
    return [{"id": r.id, "topic": r.topic, "organisation": r.organisation, "message": r.message, "status": r.status,
             "created_at": r.created_at.isoformat() + "Z",
             "replies": [{"body": a.body, "created_at": a.created_at.isoformat() + "Z"} for a in r.replies]}
            for r in own_requests(user)]
