"""Passwords, sessions and API tokens: checking, changing, resetting, ending.

Plain services: they flush and never commit. Everything that takes a right away (a password
change or reset, logout, a revoked token) announces it (`forum.access.user_changed`), so the
person's live sockets follow once the caller commits.

Every password check goes through `password_matches`, which throttles per account: at most
`ACCOUNT_PASSWORD_LIMIT` failed checks per window for one e-mail address, whatever the client's
address (the per-address login limit stays in front of that). The counter lives in the
rate-limit storage (Redis in production), so it holds across processes; when that storage is
down, password checks fail closed (503), like the login route itself (forum/ops/ratelimit.py).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import access
from ..database import utcnow
from ..errors import DomainError, Invalid, NotAllowed, NotFound
from ..extensions import db, limiter
from ..validators import is_single_line
from .auth import new_token_value, token_digest
from .models import ApiToken, User

log = logging.getLogger(__name__)

MIN_PASSWORD = 8
RESET_MAX_AGE = 60 * 60  # a reset link works for at most an hour
TOKEN_TOUCH_EVERY = timedelta(minutes=1)
LABEL_MAX = 80
_DUMMY_HASH: dict[str, str] = {}


class TooManyAttempts(DomainError):
    code, status = "rate_limited", 429


class CheckUnavailable(DomainError):
    code, status = "login_unavailable", 503


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_rules(password: str) -> None:
    if not password or len(password) < MIN_PASSWORD:
        raise Invalid(_("Das Passwort muss mindestens %(min)s Zeichen lang sein.", min=MIN_PASSWORD), "weak_password")
    if len(password) > 200:
        raise Invalid(_("Das Passwort ist zu lang."), "invalid_password")


# --- throttling ------------------------------------------------------------------------------

def _limit_key(kind: str, email: str) -> str:
    # a digest, not the address: the storage (Redis) holds no personal data
    return f"{kind}:" + hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]


def _storage_call(method: str, config_key: str, key: str) -> bool:
    from limits import parse

    try:
        return getattr(limiter.limiter, method)(parse(current_app.config[config_key]), "forum", key)
    except Exception as exc:  # noqa: BLE001 - any storage failure: fail closed
        log.warning("rate-limit storage unavailable for a password check: %s", exc.__class__.__name__)
        raise CheckUnavailable(_(
            "Anmelden ist gerade nicht möglich, weil unser Schutz vor zu vielen Versuchen nicht erreichbar "
            "ist. Bitte versuche es in ein paar Minuten erneut.")) from exc


def _refuse_if_throttled(email: str) -> None:
    if not _storage_call("test", "ACCOUNT_PASSWORD_LIMIT", _limit_key("password-checks", email)):
        raise TooManyAttempts(_(
            "Zu viele falsche Passwörter für dieses Konto. Bitte warte einige Minuten, bevor du es erneut "
            "versuchst, oder setze dein Passwort über „Passwort vergessen?“ zurück."))


def _count_failure(email: str) -> None:
    _storage_call("hit", "ACCOUNT_PASSWORD_LIMIT", _limit_key("password-checks", email))


def password_matches(user: User, password: str | None) -> bool:
    """Check `user`'s password, throttled per account. Raises TooManyAttempts (429) once this
    account had too many failed checks in the window, CheckUnavailable (503) without storage."""
    _refuse_if_throttled(user.email)
    if check_password_hash(user.password_hash, password or ""):
        return True
    _count_failure(user.email)
    return False


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None — the same answer (and similar time) for unknown
    e-mail and wrong password; unknown addresses are throttled like accounts, so a 429 tells
    nobody whether an address has an account. Raises TooManyAttempts / CheckUnavailable."""
    from .services import find_by_email

    email = email if email and len(email) <= 254 else ""
    user = find_by_email(email) if email else None
    if user is None:
        _refuse_if_throttled(email)
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash("not-a-password", method=method)
        check_password_hash(_DUMMY_HASH[method], password or "")
        _count_failure(email)
        return None
    return user if password_matches(user, password) else None


def allow_account_mail(kind: str, email: str) -> bool:
    """Count one unasked-for mail of `kind` (a reset link, a "someone tried to register" note) to
    this address; False once `PASSWORD_RESET_MAIL_LIMIT` is reached. The page answers the same
    either way, so nobody learns anything about the address from it, and nobody can flood a
    mailbox through the forum."""
    return _storage_call("hit", "PASSWORD_RESET_MAIL_LIMIT", _limit_key(f"mail-{kind}", email))


# --- ending sessions and tokens ------------------------------------------------------------

def end_all_sessions(user: User) -> None:
    """Every browser session of `user` ends (the session version is part of each session's
    signed id). Their sockets signed in with a session close after the commit."""
    user.session_version += 1
    db.session.flush()
    access.user_changed(user.id)


def _set_password(user: User, new: str) -> None:
    """The new password ends every session and revokes every API token of the person."""
    check_password_rules(new)
    user.password_hash = hash_password(new)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id).execution_options(
        synchronize_session=False))
    db.session.expire(user, ["tokens"])
    end_all_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    """The one password change of the form and the API. Raises NotAllowed for a wrong current
    password (nothing changes), Invalid for a weak new one, TooManyAttempts when throttled.
    Ends every session (the caller signs its own one in again) and revokes every API token."""
    if not password_matches(user, current):
        raise NotAllowed(_("Das aktuelle Passwort stimmt nicht."), "wrong_password")
    _set_password(user, new)


# --- password reset ------------------------------------------------------------------------

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.email}:{user.password_hash}".encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    """A signed, timestamped token naming the person and a fingerprint of their password hash.

    Why signed rather than a random token stored as a hash: nothing to store or clean up, and
    the link dies by itself the moment it is used — the reset writes a new password hash (with a
    fresh salt, even for the same password), so the fingerprint no longer matches; any other
    password change kills it too. It expires after RESET_MAX_AGE (checked from the signed time).
    The secret key signs it; the fingerprint reveals nothing about the hash (a truncated digest)."""
    return _reset_serializer().dumps({"id": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """The person a reset link is for. Raises Invalid (`token_expired`, `token_invalid`), also for
    a link already used."""
    invalid = Invalid(_("Dieser Link zum Zurücksetzen ist ungültig oder wurde schon benutzt. "
                        "Fordere einen neuen an."), "token_invalid")
    if not isinstance(token, str) or len(token) > 500:
        raise invalid
    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except SignatureExpired as exc:
        raise Invalid(_("Dieser Link zum Zurücksetzen ist abgelaufen. Fordere einen neuen an."),
                      "token_expired") from exc
    except BadSignature as exc:
        raise invalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("id"), int) or not isinstance(data.get("fp"), str):
        raise invalid
    user = db.session.get(User, data["id"])
    if user is None or not hmac.compare_digest(_fingerprint(user), data["fp"]):
        raise invalid
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password through a reset link. Ends every session and revokes every API token;
    the link cannot be used again. A reset proves the mailbox, so it also confirms the address.
    Raises Invalid (bad, used or expired link; weak password)."""
    user = user_for_reset_token(token)
    _set_password(user, new)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


# --- API tokens ----------------------------------------------------------------------------

def issue_token(user: User, label: str | None = None) -> str:
    """Create an API token and return its value (shown once; only the digest is stored, with
    its first characters as a prefix the person can recognise it by)."""
    label = (label or "").strip() or None
    if label is not None and (len(label) > LABEL_MAX or not is_single_line(label)):
        raise Invalid(_("Die Bezeichnung darf höchstens %(max)s Zeichen lang sein und keine Steuerzeichen "
                        "enthalten.", max=LABEL_MAX), "invalid_label")
    value = new_token_value()
    db.session.add(ApiToken(user_id=user.id, digest=token_digest(value), prefix=value[:8], label=label))
    db.session.flush()
    return value


def user_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(token: ApiToken) -> None:
    """Revoke one token; sockets opened with it go on as anonymous after the commit."""
    user_id = token.user_id
    db.session.delete(token)
    db.session.flush()
    access.user_changed(user_id)


def revoke_token_of(user: User, token_id: int) -> None:
    """Revoke `user`'s token `token_id`. Raises NotFound (also for somebody else's token)."""
    in_range = isinstance(token_id, int) and 0 < token_id < 2**31  # beyond that PostgreSQL would raise
    token = db.session.get(ApiToken, token_id) if in_range else None
    if token is None or token.user_id != user.id:
        raise NotFound(_("Dieses Token gibt es nicht."), "not_found")
    revoke_token(token)


def revoke_all_tokens(user: User) -> int:
    """Revoke every API token of `user`; returns how many there were."""
    result = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id).execution_options(
        synchronize_session=False))
    db.session.expire(user, ["tokens"])
    access.user_changed(user.id)
    return result.rowcount or 0


_touch_lock = threading.Lock()


def recent_touches() -> dict[int, datetime]:
    """This process's last write per token id (per app: each app has its own database)."""
    return current_app.extensions.setdefault("forum_token_touches", {})


def touch_token(token: ApiToken) -> None:
    """Note that `token` was used: at most one write per token and TOKEN_TOUCH_EVERY (parallel
    requests with one token write once per process). It runs while the request is being
    authenticated, before the request has changed anything, so it commits on the request's own
    session: a second connection per request would starve the pool under parallel requests, and
    a GET commits nothing of its own. Never raises."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_TOUCH_EVERY:
        return
    touches = recent_touches()
    with _touch_lock:
        last = touches.get(token.id)
        if last is not None and now - last < TOKEN_TOUCH_EVERY:
            return
        if len(touches) > 10_000:
            touches.clear()
        touches[token.id] = now
    if db.session.new or db.session.dirty or db.session.deleted:
        return  # not at the start of a request after all: never commit anybody else's work
    try:
        db.session.execute(update(ApiToken).where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOKEN_TOUCH_EVERY),
        ).values(last_used_at=now).execution_options(synchronize_session=False))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not note the use of API token %s", token.id, exc_info=True)
