"""Live control (current TOP, next TOP, end) and the minutes page, for the managing director."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..permissions import can_run_meeting
from . import running
from .forms import ActionForm, ItemChoiceForm, minutes_form_for, outcome_field_name
from .models import AgendaItem, Meeting
from ..handlers import attempt
from .routes import bp, load


def _runnable(meeting_id: int) -> Meeting:
    meeting = load(meeting_id)
    if not can_run_meeting(current_user, meeting):
        abort(403)
    return meeting


def _back(meeting: Meeting):
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#agenda")


@bp.post("/meetings/<int:meeting_id>/current-item")
@login_required
def set_current_item(meeting_id: int):
    """Make the chosen TOP current (the meeting goes live); everyone on the page follows at once."""
    meeting = _runnable(meeting_id)
    form = ItemChoiceForm()
    if form.validate_on_submit():
        item = db.session.get(AgendaItem, int(form.item_id.data)) if form.item_id.data.isdigit() else None
        attempt(lambda: running.set_current_item(meeting, current_user, item))
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/next")
@login_required
def next_item(meeting_id: int):
    meeting = _runnable(meeting_id)
    if ActionForm().validate_on_submit():
        attempt(lambda: running.advance(meeting, current_user))
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/end")
@login_required
def end(meeting_id: int):
    meeting = _runnable(meeting_id)
    if ActionForm().validate_on_submit():
        attempt(lambda: running.end_meeting(meeting, current_user), _("Die Sitzung ist beendet."))
    return _back(meeting)


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(meeting_id: int):
    """Write or correct the minutes: text, attendance and the outcome per TOP."""
    meeting = _runnable(meeting_id)
    if meeting.status not in ("published", "live", "ended"):
        abort(404)
    form = minutes_form_for(meeting, obj=None)
    if not form.is_submitted():
        form.minutes.data = meeting.minutes or ""
        form.attendance_count.data = meeting.attendance_count
        form.organisations.data = meeting.attendance_organisations or ""
    if form.validate_on_submit():
        outcomes = {item.id: getattr(form, outcome_field_name(item.id)).data or "" for item in meeting.items}
        organisations = (form.organisations.data or "").splitlines()
        try:
            running.publish_minutes(meeting, current_user, minutes=form.minutes.data,
                                    attendance_count=form.attendance_count.data, organisations=organisations,
                                    outcomes=outcomes)
        except DomainError as err:
            db.session.rollback()
            if err.status in (403, 404):
                raise
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Das Protokoll ist veröffentlicht."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#minutes")
    outcome_fields = [getattr(form, outcome_field_name(item.id)) for item in meeting.items]
    status = 422 if form.errors or form.form_errors else 200
    return render_template("meetings/minutes.html", meeting=meeting, form=form, outcome_fields=outcome_fields), status
