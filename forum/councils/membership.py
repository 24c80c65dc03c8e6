"""Membership services: appoint, remove, join, ask to join, decide requests, leave.

Plain functions taking models and an explicit actor; they raise `DomainError`s, flush and
never commit. `Council.members_count` changes in the same transaction as the membership
rows, by an SQL increment (no lost updates between concurrent joins). Notices (with their
e-mail copy, sent after commit) go out through `forum.notifications.services.notify`.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import access
from ..audit import audit
from ..database import utcnow
from ..errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..notifications.services import notify
from ..permissions import (can_appoint, can_decide_requests, can_manage_members, can_remove_member, council_role,
                           is_signed_in, is_verified_member)
from ..accounts.models import User
from .models import COUNCIL_ROLES, Council, JoinRequest, Membership

MESSAGE_MAX = 1000


def membership_of(user, council: Council) -> Membership | None:
    if not is_signed_in(user):
        return None
    return db.session.scalar(
        select(Membership).where(Membership.council_id == council.id, Membership.user_id == user.id)
    )


def pending_request_of(user, council: Council) -> JoinRequest | None:
    if not is_signed_in(user):
        return None
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.council_id == council.id, JoinRequest.user_id == user.id, JoinRequest.status == "pending"))


def _bump(council: Council, delta: int) -> None:
    db.session.execute(
        update(Council).where(Council.id == council.id)
        .values(members_count=Council.members_count + delta)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(council, ["members_count"])


def _add(council: Council, user, role: str) -> Membership:
    membership = Membership(council_id=council.id, user_id=user.id, role=role)
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent join won the race; the transaction is spent
        db.session.rollback()
        raise Conflict(_("Diese Person ist bereits Mitglied."), "already_member") from exc
    _bump(council, +1)
    return membership


def _remove(council: Council, membership: Membership) -> None:
    db.session.delete(membership)
    db.session.flush()
    _bump(council, -1)
    access.user_changed(membership.user_id)  # their live sockets leave what they may no longer read


def _url(council: Council) -> str:
    return f"/councils/{council.slug}"


def _tell(person, council: Council, kind: str, subject, body, actor=None) -> None:
    """Notify `person` about their place in `council` (not when they did it themselves: `actor`)."""
    notify([person], subject, body, _url(council), category="councils", kind=kind, exclude=actor)


def _text(value, code: str, message: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > MESSAGE_MAX or "\x00" in value:
        raise Invalid(message, code)
    return value.strip()


def join_blocker(user, council: Council, *, via: str = "open") -> DomainError | None:
    """Why `user` may not become a member by joining (`via='open'`) or asking (`via='request'`),
    or None when they may. The error's message is what the person sees."""
    if not is_signed_in(user):
        return NotAllowed(_("Melde dich an, um Fachbeiräten beizutreten."), "sign_in_required")
    if council_role(user, council) is not None:
        return Conflict(_("Du bist bereits Mitglied dieses Fachbeirats."), "already_member")
    if council.is_archived:
        return Conflict(_("Dieser Fachbeirat ist archiviert. Beitreten ist nicht mehr möglich."), "archived")
    if not is_verified_member(user):
        if not user.email_confirmed:
            return NotAllowed(_("Bestätige zuerst deine E-Mail-Adresse, dann kannst du Fachbeiräten beitreten."),
                              "not_verified")
        if user.verification == "rejected":
            return NotAllowed(_("Dein Organisationskonto wurde nicht verifiziert. Nur verifizierte Mitglieder "
                                "treten Fachbeiräten bei."), "not_verified")
        return NotAllowed(_("Dein Organisationskonto wird noch von der Geschäftsführung geprüft. Nach der "
                            "Verifizierung kannst du Fachbeiräten beitreten."), "not_verified")
    if council.join_policy == "appointed":
        return NotAllowed(_("In diesen Fachbeirat werden Mitglieder berufen. Ein Beitritt auf eigenen Wunsch "
                            "ist nicht möglich."), "appointed_only")
    if via == "open" and council.join_policy == "request":
        return Conflict(_("Diesem Fachbeirat trittst du über eine Beitrittsanfrage bei."), "request_required")
    if via == "request" and council.join_policy == "open":
        return Conflict(_("Diesem Fachbeirat kannst du direkt beitreten."), "join_directly")
    if via == "request" and pending_request_of(user, council) is not None:
        return Conflict(_("Deine Beitrittsanfrage liegt bereits vor."), "request_pending")
    return None


def join(actor, council: Council) -> Membership:
    """Join an open council as a member. Raises NotAllowed (not verified, appointed only)
    or Conflict (already a member, archived, the council is joined on request)."""
    blocker = join_blocker(actor, council, via="open")
    if blocker is not None:
        raise blocker
    return _add(council, actor, "member")


def request_to_join(actor, council: Council, message: str | None = "") -> JoinRequest:
    """Ask to join a council with join policy 'request'; its moderators (or, while it has none,
    the managing director) are notified.
    Raises NotAllowed, Conflict (as `join`, or a request is already pending) or Invalid (message)."""
    blocker = join_blocker(actor, council, via="request")
    if blocker is not None:
        raise blocker
    message = _text(message, "invalid_message",
                    _("Die Nachricht darf höchstens %(max)s Zeichen lang sein.", max=MESSAGE_MAX))
    join_request = JoinRequest(council_id=council.id, user_id=actor.id, message=message, status="pending")
    db.session.add(join_request)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_("Deine Beitrittsanfrage liegt bereits vor."), "request_pending") from exc
    deciders = list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.council_id == council.id, Membership.role == "moderator")
    ))
    if not deciders:  # nobody moderates yet: the managing director decides
        deciders = list(db.session.scalars(select(User).where(User.role == "managing_director")))
    notify(deciders, _l("Beitrittsanfrage für %(council)s", council=council.name),
           _l("%(name)s möchte dem Fachbeirat „%(council)s“ beitreten.", name=actor.name, council=council.name),
           f"{_url(council)}/members", category="councils", kind="council.join_request")
    return join_request


def withdraw_request(actor, join_request: JoinRequest) -> None:
    """The requester takes back a pending request. Raises NotAllowed (someone else's) or Conflict (decided)."""
    if not is_signed_in(actor) or join_request.user_id != actor.id:
        raise NotAllowed(_("Nur wer die Anfrage gestellt hat, kann sie zurückziehen."))
    if not join_request.is_pending:
        raise Conflict(_("Über diese Anfrage wurde schon entschieden."), "already_decided")
    db.session.delete(join_request)
    db.session.flush()


def decide_request(actor, join_request: JoinRequest, *, accept: bool, reason: str | None = "") -> JoinRequest:
    """Accept (the person becomes a member) or decline with a reason the person sees (on the
    council page and in a notice). Raises NotAllowed (not a moderator of this council or staff),
    Conflict (archived, already decided, the person is no longer a verified member) or Invalid
    (decline without reason, reason too long)."""
    council = join_request.council
    if not can_decide_requests(actor, council):
        if council.is_archived and can_manage_members(actor, council):
            raise Conflict(_("Der Fachbeirat ist archiviert."), "archived")
        raise NotAllowed(_("Nur die Moderation dieses Fachbeirats entscheidet über Beitrittsanfragen."))
    if not join_request.is_pending:
        raise Conflict(_("Über diese Anfrage wurde schon entschieden."), "already_decided")
    reason = _text(reason, "invalid_reason",
                   _("Die Begründung darf höchstens %(max)s Zeichen lang sein.", max=MESSAGE_MAX))
    if not accept and not reason:
        raise Invalid(_("Bitte gib einen Grund für die Ablehnung an."), "reason_required")
    person = join_request.user
    if accept:
        if not is_verified_member(person):
            raise Conflict(_("Diese Person ist kein verifiziertes Mitglied mehr."), "not_verified")
        if membership_of(person, council) is None:
            _add(council, person, "member")
    join_request.status = "accepted" if accept else "declined"
    join_request.reason = reason or None
    join_request.decided_by_id = actor.id
    join_request.decided_at = utcnow()
    db.session.flush()
    audit(actor, "council.request_accept" if accept else "council.request_decline", person, reason or None,
          council=council)
    if accept:
        body = (_l("Deine Beitrittsanfrage für „%(council)s“ wurde angenommen.\n\n%(reason)s", council=council.name,
                   reason=reason) if reason else
                _l("Deine Beitrittsanfrage für „%(council)s“ wurde angenommen.", council=council.name))
        _tell(person, council, "council.join_accepted", _l("Willkommen im %(council)s", council=council.name), body)
    else:
        _tell(person, council, "council.join_declined",
              _l("Beitrittsanfrage für %(council)s abgelehnt", council=council.name),
              _l("Deine Beitrittsanfrage für „%(council)s“ wurde abgelehnt.\n\nBegründung: %(reason)s",
                 council=council.name, reason=reason or ""))
    return join_request


def appoint(actor, council: Council, person, role: str = "member") -> tuple[Membership, bool]:
    """Make `person` a member or moderator, or change their role. Answers (membership, created).

    Staff appoint any role; a moderator of this council adds plain members only and cannot
    change a moderator's role. A pending join request of the person counts as accepted.
    Raises Invalid (unknown role, person not a verified member), Conflict (archived) or NotAllowed."""
    if role not in COUNCIL_ROLES:
        raise Invalid(_("Die Rolle muss 'member' oder 'moderator' sein."), "invalid_role")
    if council.is_archived and can_manage_members(actor, council):
        raise Conflict(_("Der Fachbeirat ist archiviert."), "archived")
    existing = membership_of(person, council)
    if not can_appoint(actor, council, role) or (existing is not None and not can_appoint(actor, council, existing.role)):
        raise NotAllowed(_("Dazu fehlt dir die Berechtigung in diesem Fachbeirat."))
    if existing is not None:
        if existing.role != role:
            previous, existing.role = existing.role, role
            db.session.flush()
            audit(actor, "council.role", person, council=council, role=role, previous=previous)
            _tell(person, council, "council.role", _l("Deine Rolle im %(council)s", council=council.name),
                  _l("Du bist jetzt Moderator*in im Fachbeirat „%(council)s“.", council=council.name)
                  if role == "moderator" else
                  _l("Du bist jetzt Mitglied im Fachbeirat „%(council)s“.", council=council.name), actor)
        return existing, False
    if not is_verified_member(person):
        raise Invalid(_("Nur verifizierte Mitglieder des Forums können berufen werden."), "not_verified")
    membership = _add(council, person, role)
    audit(actor, "council.appoint", person, council=council, role=role)
    pending = pending_request_of(person, council)
    if pending is not None:
        pending.status, pending.decided_by_id, pending.decided_at = "accepted", actor.id, utcnow()
        db.session.flush()
    _tell(person, council, "council.appointed", _l("Berufen in den %(council)s", council=council.name),
          _l("Du wurdest als Moderator*in in den Fachbeirat „%(council)s“ berufen.", council=council.name)
          if role == "moderator" else
          _l("Du wurdest als Mitglied in den Fachbeirat „%(council)s“ berufen.", council=council.name), actor)
    return membership, True


def remove_member(actor, council: Council, person) -> None:
    """Take `person` out of the council (your own membership: use `leave`).
    Raises NotFound (not a member), Conflict (archived) or NotAllowed (a moderator removing a moderator, …)."""
    if is_signed_in(actor) and actor.id == person.id:
        leave(actor, council)
        return
    if not can_manage_members(actor, council):  # before the lookup: outsiders learn nothing about who is a member
        raise NotAllowed(_("Dazu fehlt dir die Berechtigung in diesem Fachbeirat."))
    membership = membership_of(person, council)
    if membership is None:
        raise NotFound(_("Diese Person ist kein Mitglied dieses Fachbeirats."), "not_member")
    if council.is_archived and can_manage_members(actor, council):
        raise Conflict(_("Der Fachbeirat ist archiviert."), "archived")
    if not can_remove_member(actor, council, membership.role):
        raise NotAllowed(_("Dazu fehlt dir die Berechtigung in diesem Fachbeirat."))
    _remove(council, membership)
    audit(actor, "council.remove", person, council=council, role=membership.role)
    _tell(person, council, "council.removed", _l("Nicht mehr im %(council)s", council=council.name),
          _l("Du bist nicht mehr Mitglied des Fachbeirats „%(council)s“.", council=council.name), actor)


def leave(actor, council: Council) -> None:
    """Leave a council (also an archived one). Raises Conflict when `actor` is not a member."""
    membership = membership_of(actor, council)
    if membership is None:
        raise Conflict(_("Du bist kein Mitglied dieses Fachbeirats."), "not_member")
    _remove(council, membership)
