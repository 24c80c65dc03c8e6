"""The members page of a council: appoint, change roles, remove, and the join-request queue.

Open to the council's moderators and to staff (`can_manage_members`); a moderator of
another council gets 403 on a public council and 404 on a private one.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import User
from ..accounts.services import find_by_email
from ..extensions import db
from ..handlers import ButtonForm, allow, attempt, button_pressed
from ..permissions import can_manage_members
from . import membership, queries
from .forms import ROLE_LABELS, AppointForm, DecideForm, RoleForm
from .models import Council
from .routes import bp, load

RECENT_DECISIONS = 20


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
        action_form=ButtonForm(), role_labels=ROLE_LABELS,
    ), status


@bp.get("/councils/<slug>/members")
@allow(can_manage_members, load=load)
def members(council: Council):
    """Members with their roles, appointing, and the queue of join requests."""
    return _render(council)


@bp.post("/councils/<slug>/members")
@allow(can_manage_members, load=load)
def appoint(council: Council):
    """Appoint by e-mail address or from the search results (`user_id`)."""
    form = AppointForm()
    if not form.validate_on_submit():
        return _render(council, 422, appoint_form=form)
    person = (db.session.get(User, int(form.user_id.data)) if (form.user_id.data or "").isdigit()
              else find_by_email(form.email.data))
    if person is None:
        form.email.errors = [_("Niemand im Forum hat diese E-Mail-Adresse.")]
        return _render(council, 422, appoint_form=form)
    appointed = attempt(lambda: membership.appoint(current_user, council, person, form.role.data), form=form)
    if not appointed:
        return _render(council, 422, appoint_form=form)
    _membership, created = appointed.value
    flash(_("%(name)s ist jetzt dabei.", name=person.name) if created
          else _("Die Rolle von %(name)s ist gespeichert.", name=person.name), "success")
    return _to_members(council)


@bp.post("/councils/<slug>/members/<int:user_id>/role")
@allow(can_manage_members, load=load)
def change_role(council: Council, user_id: int):
    person = db.get_or_404(User, user_id)
    form = RoleForm(prefix=f"m{user_id}")
    if not form.validate_on_submit():
        abort(400)
    if membership.membership_of(person, council) is None:
        abort(404)
    attempt(lambda: membership.appoint(current_user, council, person, form.role.data),
            _("Die Rolle von %(name)s ist gespeichert.", name=person.name))
    return _to_members(council)


@bp.post("/councils/<slug>/members/<int:user_id>/remove")
@allow(can_manage_members, load=load)
def remove_member(council: Council, user_id: int):
    person = db.get_or_404(User, user_id)
    if button_pressed():
        attempt(lambda: membership.remove_member(current_user, council, person),
                _("%(name)s ist nicht mehr Mitglied.", name=person.name))
    return _to_members(council)


@bp.post("/councils/<slug>/requests/<int:request_id>")
@allow(can_manage_members, load=load)
def decide_request(council: Council, request_id: int):
    """Accept or decline a join request; declining needs a reason the person sees."""
    join_request = queries.join_request_or_404(council, request_id)
    form = DecideForm(prefix=f"r{request_id}")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _render(council, 422, decide_forms={request_id: form})
    accept, name = bool(form.accept.data), join_request.user.name
    attempt(lambda: membership.decide_request(current_user, join_request, accept=accept, reason=form.reason.data),
            _("%(name)s ist jetzt Mitglied.", name=name) if accept
            else _("Die Anfrage von %(name)s ist abgelehnt; die Begründung wurde mitgeteilt.", name=name))
    return _to_members(council)
