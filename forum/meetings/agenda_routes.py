"""Agenda pages: add, change, remove and reorder TOPs (on the meeting's edit page)."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..handlers import ButtonForm, allow, attempt, button_pressed, form_page
from ..permissions import can_edit_meeting
from . import agenda, queries
from .forms import AgendaItemForm, MeetingEditForm, MoveForm
from .models import AgendaItem, Meeting
from .routes import bp, load
from .times import utc_to_local_input

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
            "action_form": ButtonForm(), "move_form": MoveForm()}


def _load_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def _item_fields(form: AgendaItemForm) -> dict:
    return {"title": form.title.data, "description": form.description.data or "",
            "duration_minutes": form.duration_minutes.data, "presenter": form.presenter.data,
            "proposal_ids": form.proposal_ids.data}


def _to_agenda(meeting: Meeting, anchor: str = "agenda"):
    return redirect(url_for("meetings.edit", meeting_id=meeting.id) + "#" + anchor)


@bp.post("/meetings/<int:meeting_id>/items")
@allow(can_edit_meeting, load=load)
def add_item(meeting: Meeting):
    form = AgendaItemForm(prefix=ADD_PREFIX)
    _proposal_choices(form)
    if form.validate_on_submit() and attempt(lambda: agenda.add_item(meeting, current_user, **_item_fields(form)),
                                             _("Der TOP ist hinzugefügt."), form=form):
        return _to_agenda(meeting)
    meeting_form = MeetingEditForm(formdata=None, obj=meeting)
    meeting_form.starts_at.data = utc_to_local_input(meeting.starts_at)
    meeting_form.ends_at.data = utc_to_local_input(meeting.ends_at)
    return render_template("meetings/edit.html", meeting=meeting, form=meeting_form,
                           **agenda_context(meeting, form)), 422


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@allow(can_edit_meeting, load=load)
def edit_item(meeting: Meeting, item_id: int):
    item = _load_item(meeting, item_id)
    posted = request.method == "POST"
    form = AgendaItemForm() if posted else AgendaItemForm(obj=item)
    _proposal_choices(form, item)
    if not posted:
        form.proposal_ids.data = [p.id for p in _visible_links(item)]
    if form.validate_on_submit() and attempt(lambda: agenda.update_item(meeting, item, current_user,
                                                                        **_item_fields(form)),
                                             _("Der TOP ist gespeichert."), form=form):
        return _to_agenda(meeting)
    return form_page("meetings/item_edit.html", form, meeting=meeting, item=item)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/delete")
@allow(can_edit_meeting, load=load)
def delete_item(meeting: Meeting, item_id: int):
    item = _load_item(meeting, item_id)
    if button_pressed():
        attempt(lambda: agenda.remove_item(meeting, item, current_user), _("Der TOP ist entfernt."))
    return _to_agenda(meeting)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/move")
@allow(can_edit_meeting, load=load)
def move_item(meeting: Meeting, item_id: int):
    item = _load_item(meeting, item_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            position = int(form.position.data)
        except ValueError:
            abort(400)
        attempt(lambda: agenda.move_item(meeting, item, current_user, position), _("Die Reihenfolge ist geändert."))
    return _to_agenda(meeting, f"agenda-item-{item.id}")
