"""Live control (current TOP, next TOP, end) and the minutes page, for the managing director."""
from __future__ import annotations

from flask import abort, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..handlers import allow, attempt, button_pressed, form_page
from ..permissions import can_run_meeting
from . import running
from .forms import ItemChoiceForm, minutes_form_for, outcome_field_name
from .models import AgendaItem, Meeting
from .routes import bp, load


def _back(meeting: Meeting):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#agenda")


@bp.post("/meetings/<int:meeting_id>/current-item")
@allow(can_run_meeting, load=load)
def set_current_item(meeting: Meeting):
    """Make the chosen TOP current (the meeting goes live); everyone on the page follows at once."""
    form = ItemChoiceForm()
    if form.validate_on_submit():
        item = db.session.get(AgendaItem, int(form.item_id.data)) if form.item_id.data.isdigit() else None
        attempt(lambda: running.set_current_item(meeting, current_user, item))
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/next")
@allow(can_run_meeting, load=load)
def next_item(meeting: Meeting):
    if button_pressed():
        attempt(lambda: running.advance(meeting, current_user))
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/end")
@allow(can_run_meeting, load=load)
def end(meeting: Meeting):
    if button_pressed():
        attempt(lambda: running.end_meeting(meeting, current_user), _("Die Sitzung ist beendet."))
    return _back(meeting)


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@allow(can_run_meeting, load=load)
def minutes(meeting: Meeting):
    """Write or correct the minutes: text, attendance and the outcome per TOP."""
    if meeting.status not in ("published", "live", "ended"):
        abort(404)
    form = minutes_form_for(meeting, obj=None)
    if not form.is_submitted():
        form.minutes.data = meeting.minutes or ""
        form.attendance_count.data = meeting.attendance_count
        form.organisations.data = meeting.attendance_organisations or ""
    if form.validate_on_submit() and attempt(lambda: running.publish_minutes(
            meeting, current_user, minutes=form.minutes.data, attendance_count=form.attendance_count.data,
            organisations=(form.organisations.data or "").splitlines(),
            outcomes={item.id: getattr(form, outcome_field_name(item.id)).data or "" for item in meeting.items}),
            _("Das Protokoll ist veröffentlicht."), form=form):
        return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#minutes")
    outcome_fields = [getattr(form, outcome_field_name(item.id)) for item in meeting.items]
    return form_page("meetings/minutes.html", form, meeting=meeting, outcome_fields=outcome_fields)
