"""The person's notices, their notification settings, and the unsubscribe link of every mail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField

from ..extensions import csrf, db
from ..handlers import ButtonForm, allow, anyone, button_pressed, form_page, signed_in
from ..permissions.viewer import standing
from . import services, settings

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@allow(signed_in)
def index():
    language = str(get_locale())
    notices = [(n, n.subject_in(language), n.body_in(language)) for n in services.recent(current_user)]
    return render_template("notifications/index.html", notifications=notices, form=ButtonForm())


@bp.post("/notifications/read")
@allow(signed_in)
def mark_read():
    if button_pressed():
        services.mark_all_read(current_user)
        db.session.commit()
    return redirect(url_for("notifications.index"))


def settings_form(modes: dict[str, str]) -> FlaskForm:
    """One radio group per category (built per request: the labels follow the language)."""
    class SettingsForm(FlaskForm):
        submit = SubmitField(_("Einstellungen speichern"))

    for category, label in settings.CATEGORIES.items():
        setattr(SettingsForm, category, RadioField(str(label), choices=[(m, str(l)) for m, l in settings.MODES.items()],
                                                   default=modes[category]))
    return SettingsForm()


@bp.route("/notifications/settings", methods=["GET", "POST"])
@allow(signed_in)
def settings_page():
    form = settings_form(settings.modes_of(current_user.id))
    if form.validate_on_submit():
        settings.set_modes(current_user.id, {c: form[c].data for c in settings.CATEGORIES})
        db.session.commit()
        flash(_("Deine Einstellungen sind gespeichert."), "success")
        return redirect(url_for("notifications.settings_page"))
    return form_page("notifications/settings.html", form, fields=[form[c] for c in settings.CATEGORIES])


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@allow(anyone)  # the signed token decides
@csrf.exempt  # RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`; the signed token is the proof
def unsubscribe(token: str):
    """GET shows what the link stops, with a button and the way to the settings; POST stops it,
    without signing in (the link is signed for one person and one category)."""
    claim = settings.read_unsubscribe_token(token)
    if claim is None:
        abort(404)
    user_id, what = claim
    from ..accounts.models import User

    if db.session.get(User, user_id) is None:
        abort(404)
    label = _("Zusammenfassungen") if what.startswith("digest:") else str(settings.CATEGORIES[what])
    if request.method == "POST":
        settings.unsubscribe(user_id, what)
        db.session.commit()
        return render_template("notifications/unsubscribe.html", done=True, label=label, token=token)
    return render_template("notifications/unsubscribe.html", done=False, label=label, token=token)


def unread_for_nav() -> dict:
    """Context processor: the unread count shown in the navigation (one COUNT for signed-in people)."""
    if current_user.is_authenticated:
        known = standing(current_user)
        if known is not None and "unread_notifications" in known.extra:
            return {"unread_notifications": known.extra["unread_notifications"] or 0}
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}
