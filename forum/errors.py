"""Domain errors and the error pages / JSON bodies every failure ends in."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule said no. `code` is the machine word, `status` the HTTP status it maps to."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotAllowed(DomainError):
    code, status = "forbidden", 403


class NotFound(DomainError):
    code, status = "not_found", 404


class Conflict(DomainError):
    code, status = "conflict", 409


class Invalid(DomainError):
    code, status = "invalid", 422


class BadRequest(DomainError):
    """Malformed request arguments (a filter, a page number, a JSON body) rather than a rule."""

    code, status = "bad_request", 400


def N_(message: str) -> str:
    """Marks a msgid for extraction; it is translated when shown (see error_response)."""
    return message


MESSAGES = {
    400: ("bad_request", N_("Die Anfrage ist ungültig.")),
    401: ("unauthorized", N_("Bitte melde dich an.")),
    403: ("forbidden", N_("Dafür fehlt dir die Berechtigung.")),
    404: ("not_found", N_("Diese Seite gibt es nicht.")),
    405: ("method_not_allowed", N_("Diese Methode ist hier nicht erlaubt.")),
    413: ("too_large", N_("Die Anfrage ist zu groß.")),
    429: ("rate_limited", N_("Zu viele Anfragen. Bitte warte einen Moment und versuche es erneut.")),
    500: ("server_error", N_("Ein interner Fehler ist aufgetreten. Wir kümmern uns darum.")),
    503: ("unavailable", N_("Der Dienst ist gerade nicht erreichbar. Bitte versuche es gleich noch einmal.")),
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/oparl/")) or request.path == "/healthz"


def error_response(status: int, code: str | None = None, message: str | None = None):
    default_code, default_message = MESSAGES.get(status, ("error", N_("Fehler")))
    code = code or default_code
    message = message or _(default_message)
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        db.session.rollback()
        return error_response(err.status, err.code, err.message)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        # Why, for the operator: a missing session token (cookies blocked, a Secure cookie over http),
        # an expired or wrong token, a referrer of another host (a proxy FORUM_TRUSTED_PROXIES does not
        # count). Flask-WTF's fixed description and the endpoint only: never the token or the path.
        log.warning("CSRF check failed on %s %s: %s", request.method, request.endpoint or "?", err.description)
        return error_response(400, "csrf_failed", _("Das Formular ist abgelaufen. Bitte lade die Seite neu und sende es erneut."))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        if status == 401 and not wants_json():
            return error_response(403)
        message = None
        if status in (400, 422) and err.description and getattr(err, "forum_message", False):
            message = err.description
        response = make_response(error_response(status, message=message))
        if status == 405 and getattr(err, "valid_methods", None):
            # RFC 9110: a 405 names the methods the resource does support.
            response.headers["Allow"] = ", ".join(sorted(err.valid_methods))
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(err):
        from .ops.outage import database_down_response

        _safe_rollback()
        return database_down_response(err)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        _safe_rollback()
        return error_response(500)


def _safe_rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection itself may be gone
        log.debug("rollback failed", exc_info=True)
