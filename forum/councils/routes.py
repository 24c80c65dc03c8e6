"""Council pages: list, found, page, edit, archive; join, ask to join, leave.

Every council is loaded through `get_visible_council_or_404`, so a private council is a 404
for outsiders on every route. Domain errors from the services end in the error page with
their status (403, 409, …) and message; form input errors re-render the form (422).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Conflict, DomainError
from ..extensions import db
from ..text import render_markdown
from ..permissions import (can_archive_council, can_edit_council, can_found_council, can_manage_members,
                           can_view_council, council_roles, is_staff)
from . import membership, queries, services
from .forms import ActionForm, CouncilForm, RequestForm
from .models import JoinRequest
from .visibility import get_visible_council_or_404, visible_councils

bp = Blueprint("councils", __name__)


def _to_detail(council):
    return redirect(url_for("councils.detail", slug=council.slug))


def _valid_action() -> None:
    """A button form carries nothing but the CSRF token; a bad token ends as the CSRF error."""
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.get("/councils")
def index():
    """Councils the person may see; staff see every council, private ones marked."""
    councils = db.session.scalars(visible_councils(current_user)).all()
    roles = council_roles(current_user)
    managed = [c.id for c in councils if (is_staff(current_user) or roles.get(c.id) == "moderator")
               and can_manage_members(current_user, c)]
    return render_template(
        "councils/index.html",
        active=[c for c in councils if not c.is_archived], archived=[c for c in councils if c.is_archived],
        roles=roles, pending=queries.pending_counts(managed),
    )


@bp.route("/councils/new", methods=["GET", "POST"])
@login_required
def new():
    """Found a council (chair, managing director, admin)."""
    if not can_found_council(current_user):
        abort(403)
    form = CouncilForm()
    if form.validate_on_submit():
        try:
            council = services.found_council(
                current_user, name=form.name.data, mandate=form.mandate.data, description=form.description.data,
                visibility=form.visibility.data, join_policy=form.join_policy.data)
        except DomainError as err:
            db.session.rollback()
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Der Fachbeirat „%(name)s“ ist gegründet. Berufe jetzt Moderation und Mitglieder.",
                    name=council.name), "success")
            return redirect(url_for("councils.members", slug=council.slug))
    return render_template("councils/form.html", form=form, council=None), (422 if form.errors or form.form_errors else 200)


@bp.get("/councils/<slug>")
def detail(slug: str):
    """The council page: mandate, description, moderators, members by group, proposals, membership actions."""
    from ..meetings.queries import upcoming_meetings

    council, by_stakeholder, latest_request = queries.council_page(slug, current_user)
    if council is None:
        abort(404)
    return render_template(
        "councils/detail.html", council=council, description_html=render_markdown(council.description),
        moderators=queries.moderators(council),
        meetings=upcoming_meetings(current_user, 5, council=council, details=False),
        by_stakeholder=by_stakeholder, proposals=queries.proposals(council),
        viewer=queries.viewer(current_user, council, latest_request), action_form=ActionForm(),
        request_form=RequestForm(),
    )


@bp.route("/councils/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    if not can_edit_council(current_user, council):
        if can_archive_council(current_user, council):
            raise Conflict(_("Der Fachbeirat ist archiviert und kann nicht bearbeitet werden."), "archived")
        abort(403)
    form = CouncilForm(obj=council)
    if form.validate_on_submit():
        try:
            services.update_council(
                current_user, council, name=form.name.data, mandate=form.mandate.data,
                description=form.description.data, visibility=form.visibility.data, join_policy=form.join_policy.data)
        except DomainError as err:
            db.session.rollback()
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Die Änderungen sind gespeichert."), "success")
            return _to_detail(council)
    return render_template("councils/form.html", form=form, council=council), (422 if form.errors or form.form_errors else 200)


@bp.post("/councils/<slug>/archive")
@login_required
def archive(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    if not can_archive_council(current_user, council):
        abort(403)
    _valid_action()
    services.archive_council(current_user, council)
    db.session.commit()
    flash(_("Der Fachbeirat ist archiviert. Er bleibt sichtbar, kann aber nicht mehr geändert werden."), "success")
    return _to_detail(council)


@bp.post("/councils/<slug>/restore")
@login_required
def restore(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    if not can_archive_council(current_user, council):
        abort(403)
    _valid_action()
    services.restore_council(current_user, council)
    db.session.commit()
    flash(_("Der Fachbeirat ist wieder aktiv."), "success")
    return _to_detail(council)


@bp.post("/councils/<slug>/join")
@login_required
def join(slug: str):
    """Join an open council; the service says why not (not verified, on request only, …)."""
    council = get_visible_council_or_404(slug, current_user)
    _valid_action()
    membership.join(current_user, council)
    db.session.commit()
    flash(_("Willkommen im Fachbeirat „%(name)s“!", name=council.name), "success")
    return _to_detail(council)


@bp.post("/councils/<slug>/request")
@login_required
def request_join(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    form = RequestForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(" ".join(str(e) for e in form.message.errors), "error")
        return _to_detail(council)
    membership.request_to_join(current_user, council, form.message.data)
    db.session.commit()
    flash(_("Deine Anfrage ist gestellt. Die Moderation entscheidet darüber; du bekommst Bescheid."), "success")
    return _to_detail(council)


@bp.post("/councils/<slug>/request/withdraw")
@login_required
def withdraw_request(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    _valid_action()
    pending = membership.pending_request_of(current_user, council)
    if pending is None:
        raise Conflict(_("Du hast keine offene Anfrage für diesen Fachbeirat."), "no_request")
    membership.withdraw_request(current_user, pending)
    db.session.commit()
    flash(_("Deine Anfrage ist zurückgezogen."), "success")
    return _to_detail(council)


@bp.post("/councils/<slug>/leave")
@login_required
def leave(slug: str):
    council = get_visible_council_or_404(slug, current_user)
    _valid_action()
    membership.leave(current_user, council)
    db.session.commit()
    flash(_("Du hast den Fachbeirat „%(name)s“ verlassen.", name=council.name), "success")
    if not can_view_council(current_user, council):  # a private council is gone from view now
        return redirect(url_for("councils.index"))
    return _to_detail(council)


def request_or_404(council, request_id: int) -> JoinRequest:
    """A join request of this council (another council's request id is a 404)."""
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.council_id != council.id:
        abort(404)
    return join_request


from . import member_routes  # noqa: E402,F401  (routes register on bp)
