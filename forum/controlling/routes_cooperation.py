"""The contact point for businesses and other partners: the request form and the requester's view."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_limiter.util import get_remote_address

from ..errors import DomainError
from ..extensions import db, limiter
from ..permissions import can_request_cooperation
from . import cooperation
from .forms import CooperationForm
from .routes import bp

# Abuse guard: few requests per person (or address) and hour; open requests are capped in the service.
SUBMIT_LIMIT = "10 per hour"


def _requester_key() -> str:
    if current_user.is_authenticated:
        return f"cooperation:user:{current_user.id}"
    return f"cooperation:ip:{get_remote_address()}"


@bp.route("/cooperation", methods=["GET", "POST"])
@limiter.limit(SUBMIT_LIMIT, methods=["POST"], key_func=_requester_key)
def cooperation_form():
    """Anyone can read how to get in touch; signed-in people with a confirmed address can write."""
    form = CooperationForm()
    allowed = can_request_cooperation(current_user)
    if request.method == "GET" and current_user.is_authenticated and current_user.organisation:
        form.organisation.data = current_user.organisation
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=url_for("controlling.cooperation_form")))
        if not allowed:
            abort(403)
        if form.validate_on_submit():
            try:
                item = cooperation.submit_request(current_user, form.topic.data, form.organisation.data,
                                                  form.message.data)
            except DomainError as err:
                db.session.rollback()
                form.form_errors.append(err.message)
            else:
                db.session.commit()
                flash(_("Danke! Deine Anfrage ist bei der Geschäftsstelle eingegangen."), "success")
                return redirect(url_for("controlling.cooperation_detail", request_id=item.id))
    status = 422 if request.method == "POST" else 200
    return render_template("controlling/cooperation_form.html", form=form, allowed=allowed), status


@bp.get("/cooperation/requests")
@login_required
def cooperation_mine():
    return render_template("controlling/cooperation_list.html", requests=cooperation.own_requests(current_user))


@bp.get("/cooperation/<int:request_id>")
@login_required
def cooperation_detail(request_id: int):
    """The requester follows status and replies; for anyone else this is a 404."""
    try:
        item = cooperation.get_own_request(request_id, current_user)
    except DomainError:
        abort(404)
    return render_template("controlling/cooperation_detail.html", item=item)
