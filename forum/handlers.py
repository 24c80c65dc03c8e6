"""What every handler shares: the permission each route declares, and running a service call.

A handler is load → check → service → commit. `allow` does the first two and records the check on the
view, so every route can be listed with its predicate (`forum permissions`,
tests/test_route_permissions.py). `attempt` does the rest for the HTML pages: it runs the service,
commits and flashes, or rolls back and shows the DomainError on the form or as a flash message;
`press` wraps it for a page's buttons (forum/meetings/routes.py):

    @bp.post("/meetings/<int:meeting_id>/publish")
    @allow(can_publish_meeting, load=load)  # load(meeting_id): the meeting, or 404 if the viewer may not see it
    def publish(meeting):
        return press(lambda: services.publish_meeting(meeting, current_user), _("Veröffentlicht."),
                     redirect(url_for("meetings.detail", meeting_id=meeting.id)))
"""
from __future__ import annotations

import inspect
from functools import wraps
from typing import Callable

from flask import abort, current_app, flash, make_response, render_template
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from .errors import DomainError, NotAllowed
from .extensions import db
from .permissions import is_signed_in, welcomes_visitors


@welcomes_visitors
def anyone(user, target=None) -> bool:
    """A public route: everyone may call it (what it shows still follows visibility)."""
    return True


def signed_in(user, target=None) -> bool:
    """Any signed-in person; the service or the page decides the rest."""
    return is_signed_in(user)


def allow(predicate: Callable[..., bool], load: Callable | None = None):
    """Declare and enforce who may use a route.

    Without `load`, `predicate(current_user)` decides. With `load`, the loader is called with the URL
    arguments its signature names and returns the object the route is about (404 for what the viewer
    may not see); `predicate(current_user, target)` decides, and the view receives the target first,
    followed by the remaining URL arguments. A refused visitor is asked to sign in (the login page, or
    401 on the API); a refused signed-in person gets 403. Unless the predicate welcomes visitors
    (forum.permissions.welcomes_visitors), a visitor is asked to sign in before anything is loaded;
    a predicate whose target is optional is asked without it before loading too.
    """
    consumed = tuple(inspect.signature(load).parameters) if load else ()
    members_only = not getattr(predicate, "welcomes_visitors", False)
    asks_first = load is not None and _target_is_optional(predicate)

    def decorate(view):
        @wraps(view)
        def guarded(**kwargs):
            if members_only and not current_user.is_authenticated:
                refuse()
            if load is None or asks_first:
                if not predicate(current_user):
                    refuse()
                if load is None:
                    return view(**kwargs)
            target = load(**{name: kwargs.pop(name) for name in consumed if name in kwargs})
            if not predicate(current_user, target):
                refuse()
            return view(target, **kwargs)

        guarded.permission = predicate
        return guarded

    return decorate


def _target_is_optional(predicate) -> bool:
    """A predicate whose target may be left out (`can_suspend(user, person=None)`) answers for "any
    target" too; `allow` asks it so before loading, so that the loader's 404 never tells someone the
    route refuses anyway which ids exist."""
    params = list(inspect.signature(predicate).parameters.values())
    return len(params) > 1 and params[1].default is not inspect.Parameter.empty


def require(predicate: Callable[..., bool], *args) -> None:
    """A check inside a handler, for what only the request's body names (the council a new meeting
    is for); refuses like `allow`."""
    if not predicate(current_user, *args):
        refuse()


def refuse():
    """A visitor is asked to sign in; a signed-in person is told they may not."""
    if not current_user.is_authenticated:
        # The handler answers a redirect (pages) or a (response, 401) pair (API): abort takes a response.
        abort(make_response(current_app.login_manager.unauthorized()))
    raise NotAllowed(_("Dafür fehlt dir die Berechtigung."))


class ButtonForm(FlaskForm):
    """A button that carries nothing but its CSRF token."""


def button_pressed() -> bool:
    """The button form validates (its CSRF token is checked by CSRFProtect before the view runs)."""
    return ButtonForm().validate_on_submit()


class Outcome:
    """What `attempt` did: true when the service succeeded (and was committed); `value` is what it returned."""

    def __init__(self, ok: bool, value=None):
        self.ok, self.value = ok, value

    def __bool__(self) -> bool:
        return self.ok


def _field_named_by(form, code: str):
    """The field of `form` a service's error code is about: the form's own `error_fields`
    ({code: field name}), else the convention `invalid_<field>`, `missing_<field>`, `<field>_required`."""
    name = getattr(form, "error_fields", {}).get(code)
    if name is None:
        for prefix in ("invalid_", "missing_"):
            if code.startswith(prefix):
                name = code[len(prefix):]
        if code.endswith("_required"):
            name = code[:-len("_required")]
    return form._fields.get(name) if name else None


def attempt(action: Callable[[], object], success: str | None = None, form=None) -> Outcome:
    """Run a service call; commit and flash `success`, or roll back and show why not: on `form`
    when given (at the field the error is about, so it is marked and described there; else in its
    `form_errors`), as a flash message otherwise. Refusals (403, 404) still end in their error page."""
    try:
        value = action()
    except DomainError as err:
        db.session.rollback()
        if err.status in (403, 404):
            raise
        field = _field_named_by(form, err.code) if form is not None else None
        if field is not None:
            field.errors = [*field.errors, err.message]
        elif form is not None:
            form.form_errors.append(err.message)
        else:
            flash(err.message, "error")
        return Outcome(False)
    db.session.commit()
    if success:
        flash(success, "success")
    return Outcome(True, value)


def press(action: Callable[[], object], success: str | None, back):
    """A button on a page (a CSRF-only form): run `action` through `attempt` when the form is sound,
    then answer `back` (the redirect to that page), where a refusal's reason is flashed."""
    if button_pressed():
        attempt(action, success)
    return back


def form_page(template: str, form, **context):
    """Render a form page: 422 when the form (or a service) found something wrong, else 200."""
    return render_template(template, form=form, **context), (422 if form.errors or form.form_errors else 200)


def declared_permission(app, rule):
    """The predicate `rule`'s view declared with `allow` (None: none); Flask's static files: anyone."""
    return anyone if rule.endpoint == "static" else getattr(app.view_functions[rule.endpoint], "permission", None)


def route_permissions(app) -> list[tuple[str, str, str]]:
    """[(methods, rule, predicate name or "—")] for every route of `app`, sorted by rule."""
    rows = []
    for rule in app.url_map.iter_rules():
        predicate = declared_permission(app, rule)
        methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        rows.append((methods, rule.rule, predicate.__name__ if predicate else "—"))
    return sorted(rows, key=lambda row: (row[1], row[0]))
