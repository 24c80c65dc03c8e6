"""JSON API v1. Bearer-token requests need no CSRF token; cookie-authenticated writes send X-CSRFToken."""
from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@bp.before_request
def _csrf_for_cookie_writes():
    """CSRF is skipped only for a request that really authenticated with a token (`g.api_token`
    is set by the token loader). A request with a bearer header is never authenticated by its
    cookie (accounts/auth.py), so a made-up token beside a cookie is a 401, not a pass."""
    if request.method not in WRITE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if current_user.is_authenticated and g.get("api_token") is None:
        csrf.protect()


@bp.before_request
def _parameters_as_documented():
    from .validation import check_parameters

    check_parameters()


from . import accounts, councils, files, meetings, moderation, openapi, projects, proposals  # noqa: E402,F401  (routes register on bp)
