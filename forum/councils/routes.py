"""Council pages: list, found, page, edit, archive; join, ask to join, leave.

Every council is loaded through `load` (`get_visible_council_or_404`), so a private council is a
404 for outsiders on every route. A refusal of the page's buttons (join, leave, archive, …) ends in
the error page with its status (403, 409, …) and message; the forms show input errors and the
service's refusal on the form (422).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import Conflict
from ..extensions import db
from ..handlers import ButtonForm, allow, anyone, attempt, button_pressed, form_page, signed_in
from ..text import render_markdown
from ..permissions import (can_archive_council, can_found_council, can_manage_council, can_manage_members,
                           can_view_council, council_roles, is_staff)
from . import membership, queries, services
from .forms import CouncilForm, RequestForm
from .models import Council
from .visibility import get_visible_council_or_404, visible_councils

bp = Blueprint("councils", __name__)


def load(slug: str) -> Council:
    """The council if the viewer may see it; a 404 page otherwise (a private council for outsiders)."""
    return get_visible_council_or_404(slug, current_user)


def _to_detail(council):
    return redirect(url_for("councils.detail", slug=council.slug))


def _act(council, action, success: str):
    """A button on the council page: run `action`, commit and say so, back to the council. The
    service's refusal (409 already a member, 403 not verified, …) ends in the error page with its status."""
    if button_pressed():
        action()
        db.session.commit()
        flash(success, "success")
    return _to_detail(council)


def _fields(form: CouncilForm) -> dict:
    return dict(name=form.name.data, mandate=form.mandate.data, description=form.description.data,
                visibility=form.visibility.data, join_policy=form.join_policy.data)


@bp.get("/councils")
@allow(anyone)
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
@allow(can_found_council)
def new():
    """Found a council (chair, managing director, admin)."""
    form = CouncilForm()
    if form.validate_on_submit():
        founded = attempt(lambda: services.found_council(current_user, **_fields(form)), form=form)
        if founded:
            flash(_("Der Fachbeirat „%(name)s“ ist gegründet. Berufe jetzt Moderation und Mitglieder.",
                    name=founded.value.name), "success")
            return redirect(url_for("councils.members", slug=founded.value.slug))
    return form_page("councils/form.html", form, council=None)


@bp.get("/councils/<slug>")
@allow(anyone)  # council_page: 404 for what the viewer may not see
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
        viewer=queries.viewer(current_user, council, latest_request), action_form=ButtonForm(),
        request_form=RequestForm(),
    )


@bp.route("/councils/<slug>/edit", methods=["GET", "POST"])
@allow(can_manage_council, load=load)
def edit(council: Council):
    if council.is_archived:
        raise Conflict(_("Der Fachbeirat ist archiviert und kann nicht bearbeitet werden."), "archived")
    form = CouncilForm(obj=council)
    if form.validate_on_submit() and attempt(lambda: services.update_council(current_user, council, **_fields(form)),
                                             _("Die Änderungen sind gespeichert."), form=form):
        return _to_detail(council)
    return form_page("councils/form.html", form, council=council)


@bp.post("/councils/<slug>/archive")
@allow(can_archive_council, load=load)
def archive(council: Council):
    return _act(council, lambda: services.archive_council(current_user, council),
                _("Der Fachbeirat ist archiviert. Er bleibt sichtbar, kann aber nicht mehr geändert werden."))


@bp.post("/councils/<slug>/restore")
@allow(can_archive_council, load=load)
def restore(council: Council):
    return _act(council, lambda: services.restore_council(current_user, council), _("Der Fachbeirat ist wieder aktiv."))


@bp.post("/councils/<slug>/join")
@allow(signed_in, load=load)
def join(council: Council):
    """Join an open council; the service says why not (not verified, on request only, …)."""
    return _act(council, lambda: membership.join(current_user, council),
                _("Willkommen im Fachbeirat „%(name)s“!", name=council.name))


@bp.post("/councils/<slug>/request")
@allow(signed_in, load=load)
def request_join(council: Council):
    form = RequestForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(" ".join(str(e) for e in form.message.errors), "error")
        return _to_detail(council)
    return _act(council, lambda: membership.request_to_join(current_user, council, form.message.data),
                _("Deine Anfrage ist gestellt. Die Moderation entscheidet darüber; du bekommst Bescheid."))


@bp.post("/councils/<slug>/request/withdraw")
@allow(signed_in, load=load)
def withdraw_request(council: Council):
    def withdraw():
        pending = membership.pending_request_of(current_user, council)
        if pending is None:
            raise Conflict(_("Du hast keine offene Anfrage für diesen Fachbeirat."), "no_request")
        membership.withdraw_request(current_user, pending)

    return _act(council, withdraw, _("Deine Anfrage ist zurückgezogen."))


@bp.post("/councils/<slug>/leave")
@allow(signed_in, load=load)
def leave(council: Council):
    back = _act(council, lambda: membership.leave(current_user, council),
                _("Du hast den Fachbeirat „%(name)s“ verlassen.", name=council.name))
    if not can_view_council(current_user, council):  # a private council is gone from view now
        return redirect(url_for("councils.index"))
    return back


from . import member_routes  # noqa: E402,F401  (routes register on bp)
