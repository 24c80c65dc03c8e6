"""What `live_panel()` in templates/_macros/live.html renders: the room's history as the current
person may see it, and which forms they get. Exposed to templates as `live_history(room_name)`."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask import request, url_for
from flask_login import current_user

from ..permissions import can_hide_live, can_post_live
from ..rooms import Room, resolve_room
from . import services
from .models import LiveMessage
from .state import live_state


@dataclass
class PanelMessage:
    message: LiveMessage
    revealed_hidden: bool  # a hidden message shown to its author or a moderator


@dataclass
class LivePanel:
    room: Room
    messages: list[PanelMessage]
    can_post: bool
    can_hide: bool
    presence: int
    client_id: str = ""  # fresh per rendered form: submitting the same page twice stores one message
    dom_id: str = field(default="")
    user_id: int | None = None
    next_path: str = "/"

    @property
    def stakeholder_labels(self) -> dict[str, str]:
        from ..accounts.forms import STAKEHOLDER_LABELS

        return {code: str(label) for code, label in STAKEHOLDER_LABELS.items()}

    def stakeholder_label(self, code: str | None) -> str:
        return self.stakeholder_labels.get(code or "", "")

    @staticmethod
    def hide_action(message_id) -> str:
        """The hide form's action; "__ID__" gives the pattern live.js fills in for new messages."""
        if message_id == "__ID__":
            return url_for("live.hide", message_id=0).replace("/0/hide", "/__ID__/hide")
        return url_for("live.hide", message_id=message_id)


def dom_id(name: str) -> str:
    return "live-" + "".join(ch if ch.isalnum() else "-" for ch in name)


def live_history(name: str) -> LivePanel | None:
    """The panel for room `name`, or None when the room is missing or invisible to the current person
    (the macro then renders nothing: no leak)."""
    user = current_user
    room = resolve_room(name, user)
    if room is None:
        return None
    messages = services.history(room, user)
    can_hide = can_hide_live(user, room)
    own = user.id if user.is_authenticated else None
    panel = LivePanel(
        room=room,
        messages=[PanelMessage(m, m.is_hidden and (can_hide or m.author_id == own)) for m in messages],
        can_post=can_post_live(user, room),
        can_hide=can_hide,
        presence=_presence(room.name),
        dom_id=dom_id(room.name),
        user_id=own,
        next_path=request.full_path.rstrip("?") if request else "/",
    )
    if panel.can_post:
        panel.client_id = f"form-{secrets.token_hex(12)}"
    return panel


def _presence(name: str) -> int:
    try:
        return live_state().presence_count(name)
    except Exception:  # noqa: BLE001 - a page renders even when the state store is away
        return 0


