"""Account recovery: `/password/forgot` and `/password/reset/<token>` (CONTRACT.md, Accounts).

- The forgot form answers the same page with the same status whether or not the address has an
  account; only an existing account gets a mail, with a link built on `FORUM_BASE_URL`.
- The link works once and for at most an hour (credentials.reset_token says how).
- Requests are limited per client address (`PASSWORD_RESET_LIMIT`, a 429 page) and mails per
  e-mail address (`PASSWORD_RESET_MAIL_LIMIT`, silently: the answer stays the same).
- A successful reset ends every session and API token of the person; their sockets follow.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..errors import DomainError
from ..extensions import db, limiter
from ..handlers import allow, anyone, form_page
from ..urls import external_url
from . import services
from .credentials import RESET_MAX_AGE, allow_account_mail, user_for_reset_token
from .forms import ForgotPasswordForm, ResetPasswordForm
from .models import User
from .routes import bp, mail_account_owner


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_LIMIT"]


def send_password_reset(user: User) -> None:
    link = external_url("accounts.reset_password", token=services.reset_token(user))
    mail_account_owner(
        user, _("Passwort zurücksetzen"),
        _("Hallo %(name)s,\n\njemand (hoffentlich du) möchte das Passwort deines Kontos beim Smart-City-Forum "
          "zurücksetzen. Mit diesem Link legst du ein neues fest:\n%(link)s\n\n"
          "Der Link funktioniert einmal und höchstens %(minutes)s Minuten lang. Danach bist du überall abgemeldet.\n\n"
          "Wenn du das nicht warst, ignoriere diese Nachricht: dein Passwort bleibt, wie es ist.",
          name=user.name, link=link, minutes=RESET_MAX_AGE // 60))


def send_registration_attempt(user: User | None) -> None:
    """The note to the owner of an address someone tried to register again."""
    if user is None or not allow_account_mail("registration", user.email):
        return
    link = external_url("accounts.forgot_password")
    mail_account_owner(
        user, _("Registrierung mit deiner E-Mail-Adresse"),
        _("Hallo %(name)s,\n\njemand hat versucht, sich mit deiner E-Mail-Adresse beim Smart-City-Forum zu "
          "registrieren. Du hast dort bereits ein Konto.\n\nPasswort vergessen? Hier legst du ein neues fest:\n"
          "%(link)s\n\nWenn du das nicht warst, ignoriere diese Nachricht.", name=user.name, link=link))


@bp.route("/password/forgot", methods=["GET", "POST"])
@allow(anyone)
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    """Ask for a reset link. The answer never says whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        user = services.find_by_email(email)
        try:
            may_mail = allow_account_mail("reset", email)
        except DomainError as err:  # no counter: refuse rather than mail without a limit
            form.form_errors.append(err.message)
            return render_template("accounts/forgot.html", form=form), err.status
        if user is not None and may_mail:
            send_password_reset(user)
        return render_template("accounts/forgot_sent.html")
    return form_page("accounts/forgot.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@allow(anyone)
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    """Set a new password through the link from the mail (a GET only shows the form)."""
    try:
        user_for_reset_token(token)
    except DomainError as err:
        return render_template("accounts/reset.html", form=None, problem=err.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.new.data)
        except DomainError as err:
            db.session.rollback()
            form.new.errors.append(err.message)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()  # whoever was signed in here: every session has just ended
            flash(_("Dein neues Passwort ist gespeichert. Alle Anmeldungen und API-Tokens sind beendet; "
                    "melde dich jetzt mit dem neuen Passwort an."), "success")
            return redirect(url_for("accounts.login"))
    return form_page("accounts/reset.html", form, problem=None)
