"""Meeting pages: list, detail, create, edit, publish, cancel, delete, follow, printable agenda.

Agenda editing is in `agenda_routes.py`, the live control and minutes in `running_routes.py`, the
calendars in `feeds.py`; all register on this blueprint.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..councils.models import Council, Membership
from ..councils.visibility import get_visible_council_or_404
from ..extensions import db
from ..handlers import ButtonForm, allow, anyone, attempt, button_pressed, form_page, press, require, signed_in
from ..permissions import (can_create_meeting, can_edit_meeting, can_follow_meeting, can_manage_meetings,
                           can_publish_meeting, can_run_meeting)
from ..text import render_markdown
from . import live  # noqa: F401  (registers the "meeting" room kind)
from . import queries, services
from .forms import ItemChoiceForm, MeetingEditForm, MeetingForm
from .models import Meeting
from .times import local_to_utc, utc_to_local_input

bp = Blueprint("meetings", __name__)
PAST_PER_PAGE = 20


def load(meeting_id: int) -> Meeting:
    """The meeting if the viewer may see it; a 404 page otherwise."""
    return queries.get_visible_meeting(meeting_id, current_user)


def creatable_councils(user) -> list[Council]:
    """Councils `user` may create meetings for: all (managers) or those they moderate."""
    stmt = select(Council).where(Council.archived_at.is_(None)).order_by(Council.name)
    if not can_manage_meetings(user):
        moderated = select(Membership.council_id).where(Membership.user_id == user.id, Membership.role == "moderator")
        stmt = stmt.where(Council.id.in_(moderated))
    return [c for c in db.session.scalars(stmt) if can_create_meeting(user, c)]


@bp.app_template_global("meeting_discussions")
def meeting_discussions(proposal) -> list:
    """For any page (the proposal page): [(meeting, agenda item)] of published meetings the viewer may see
    that have `proposal` on their agenda. Render with {% include "meetings/_discussed.html" %}."""
    return queries.meetings_discussing(proposal, current_user)


@bp.get("/meetings")
@allow(anyone)
def index():
    """Upcoming and past meetings the viewer may see, drafts for those who edit them."""
    council = None
    if request.args.get("council"):
        council = get_visible_council_or_404(request.args["council"][:80], current_user)
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    upcoming, drafts = queries.upcoming_and_drafts(current_user, council, current_user.is_authenticated)
    past_stmt = queries.meetings_query(current_user, council=council, upcoming=False)
    past = db.session.scalars(past_stmt.limit(PAST_PER_PAGE + 1).offset((page - 1) * PAST_PER_PAGE)).all()
    may_create = current_user.is_authenticated and bool(creatable_councils(current_user) or
                                                        can_create_meeting(current_user, None))
    return render_template("meetings/index.html", upcoming=upcoming, past=past[:PAST_PER_PAGE],
                           more_past=len(past) > PAST_PER_PAGE, page=page, drafts=drafts, council=council,
                           may_create=may_create)


def _meeting_form_choices(form: MeetingForm) -> None:
    choices = []
    if can_create_meeting(current_user, None):
        choices.append(("", _("Smart-City-Forum (öffentlich)")))
    for council in creatable_councils(current_user):
        label = council.name + (" " + _("(nicht öffentlich)") if council.is_private else "")
        choices.append((council.slug, label))
    form.council.choices = choices


@bp.route("/meetings/new", methods=["GET", "POST"])
@allow(signed_in)
def create():
    """Create a draft meeting of the forum or of a council."""
    if request.method == "POST":
        slug = (request.form.get("council") or "")[:80]
        council = get_visible_council_or_404(slug, current_user) if slug else None
        require(can_create_meeting, council)
    form = MeetingForm()
    _meeting_form_choices(form)
    if not form.council.choices:
        abort(403)
    if request.method == "GET" and request.args.get("council"):
        form.council.data = request.args["council"]
    if form.validate_on_submit():
        created = attempt(lambda: services.create_meeting(
            current_user, title=form.title.data, starts_at=local_to_utc(form.starts_at.data),
            ends_at=local_to_utc(form.ends_at.data), location=form.location.data or "",
            online_url=form.online_url.data, description=form.description.data or "", council=council),
            _("Der Entwurf ist angelegt. Jetzt fehlt noch die Tagesordnung."), form=form)
        if created:
            return redirect(url_for("meetings.edit", meeting_id=created.value.id))
    return form_page("meetings/new.html", form)


@bp.get("/meetings/<int:meeting_id>")
@allow(anyone)  # page_of_meeting: 404 for what the viewer may not see
def detail(meeting_id: int):
    meeting, following = queries.page_of_meeting(meeting_id, current_user)
    items = list(meeting.items)
    language = str(get_locale())
    revisions = [(r, r.summary_in(language)) for r in meeting.revisions] if not meeting.is_draft else []
    return render_template(
        "meetings/detail.html", meeting=meeting, items=items, links=queries.linked_proposals(items, current_user),
        description_html=render_markdown(meeting.description), minutes_html=render_markdown(meeting.minutes),
        following=following, form=ButtonForm(), choice_form=ItemChoiceForm(),
        revisions=revisions, render_markdown=render_markdown)


@bp.get("/meetings/<int:meeting_id>/print")
@allow(anyone, load=load)
def print_agenda(meeting: Meeting):
    """The agenda on one printable page."""
    items = list(meeting.items)
    return render_template("meetings/print.html", meeting=meeting, items=items,
                           links=queries.linked_proposals(items, current_user),
                           description_html=render_markdown(meeting.description), render_markdown=render_markdown)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@allow(can_edit_meeting, load=load)
def edit(meeting: Meeting):
    """Details and agenda of a meeting; after publishing every change is kept as a revision."""
    form = MeetingEditForm(obj=None if request.method == "POST" else meeting)
    if request.method == "GET":
        form.starts_at.data = utc_to_local_input(meeting.starts_at)
        form.ends_at.data = utc_to_local_input(meeting.ends_at)
    if form.validate_on_submit():
        was_draft = meeting.is_draft
        saved = attempt(lambda: services.update_meeting(
            meeting, current_user, title=form.title.data, starts_at=local_to_utc(form.starts_at.data),
            ends_at=local_to_utc(form.ends_at.data), location=form.location.data or "",
            online_url=form.online_url.data, description=form.description.data or ""), form=form)
        if saved:
            flash(_("Gespeichert.") if not saved.value or was_draft
                  else _("Gespeichert. Die Änderung ist in der Versionsgeschichte sichtbar."), "success")
            return redirect(url_for("meetings.edit", meeting_id=meeting.id))
    from .agenda_routes import agenda_context

    return form_page("meetings/edit.html", form, meeting=meeting, **agenda_context(meeting))


def _press(meeting: Meeting, action, success: str):
    """A button on the meeting's page (handlers.press), then back to the page."""
    return press(action, success, redirect(url_for("meetings.detail", meeting_id=meeting.id)))


@bp.post("/meetings/<int:meeting_id>/publish")
@allow(can_publish_meeting, load=load)
def publish(meeting: Meeting):
    return _press(meeting, lambda: services.publish_meeting(meeting, current_user),
                  _("Die Tagesordnung ist veröffentlicht; die Beteiligten wurden benachrichtigt."))


@bp.post("/meetings/<int:meeting_id>/cancel")
@allow(can_run_meeting, load=load)
def cancel(meeting: Meeting):
    return _press(meeting, lambda: services.cancel_meeting(meeting, current_user), _("Die Sitzung ist abgesagt."))


@bp.post("/meetings/<int:meeting_id>/delete")
@allow(can_edit_meeting, load=load)
def delete(meeting: Meeting):
    if button_pressed() and attempt(lambda: services.delete_draft(meeting, current_user),
                                    _("Der Entwurf ist gelöscht.")):
        return redirect(url_for("meetings.index"))
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/follow")
@allow(can_follow_meeting, load=load)
def follow(meeting: Meeting):
    return _press(meeting, lambda: services.follow(meeting, current_user),
                  _("Du folgst dieser Sitzung und erfährst von Änderungen."))


@bp.post("/meetings/<int:meeting_id>/unfollow")
@allow(signed_in, load=load)
def unfollow(meeting: Meeting):
    return _press(meeting, lambda: services.unfollow(meeting, current_user), _("Du folgst dieser Sitzung nicht mehr."))


from . import agenda_routes, feeds, running_routes  # noqa: E402,F401  (routes register on bp)
