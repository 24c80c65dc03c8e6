"""Account services: register, confirm, verify, profile changes. Passwords, sessions and API
tokens live in credentials.py (imported here, so `services.authenticate` etc. keep working).

They take models and an explicit actor, raise `DomainError`s, flush, and never commit.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..audit import audit
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..permissions import can_verify_organisations, is_suspended
from ..validators import single_line
from .credentials import (LABEL_MAX, MIN_PASSWORD, TooManyAttempts, authenticate,  # noqa: F401 (the area's API)
                          change_password, check_password_rules, end_all_sessions, hash_password, issue_token,
                          normalise_email, password_matches, reset_password, reset_token, revoke_all_tokens,
                          revoke_token, revoke_token_of, user_tokens)
from .models import ORGANISATION_STAKEHOLDERS, ROLES, STAKEHOLDERS, User

CONFIRM_MAX_AGE = 7 * 24 * 3600


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(*, email: str, name: str, password: str, stakeholder: str, organisation: str | None = None,
             role: str = "member") -> User:
    """Create an unconfirmed account. Organisation accounts start as 'pending' verification.

    Raises Invalid (bad stakeholder, role, missing organisation, weak password) or
    Conflict (e-mail already registered)."""
    single_line(email, _("Die E-Mail-Adresse"))
    single_line(name, _("Der Name"))
    single_line(organisation, _("Der Name der Organisation"))
    email = normalise_email(email)
    name = (name or "").strip()
    organisation = (organisation or "").strip() or None
    if stakeholder not in STAKEHOLDERS:
        raise Invalid(_("Unbekannte Gruppe."), "invalid_stakeholder")
    if role not in ROLES:
        raise Invalid(_("Unbekannte Rolle."), "invalid_role")
    if not name or len(name) > 120:
        raise Invalid(_("Bitte gib einen Namen mit höchstens 120 Zeichen an."), "invalid_name")
    if "@" not in email or len(email) > 254:
        raise Invalid(_("Bitte gib eine gültige E-Mail-Adresse an."), "invalid_email")
    if stakeholder in ORGANISATION_STAKEHOLDERS and not organisation:
        raise Invalid(_("Bitte gib den Namen deiner Organisation an."), "organisation_required")
    if organisation and len(organisation) > 200:
        raise Invalid(_("Der Name der Organisation ist zu lang."), "invalid_organisation")
    check_password_rules(password)
    if find_by_email(email) is not None:
        raise Conflict(_("Diese E-Mail-Adresse ist bereits registriert."), "email_taken")
    user = User(
        email=email, name=name, password_hash=hash_password(password), stakeholder=stakeholder,
        organisation=organisation if stakeholder in ORGANISATION_STAKEHOLDERS else None, role=role,
        verification="pending" if stakeholder in ORGANISATION_STAKEHOLDERS else "not_required",
    )
    db.session.add(user)
    db.session.flush()
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confirm-email")


def confirmation_token(user: User) -> str:
    return _serializer().dumps({"id": user.id, "email": user.email})


def confirm_email(token: str) -> User:
    """Confirm the address a token was issued for. Raises Invalid for a bad, expired or stale token."""
    try:
        data = _serializer().loads(token, max_age=CONFIRM_MAX_AGE)
    except SignatureExpired as exc:
        raise Invalid(_("Der Bestätigungslink ist abgelaufen. Fordere einen neuen an."), "token_expired") from exc
    except BadSignature as exc:
        raise Invalid(_("Der Bestätigungslink ist ungültig."), "token_invalid") from exc
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("email"):
        raise Invalid(_("Der Bestätigungslink ist ungültig."), "token_invalid")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.flush()
    return user


def change_name(user: User, name: str) -> None:
    """The name shown beside everything the person wrote: not while suspended (a new name would
    put fresh words on the forum's pages)."""
    if is_suspended(user):
        raise NotAllowed(_("Solange dein Konto gesperrt ist, kannst du deinen Namen nicht ändern."))
    single_line(name, _("Der Name"))
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise Invalid(_("Bitte gib einen Namen mit höchstens 120 Zeichen an."), "invalid_name")
    user.name = name
    db.session.flush()


def change_language(user: User, language: str | None) -> None:
    """The language of the person's pages, notices and mails: one of LANGUAGES."""
    from flask import current_app

    if language not in current_app.config["LANGUAGES"]:
        raise Invalid(_("Bitte wähle eine der angebotenen Sprachen."), "invalid_language")
    user.language = language


def set_public_listing(user: User, listed: bool) -> None:
    """Whether `user` agrees to be named in the public OParl interface (as a Person, with their
    memberships in public councils); takes effect on the next request there."""
    user.public_listing = bool(listed)
    db.session.flush()


def pending_organisations() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.verification == "pending").order_by(User.created_at)
    ))


def pending_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.verification == "pending")) or 0


def decide_verification(actor: User, user: User, approve: bool, note: str | None = None) -> None:
    """Verify or reject an organisation account. Raises NotAllowed or Conflict."""
    if not can_verify_organisations(actor):
        raise NotAllowed(_("Nur die Geschäftsführung kann Organisationen verifizieren."))
    if not user.is_organisation:
        raise Conflict(_("Nur Organisationskonten werden verifiziert."), "not_an_organisation")
    note = (note or "").strip()[:500] or None
    if not approve and not note:
        raise Invalid(_("Bitte gib einen Grund für die Ablehnung an."), "reason_required")
    user.verification = "verified" if approve else "rejected"
    user.verification_note = note
    db.session.flush()
    audit(actor, "user.verify" if approve else "user.reject", user, note)


def create_confirmed_user(*, email: str, name: str, password: str, stakeholder: str,
                          organisation: str | None = None, role: str = "member", verified: bool = False) -> User:
    """Operator path (CLI, demo data): a confirmed account, verified only when asked."""
    user = register(email=email, name=name, password=password, stakeholder=stakeholder,
                    organisation=organisation, role=role)
    user.email_confirmed_at = utcnow()
    if user.is_organisation and verified:
        user.verification = "verified"
    db.session.flush()
    return user
