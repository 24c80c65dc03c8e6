"""API: the signed-in person's notification settings."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..apidoc import errors, json_response, obj, ref
from ..apidoc import json_body as json_request
from ..errors import Invalid
from ..extensions import db
from ..handlers import allow, signed_in
from ..notifications import settings
from . import bp
from .helpers import json_body


def _shape(user_id: int) -> dict:
    return {"settings": settings.modes_of(user_id)}


@bp.get("/me/notification-settings")
@allow(signed_in)
def get_notification_settings():
    return jsonify(_shape(current_user.id))


@bp.put("/me/notification-settings")
@allow(signed_in)
def put_notification_settings():
    """`{"settings": {category: mode, …}}`: the categories named change, the others stay."""
    data = json_body()
    chosen = data.get("settings")
    if set(data) != {"settings"} or not isinstance(chosen, dict):
        raise Invalid(_("Erwartet wird {\"settings\": {Art: Modus}}."), "invalid_settings")
    for category, mode in chosen.items():
        if category not in settings.CATEGORIES or not isinstance(mode, str) or mode not in settings.MODES:
            raise Invalid(_("Unbekannte Art oder unbekannter Modus: %(what)s", what=f"{category}={mode}"[:80]),
                          "invalid_settings")
    settings.set_modes(current_user.id, chosen)
    db.session.commit()
    return jsonify(_shape(current_user.id))


_MODES = {"type": "string", "enum": list(settings.MODES),
          "description": "off: in the forum only; instant: a mail at once; daily/weekly: a digest mail"}
SCHEMAS = {
    "NotificationSettings": obj({"settings": obj({c: _MODES for c in settings.CATEGORIES}, list(settings.CATEGORIES))},
                                ["settings"]),
}
PATHS = {
    "/me/notification-settings": {
        "get": {
            "summary": "How you hear of each category of notification",
            "description": "Categories: own_proposals, followed_proposals, councils, meetings, moderation, "
                           "cooperation. Every notice is shown in the forum; the mode says whether and when it "
                           "also comes by mail. Digests: daily from 07:00, weekly on Monday from 07:00 (Berlin).",
            "responses": {"200": json_response(ref("NotificationSettings"), "Every category's mode")},
        },
        "put": {
            "summary": "Change how you hear of some categories",
            "description": "The categories named change, the others keep their mode; `settings: {}` changes "
                           "nothing. Unknown keys (at either level) and unknown modes are a 422 `invalid_settings`.",
            "requestBody": json_request(obj({"settings": obj({c: {**_MODES, "nullable": False}
                                                              for c in settings.CATEGORIES}, closed=True,
                                                             nullable=False)},
                                            ["settings"], closed=True)),
            "responses": {"200": json_response(ref("NotificationSettings"), "Every category's mode"),
                          **errors(422)},
        },
    },
}
