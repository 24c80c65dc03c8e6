"""The members page of a council: appoint, change roles, remove, and the join-request queue.

Open to the council's moderators and to staff (`can_manage_members`); a moderator of
another council gets 403 on a public council and 404 on a private one.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import User
from ..accounts.services import find_by_email
from ..errors import DomainError
from ..extensions import db
from ..permissions import can_manage_members
from . import membership, queries
from .forms import ROLE_LABELS, ActionForm, AppointForm, DecideForm, RoleForm
from .routes import _valid_action, bp, request_or_404
from .visibility import get_visible_council_or_404

RECENT_DECISIONS = 20


def _managed_council_or_abort(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    if not can_manage_members(current_user, council):
        abort(403)
    return council


def _to_members(council):
    return redirect(url_for("councils.members", slug=council.slug))


def _render(council, status: int = 200, *, appoint_form=None, decide_forms=None):
    query = request.args.get("q", "")
    return render_template(
        "councils/members.html", council=council, members=queries.members(council),
        pending=db.session.scalars(queries.join_requests(council)).all(),
        decided=queries.recent_decisions(council, RECENT_DECISIONS),
        query=query, candidates=queries.candidates(council, query) if query else [],
        appoint_form=appoint_form or AppointForm(), decide_forms=decide_forms or {},
        role_form_for=lambda m: RoleForm(role=m.role, prefix=f"m{m.user_id}", formdata=None),
        decide_form_for=lambda r: DecideForm(prefix=f"r{r.id}", formdata=None),
        action_form=ActionForm(), role_labels=ROLE_LABELS,
    ), status


@bp.get("/councils/<slug>/members")
@login_required
def members(slug: str):
    """Members with their roles, appointing, and the queue of join requests."""
    return _render(_managed_council_or_abort(slug))


@bp.post("/councils/<slug>/members")
@login_required
def appoint(slug: str):
    """Appoint by e-mail address or from the search results (`user_id`)."""
    council = _managed_council_or_abort(slug)
    form = AppointForm()
    if not form.validate_on_submit():
        return _render(council, 422, appoint_form=form)
    person = (db.session.get(User, int(form.user_id.data)) if (form.user_id.data or "").isdigit()
              else find_by_email(form.email.data))
    if person is None:
        form.email.errors = [_("Niemand im Forum hat diese E-Mail-Adresse.")]
        return _render(council, 422, appoint_form=form)
    try:
        _membership, created = membership.appoint(current_user, council, person, form.role.data)
    except DomainError as err:
        if err.status != 422:
            raise
        db.session.rollback()
        form.form_errors.append(err.message)
        return _render(council, 422, appoint_form=form)
    db.session.commit()
    flash(_("%(name)s ist jetzt dabei.", name=person.name) if created
          else _("Die Rolle von %(name)s ist gespeichert.", name=person.name), "success")
    return _to_members(council)


@bp.post("/councils/<slug>/members/<int:user_id>/role")
@login_required
def change_role(slug: str, user_id: int):
    council = _managed_council_or_abort(slug)
    person = db.get_or_404(User, user_id)
    form = RoleForm(prefix=f"m{user_id}")
    if not form.validate_on_submit():
        abort(400)
    if membership.membership_of(person, council) is None:
        abort(404)
    membership.appoint(current_user, council, person, form.role.data)
    db.session.commit()
    flash(_("Die Rolle von %(name)s ist gespeichert.", name=person.name), "success")
    return _to_members(council)


@bp.post("/councils/<slug>/members/<int:user_id>/remove")
@login_required
def remove_member(slug: str, user_id: int):
    council = _managed_council_or_abort(slug)
    person = db.get_or_404(User, user_id)
    _valid_action()
    membership.remove_member(current_user, council, person)
    db.session.commit()
    flash(_("%(name)s ist nicht mehr Mitglied.", name=person.name), "success")
    return _to_members(council)


@bp.post("/councils/<slug>/requests/<int:request_id>")
@login_required
def decide_request(slug: str, request_id: int):
    """Accept or decline a join request; declining needs a reason the person sees."""
    council = _managed_council_or_abort(slug)
    join_request = request_or_404(council, request_id)
    form = DecideForm(prefix=f"r{request_id}")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _render(council, 422, decide_forms={request_id: form})
    accept = bool(form.accept.data)
    membership.decide_request(current_user, join_request, accept=accept, reason=form.reason.data)
    db.session.commit()
    name = join_request.user.name
    flash(_("%(name)s ist jetzt Mitglied.", name=name) if accept
          else _("Die Anfrage von %(name)s ist abgelehnt; die Begründung wurde mitgeteilt.", name=name), "success")
    return _to_members(council)
