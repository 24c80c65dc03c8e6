"""The person's notices."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..extensions import db
from ..permissions.viewer import standing
from . import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html", notifications=services.recent(current_user), form=FlaskForm())


@bp.post("/notifications/read")
@login_required
def mark_read():
    if FlaskForm().validate_on_submit():
        services.mark_all_read(current_user)
        db.session.commit()
    return redirect(url_for("notifications.index"))


def unread_for_nav() -> dict:
    """Context processor: the unread count shown in the navigation (one COUNT for signed-in people)."""
    if current_user.is_authenticated:
        known = standing(current_user)
        if known is not None and "unread_notifications" in known.extra:
            return {"unread_notifications": known.extra["unread_notifications"] or 0}
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}
