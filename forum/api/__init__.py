"""JSON API v1. Bearer-token requests need no CSRF token; cookie-authenticated writes send X-CSRFToken."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user

from ..accounts.auth import bearer_token
from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@bp.before_request
def _csrf_for_cookie_writes():
    if (request.method in WRITE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True)
            and not bearer_token(request) and current_user.is_authenticated):
        csrf.protect()


@bp.before_request
def _parameters_as_documented():
    from .validation import check_parameters

    check_parameters()


from . import accounts, councils, meetings, moderation, openapi, projects, proposals  # noqa: E402,F401  (routes register on bp)
