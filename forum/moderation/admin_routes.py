"""Pages for the managing director and admins: the audit log and people (suspensions)."""
from __future__ import annotations

from datetime import datetime, time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..accounts.models import User
from ..accounts.routes import load_person
from ..audit import ACTIONS, entries_query
from ..extensions import db
from ..handlers import allow, attempt
from ..permissions import can_read_audit, can_suspend
from . import suspensions
from .forms import AuditFilterForm, LiftForm, SuspendForm
from .routes import bp

PER_PAGE = 50
TARGET_TYPES = ("user", "council", "proposal", "comment", "message", "meeting", "site_page", "project",
                "criteria_catalogue", "cooperation_request")


def actor_names(entries) -> dict[int, str]:
    """{actor id: current name} for the actors of `entries` (an erased account has none)."""
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


@bp.get("/audit")
@allow(can_read_audit)
def audit_log():
    """The audit log, newest first, filtered by action, actor, target type and dates; read-only."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("alle"))] + [(a, a) for a in ACTIONS]
    form.target_type.choices = [("", _("alle"))] + [(t, t) for t in TARGET_TYPES]
    form.validate()
    actor_id = int(form.actor.data) if (form.actor.data or "").strip().isdigit() else None
    stmt = entries_query(
        action=form.action.data if not form.action.errors else None, actor_id=actor_id,
        target_type=form.target_type.data if not form.target_type.errors else None,
        date_from=datetime.combine(form.date_from.data, time()) if form.date_from.data else None,
        date_to=datetime.combine(form.date_to.data, time()) if form.date_to.data else None,
    )
    page = _page()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    entries = list(db.session.scalars(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("moderation/audit.html", form=form, entries=entries, names=actor_names(entries),
                           page=page, pages=max(1, -(-total // PER_PAGE)), total=total, args=args)


@bp.get("/people")
@allow(can_suspend)
def people():
    """Find people by name, e-mail or organisation; suspend them or lift a suspension."""
    q = (request.args.get("q") or "").strip()[:100]
    stmt = select(User).order_by(User.name, User.id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), User.email.like(like),
                              func.lower(User.organisation).like(like)))
    else:
        stmt = stmt.where(User.suspended_until.is_not(None))
    found = list(db.session.scalars(stmt.limit(50)))
    return render_template("moderation/people.html", q=q, people=found,
                           active={p.id: suspensions.active_suspension(p) for p in found},
                           suspend_form=SuspendForm(), lift_form=LiftForm())


@bp.post("/people/<int:user_id>/suspension")
@allow(can_suspend, load=load_person)  # nobody themselves, only an admin an admin
def suspend(person: User):
    form = SuspendForm()
    if not form.validate_on_submit():
        flash(_("Bitte gib eine Begründung und ggf. ein gültiges Datum an."), "error")
    else:  # on success the person's live sockets close (the service announced it)
        until = datetime.combine(form.until.data, time(23, 59)) if form.until.data else None
        attempt(lambda: suspensions.suspend(current_user, person, until=until, reason=form.reason.data),
                _("%(name)s ist gesperrt.", name=person.name))
    return redirect(url_for("moderation.people", q=person.email))


@bp.post("/people/<int:user_id>/suspension/lift")
@allow(can_suspend)  # the service decides whose suspension may be lifted
def lift(user_id: int):
    person = load_person(user_id)
    form = LiftForm()
    if form.validate_on_submit():
        attempt(lambda: suspensions.lift(current_user, person, form.reason.data),
                _("Die Sperre von %(name)s ist aufgehoben.", name=person.name))
    return redirect(url_for("moderation.people", q=person.email))
