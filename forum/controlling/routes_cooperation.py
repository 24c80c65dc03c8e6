"""The contact point for businesses and other partners: the request form and the requester's view."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..handlers import allow, anyone, attempt, form_page, signed_in
from ..permissions import can_request_cooperation, can_view_cooperation_request
from . import cooperation
from .forms import CooperationForm
from .routes import bp

# Abuse guard: few requests per person (or address) and hour; open requests are capped in the service.
SUBMIT_LIMIT = "10 per hour"


def _requester_key() -> str:
    if current_user.is_authenticated:
        return f"cooperation:user:{current_user.id}"
    return f"cooperation:ip:{get_remote_address()}"


@bp.get("/cooperation")
@allow(anyone)
def cooperation_form():
    """Anyone can read how to get in touch; signed-in people with a confirmed address can write."""
    form = CooperationForm()
    if current_user.is_authenticated and current_user.organisation:
        form.organisation.data = current_user.organisation
    return render_template("controlling/cooperation_form.html", form=form,
                           allowed=can_request_cooperation(current_user))


@bp.post("/cooperation")
@limiter.limit(SUBMIT_LIMIT, key_func=_requester_key)
@allow(can_request_cooperation)
def cooperation_submit():
    form = CooperationForm()
    if form.validate_on_submit():
        sent = attempt(lambda: cooperation.submit_request(current_user, form.topic.data, form.organisation.data,
                                                          form.message.data),
                       _("Danke! Deine Anfrage ist bei der Geschäftsstelle eingegangen."), form=form)
        if sent:
            return redirect(url_for("controlling.cooperation_detail", request_id=sent.value.id))
    return form_page("controlling/cooperation_form.html", form, allowed=True)


@bp.get("/cooperation/requests")
@allow(signed_in)
def cooperation_mine():
    return render_template("controlling/cooperation_list.html", requests=cooperation.own_requests(current_user))


def own_request(request_id: int):
    """The requester's own request; for anyone else a 404 (no hint that it exists)."""
    return cooperation.get_own_request(request_id, current_user)


@bp.get("/cooperation/<int:request_id>")
@allow(can_view_cooperation_request, load=own_request)
def cooperation_detail(item):
    """The requester follows status and replies."""
    return render_template("controlling/cooperation_detail.html", item=item)
