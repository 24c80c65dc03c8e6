"""Reports and moderation decisions: report an item, hide, restore, dismiss (the queue: `queue.py`).

Plain functions taking models and an explicit actor; they raise `DomainError`s, flush and
never commit. Each content kind plugs in through `registry.register_target`.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import registry
from ..accounts.models import ORGANISATION_STAKEHOLDERS, User
from ..audit import audit
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..notifications.services import notify
from ..permissions import can_moderate_content, can_report, is_signed_in
from ..validators import single_line
from .models import REASON_MAX, ModerationDecision, Report

REPORTER_MIN_AGE = timedelta(days=1)
AUTO_REASON = "Automatisch ausgeblendet nach {n} Meldungen – die Moderation prüft den Beitrag."


def clean_reason(reason, *, required: bool = True) -> str:
    """A one-line reason of at most REASON_MAX characters. Raises Invalid."""
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise Invalid(_("Der Grund muss ein Text sein."), "invalid_reason")
    # line breaks become spaces (the reason may come from a text area); other control characters are refused
    reason = single_line(" ".join(reason.replace("\x00", "").split()), _("Der Grund"))
    if required and not reason:
        raise Invalid(_("Bitte gib einen Grund an."), "reason_required")
    if len(reason) > REASON_MAX:
        raise Invalid(_("Der Grund ist zu lang (höchstens %(max)s Zeichen).", max=REASON_MAX), "too_long")
    return reason


def load_target(kind, item_id, user):
    """(Target, item) when `kind` is known and `user` may see the item; NotFound otherwise
    (an invisible item is as missing as an unknown one)."""
    target = registry.target(kind) if isinstance(kind, str) else None
    if target is None:
        raise NotFound(_("Diese Art von Beitrag gibt es nicht."), "unknown_target")
    if isinstance(item_id, bool) or not isinstance(item_id, int) or not 0 < item_id < 2**62:
        raise NotFound(_("Diesen Beitrag gibt es nicht."))
    item = target.load(item_id)
    if item is None or not target.can_view(user, item):
        raise NotFound(_("Diesen Beitrag gibt es nicht."))
    return target, item


def _council_id(target, item) -> int | None:
    council = target.council_of(item)
    return council.id if council is not None else None


def open_reports_count(kind: str, item_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Report).where(
        Report.target_type == kind, Report.target_id == item_id, Report.status == "open")) or 0


def counted_reports(kind: str, item_id: int) -> int:
    """Open reports that count toward hiding the item on their own: from verified accounts (confirmed
    e-mail; organisations verified) made at least REPORTER_MIN_AGE ago. Anyone can make a few
    fresh accounts in a minute; their reports go to the moderators without hiding anything."""
    established = and_(
        User.email_confirmed_at.is_not(None),
        or_(User.stakeholder.not_in(ORGANISATION_STAKEHOLDERS), User.verification == "verified"),
        User.created_at <= utcnow() - REPORTER_MIN_AGE,
    )
    return db.session.scalar(select(func.count()).select_from(Report).join(User, User.id == Report.reporter_id).where(
        Report.target_type == kind, Report.target_id == item_id, Report.status == "open", established)) or 0


def report(actor, kind, item_id, reason) -> Report:
    """`actor` reports an item once. At REPORT_THRESHOLD open reports from different established
    people (`counted_reports`) the item is hidden pending review; every report reaches the queue. Raises NotFound (unknown or invisible item), NotAllowed (not
    a confirmed member, suspended, one's own item), Conflict (reported before), Invalid (reason)."""
    target, item = load_target(kind, item_id, actor)
    if not can_report(actor, None):
        raise NotAllowed(_("Melden können angemeldete Mitglieder mit bestätigter E-Mail-Adresse."))
    if target.author_of(item) == actor.id:
        raise NotAllowed(_("Eigene Beiträge kannst du nicht melden."), "own_item")
    reason = clean_reason(reason)
    if reported_by(actor, kind, item.id):
        raise Conflict(_("Du hast diesen Beitrag bereits gemeldet."), "already_reported")
    row = Report(reporter_id=actor.id, target_type=kind, target_id=item.id, council_id=_council_id(target, item),
                 reason=reason, status="open")
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent second report by the same person; the transaction is spent
        db.session.rollback()
        raise Conflict(_("Du hast diesen Beitrag bereits gemeldet."), "already_reported") from exc
    threshold = current_app.config.get("REPORT_THRESHOLD", 3)
    count = counted_reports(kind, item.id)
    if count >= threshold and not registry.is_hidden(item):
        auto_reason = AUTO_REASON.format(n=count)
        target.hide(item, auto_reason, None)
        _decision(target, item, "auto_hide", auto_reason, None)
        audit(None, "content.hide", (kind, item.id), auto_reason, council=_council_id(target, item),
              automatic=True, reports=count)
    return row


def _decision(target, item, action: str, reason: str, actor) -> ModerationDecision:
    row = ModerationDecision(target_type=target.kind, target_id=item.id, council_id=_council_id(target, item),
                             action=action, reason=reason, actor_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def _close_reports(kind: str, item_id: int, status: str) -> int:
    result = db.session.execute(
        update(Report).where(Report.target_type == kind, Report.target_id == item_id, Report.status == "open")
        .values(status=status, resolved_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _tell_author(target, item, subject: str, body: str, actor) -> None:
    author_id = target.author_of(item)
    author = db.session.get(User, author_id) if author_id is not None else None
    if author is not None:
        notify([author], subject, body, target.url_of(item), category="moderation", kind="content.moderated",
               exclude=actor)


def hide(actor, kind, item_id, reason) -> object:
    """Hide an item with a reason (confirming an automatic hide keeps it hidden with this reason);
    open reports count as upheld; the author is told why.
    Raises NotFound, NotAllowed (not a moderator of the item's council), Invalid (reason)."""
    target, item = _for_moderator(actor, kind, item_id)
    reason = clean_reason(reason)
    if registry.is_hidden(item) and getattr(item, "hidden_by_id", None) is not None:
        raise Conflict(_("Dieser Beitrag ist bereits ausgeblendet."), "already_hidden")
    target.hide(item, reason, actor)
    _close_reports(kind, item.id, "upheld")
    return _after(actor, target, item, "hide", reason,
                  _l("Dein Beitrag wurde ausgeblendet"),
                  _l("Die Moderation hat deinen Beitrag ausgeblendet.\n\nGrund: %(reason)s", reason=reason))


def restore(actor, kind, item_id, reason) -> object:
    """Show a hidden item again; open reports count as dismissed; the author is told.
    Raises NotFound, NotAllowed, Conflict (not hidden), Invalid."""
    target, item = _for_moderator(actor, kind, item_id)
    reason = clean_reason(reason)
    if not registry.is_hidden(item):
        raise Conflict(_("Dieser Beitrag ist nicht ausgeblendet."), "not_hidden")
    target.restore(item, actor)
    _close_reports(kind, item.id, "dismissed")
    return _after(actor, target, item, "restore", reason,
                  _l("Dein Beitrag ist wieder sichtbar"),
                  _l("Die Moderation hat deinen Beitrag wieder eingeblendet.\n\nGrund: %(reason)s", reason=reason))


def dismiss(actor, kind, item_id, reason) -> object:
    """Close the open reports without action; an item hidden only automatically is shown again
    (and its author told). Raises NotFound, NotAllowed, Conflict (no open reports), Invalid."""
    target, item = _for_moderator(actor, kind, item_id)
    reason = clean_reason(reason)
    if not _close_reports(kind, item.id, "dismissed"):
        raise Conflict(_("Zu diesem Beitrag liegen keine offenen Meldungen vor."), "no_open_reports")
    auto_hidden = registry.is_hidden(item) and getattr(item, "hidden_by_id", None) is None
    if auto_hidden:
        target.restore(item, actor)
    _decision(target, item, "dismiss", reason, actor)
    audit(actor, "content.dismiss", (kind, item.id), reason, council=_council_id(target, item))
    if auto_hidden:
        _tell_author(target, item, _l("Dein Beitrag ist wieder sichtbar"),
                     _l("Die Moderation hat die Meldungen zu deinem Beitrag geprüft und ihn wieder eingeblendet."
                        "\n\nGrund: %(reason)s", reason=reason), actor)
    return item


def record_hide(actor, kind: str, item, reason: str) -> None:
    """For an area that hid an item through its own path (e.g. the live room's hide button):
    close open reports, record the decision and the audit entry, tell the author."""
    target = registry.target(kind)
    _close_reports(kind, item.id, "upheld")
    _after(actor, target, item, "hide", reason, _l("Dein Beitrag wurde ausgeblendet"),
           _l("Die Moderation hat deinen Beitrag ausgeblendet.\n\nGrund: %(reason)s", reason=reason))


def _after(actor, target, item, action: str, reason: str, subject: str, body: str):
    _decision(target, item, action, reason, actor)
    audit(actor, f"content.{action}", (target.kind, item.id), reason, council=_council_id(target, item))
    _tell_author(target, item, subject, body, actor)
    return item


def _for_moderator(actor, kind, item_id):
    target, item = load_target(kind, item_id, actor)
    if not can_moderate_content(actor, target.council_of(item)):
        raise NotAllowed(_("Nur die Moderation dieses Fachbeirats darf hier eingreifen."))
    return target, item


def reported_by(user, kind: str, item_id: int) -> bool:
    if not is_signed_in(user):
        return False
    return db.session.scalar(select(Report.id).where(
        Report.reporter_id == user.id, Report.target_type == kind, Report.target_id == item_id)) is not None
