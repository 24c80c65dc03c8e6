"""Agenda pages: add, change, remove and reorder TOPs (on the meeting's edit page)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..permissions import can_edit_meeting
from . import agenda, queries
from .forms import ActionForm, AgendaItemForm, MoveForm
from .models import AgendaItem, Meeting
from ..handlers import attempt
from .routes import bp, load

# The add form shares the edit page with the meeting's own form: its fields get distinct names and ids.
ADD_PREFIX = "item"


def _proposal_choices(form: AgendaItemForm, item: AgendaItem | None = None) -> None:
    proposals = queries.linkable_proposals(current_user)
    if item is not None:
        known = {p.id for p in proposals}
        proposals += [p for p in _visible_links(item) if p.id not in known]
    form.proposal_ids.choices = [(p.id, f"#{p.id} {p.title}") for p in proposals]


def _visible_links(item: AgendaItem) -> list:
    return queries.linked_proposals([item], current_user).get(item.id, [])


def agenda_context(meeting: Meeting, item_form: AgendaItemForm | None = None) -> dict:
    """What the edit page needs to show and change the agenda."""
    if item_form is None:
        item_form = AgendaItemForm(formdata=None, prefix=ADD_PREFIX)
    _proposal_choices(item_form)
    items = list(meeting.items)
    return {"items": items, "links": queries.linked_proposals(items, current_user), "item_form": item_form,
            "action_form": ActionForm(), "move_form": MoveForm()}


def _load_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def _editable(meeting_id: int) -> Meeting:
    meeting = load(meeting_id)
    if not can_edit_meeting(current_user, meeting):
        abort(403)
    return meeting


@bp.post("/meetings/<int:meeting_id>/items")
@login_required
def add_item(meeting_id: int):
    meeting = _editable(meeting_id)
    form = AgendaItemForm(prefix=ADD_PREFIX)
    _proposal_choices(form)
    if form.validate_on_submit():
        try:
            agenda.add_item(meeting, current_user, title=form.title.data, description=form.description.data or "",
                            duration_minutes=form.duration_minutes.data, presenter=form.presenter.data,
                            proposal_ids=form.proposal_ids.data)
        except DomainError as err:
            db.session.rollback()
            if err.status in (403, 404):
                raise
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Der TOP ist hinzugefügt."), "success")
            return redirect(url_for("meetings.edit", meeting_id=meeting.id) + "#agenda")
    from .forms import MeetingEditForm
    from .times import utc_to_local_input

    meeting_form = MeetingEditForm(formdata=None, obj=meeting)
    meeting_form.starts_at.data = utc_to_local_input(meeting.starts_at)
    meeting_form.ends_at.data = utc_to_local_input(meeting.ends_at)
    return render_template("meetings/edit.html", meeting=meeting, form=meeting_form,
                           **agenda_context(meeting, form)), 422


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(meeting_id: int, item_id: int):
    meeting = _editable(meeting_id)
    item = _load_item(meeting, item_id)
    posted = request.method == "POST"
    form = AgendaItemForm() if posted else AgendaItemForm(obj=item)
    _proposal_choices(form, item)
    if not posted:
        form.proposal_ids.data = [p.id for p in _visible_links(item)]
    if form.validate_on_submit():
        try:
            agenda.update_item(meeting, item, current_user, title=form.title.data,
                               description=form.description.data or "", duration_minutes=form.duration_minutes.data,
                               presenter=form.presenter.data, proposal_ids=form.proposal_ids.data)
        except DomainError as err:
            db.session.rollback()
            if err.status in (403, 404):
                raise
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Der TOP ist gespeichert."), "success")
            return redirect(url_for("meetings.edit", meeting_id=meeting.id) + "#agenda")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("meetings/item_edit.html", meeting=meeting, item=item, form=form), status


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/delete")
@login_required
def delete_item(meeting_id: int, item_id: int):
    meeting = _editable(meeting_id)
    item = _load_item(meeting, item_id)
    if ActionForm().validate_on_submit():
        attempt(lambda: agenda.remove_item(meeting, item, current_user), _("Der TOP ist entfernt."))
    return redirect(url_for("meetings.edit", meeting_id=meeting.id) + "#agenda")


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/move")
@login_required
def move_item(meeting_id: int, item_id: int):
    meeting = _editable(meeting_id)
    item = _load_item(meeting, item_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            position = int(form.position.data)
        except ValueError:
            abort(400)
        attempt(lambda: agenda.move_item(meeting, item, current_user, position), _("Die Reihenfolge ist geändert."))
    return redirect(url_for("meetings.edit", meeting_id=meeting.id) + f"#agenda-item-{item.id}")
