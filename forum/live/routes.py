"""HTML routes of the live panel: the room's own page and the no-JavaScript forms.

The forms post here and are redirected back (`next`, a path on this site) to the page that
shows the panel; the same services as the socket handlers store, check and broadcast.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..handlers import allow, attempt, signed_in
from ..permissions import can_read_live
from ..rooms import Room, resolve_room, room_name
from ..security import is_safe_path
from . import services
from .forms import HideForm, MessageForm
from .guard import allowed
from .models import LiveMessage

bp = Blueprint("live", __name__, url_prefix="/live")


def load_room(kind: str, key: str) -> Room:
    """The room as the viewer may see it; 404 when it is unknown or invisible to them."""
    found = resolve_room(room_name(kind, key), current_user)
    if found is None:
        abort(404)
    return found


def load_message(message_id: int) -> LiveMessage:
    """A message of a room the viewer may see; 404 otherwise."""
    message = services.get_message(message_id)
    if message is None or resolve_room(message.room, current_user) is None:
        abort(404)
    return message


def _back(form, fallback: str, anchor: str = "") -> str:
    target = form.next.data if form.next.data and is_safe_path(form.next.data) else fallback
    return target.split("#", 1)[0] + anchor


@bp.get("/rooms/<kind>/<key>")
@allow(can_read_live, load=load_room)
def room(found: Room):
    """A room on its own page (the panel is also shown on the page the room belongs to)."""
    return render_template("live/room.html", room=found)


@bp.post("/rooms/<kind>/<key>/messages")
@allow(signed_in, load=load_room)  # the service says who may post here; its refusal is a flash message
def post(found: Room):
    """Post a message without JavaScript; the socket clients in the room get it at once."""
    form = MessageForm()
    kind, key = found.name.split(":", 1)
    fallback = url_for("live.room", kind=kind, key=key)
    panel = f"#{_panel_anchor(found.name)}"
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(_back(form, fallback, panel))
    if not allowed("post", f"user:{current_user.id}"):
        earlier = services.earlier_post(found, current_user, form.client_id.data or None)
        if earlier is not None:  # the same form sent again: it was stored, show it
            return redirect(_back(form, fallback, f"#live-message-{earlier.id}"))
        flash(_("Zu viele Nachrichten in kurzer Zeit. Bitte warte einen Moment."), "error")
        return redirect(_back(form, fallback, panel))
    try:
        message, _created = services.post_message(found, current_user, form.body.data, form.client_id.data or None)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(_back(form, fallback, panel))
    db.session.commit()
    return redirect(_back(form, fallback, f"#live-message-{message.id}"))


@bp.post("/messages/<int:message_id>/hide")
@allow(signed_in, load=load_message)  # the service refuses (403) whoever does not moderate the room
def hide(message: LiveMessage):
    """Hide a message (moderators): it vanishes for everyone in the room at once."""
    form = HideForm()
    kind, key = message.room.split(":", 1)
    if not form.validate_on_submit():
        flash(_("Bitte gib einen Grund an (höchstens 500 Zeichen)."), "error")
    else:
        attempt(lambda: services.hide_message(current_user, message, form.reason.data),
                _("Die Nachricht ist ausgeblendet."))
    return redirect(_back(form, url_for("live.room", kind=kind, key=key), f"#live-message-{message.id}"))


def _panel_anchor(name: str) -> str:
    from .panel import dom_id

    return dom_id(name)
