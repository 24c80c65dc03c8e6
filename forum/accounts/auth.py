"""How a request is tied to a person: session cookie (Flask-Login) or API bearer token."""
from __future__ import annotations

import hashlib
import secrets

from flask import g, has_request_context, request
from sqlalchemy import select

from ..extensions import db
from .models import ApiToken, User


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_token_value() -> str:
    return secrets.token_urlsafe(32)


def load_user(user_id: str) -> User | None:
    """Session loader: the id carries the session version, so a password change, a logout or a
    deletion ends old sessions.

    An API request that presents a bearer token is judged by that token alone: the session
    cookie beside it is ignored, so a made-up token can neither switch CSRF off for a cookie
    (the API blueprint's before_request) nor fall back to the cookie — it is simply unauthenticated (401)."""
    if has_request_context() and request.path.startswith("/api/") and bearer_token(request) is not None:
        return None
    try:
        uid, version = (int(part) for part in str(user_id).split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version:
        return None
    return user


def user_for_token(token: str | None) -> tuple[User, ApiToken] | None:
    """The person and token row for a token value (noting its use, at most once a minute), or None."""
    from .credentials import touch_token

    if not token or len(token) > 200:
        return None
    row = db.session.execute(
        select(ApiToken, User).join(User, ApiToken.user_id == User.id).where(ApiToken.digest == token_digest(token))
    ).first()
    if row is None:
        return None
    api_token, user = row
    touch_token(api_token)
    return user, api_token


def bearer_token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def load_user_from_request(request) -> User | None:
    """Bearer tokens authenticate API calls, and reading a file at the `url` the API names
    (`GET /files/<id>`, forum/files/); pages use the session cookie."""
    reads_file = request.method in ("GET", "HEAD") and request.path.startswith("/files/")
    if not (request.path.startswith("/api/") or reads_file):
        return None
    token = bearer_token(request)
    found = user_for_token(token)
    if found is None:
        return None
    g.api_token = found[1]
    return found[0]
