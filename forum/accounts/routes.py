"""Pages: register, confirm, log in and out, profile (with API tokens), organisation verification.
Password recovery lives in recovery.py on the same blueprint."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..errors import DomainError
from ..extensions import db, limiter
from ..handlers import allow, anyone, attempt, form_page, signed_in
from ..mail import queue_mail
from ..permissions import can_verify_organisations
from ..security import is_safe_path
from ..urls import external_url
from . import services
from .forms import (ConfirmForm, LanguageForm, LoginForm, NameForm, PasswordChangeForm, PublicListingForm,
                    RegisterForm, ResendForm, RevokeAllTokensForm, RevokeTokenForm, VerificationForm)
from .models import User

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def mail_account_owner(user: User, subject: str, body: str) -> None:
    """Queue a mail about their account to `user` and commit: it waits in the outbox for the worker."""
    queue_mail(user.email, subject, body, user_id=user.id)
    db.session.commit()


def send_confirmation(user: User) -> None:
    link = external_url("accounts.confirm", token=services.confirmation_token(user))
    mail_account_owner(
        user, _("Bitte bestätige deine E-Mail-Adresse"),
        _("Hallo %(name)s,\n\nbitte bestätige deine Registrierung beim Smart-City-Forum:\n%(link)s\n\n"
          "Wenn du dich nicht registriert hast, ignoriere diese Nachricht.", name=user.name, link=link))


@bp.route("/register", methods=["GET", "POST"])
@allow(anyone)
@limiter.limit(_login_limit, methods=["POST"])
def register():
    """Register as one of the five stakeholder groups.

    The answer never tells whether the address already has an account: a new account and a
    taken address both lead to the same "check your mail" page (nobody is signed in yet); the
    owner of a taken address gets a note with a link to reset the password instead."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(
                email=form.email.data, name=form.name.data, password=form.password.data,
                stakeholder=form.stakeholder.data, organisation=form.organisation.data,
            )
        except DomainError as err:
            db.session.rollback()
            if err.code != "email_taken":
                form.form_errors.append(err.message)
                return render_template("accounts/register.html", form=form), 422
            from .recovery import send_registration_attempt

            services.hash_password(form.password.data)  # the same work as a new account: no timing tell
            send_registration_attempt(services.find_by_email(form.email.data))
        else:
            db.session.commit()
            send_confirmation(user)
        return redirect(url_for("accounts.registered"))
    return form_page("accounts/register.html", form)


@bp.get("/register/sent")
@allow(anyone)
def registered():
    """What every registration answers: look into your mailbox."""
    return render_template("accounts/registered.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@allow(anyone)
def confirm(token: str):
    """Show a button (GET) that confirms the address (POST): a GET never changes state."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_email(token)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
            return render_template("accounts/confirm.html", form=form, failed=True), 400
        db.session.commit()
        if current_user.is_authenticated:
            flash(_("Danke! Deine E-Mail-Adresse ist bestätigt."), "success")
            return redirect(url_for("accounts.profile"))
        flash(_("Danke! Deine E-Mail-Adresse ist bestätigt. Melde dich jetzt an."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm.html", form=form, failed=False)


@bp.post("/confirm/resend")
@allow(signed_in)
@limiter.limit("5 per hour")
def resend_confirmation():
    form = ResendForm()
    if form.validate_on_submit() and not current_user.email_confirmed:
        send_confirmation(current_user)
        flash(_("Wir haben dir einen neuen Bestätigungslink geschickt."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/login", methods=["GET", "POST"])
@allow(anyone)
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Log in; follow `next` only to a path on this site."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as err:  # too many failed checks for this account, or no counter
            user, status = None, err.status
            form.form_errors.append(err.message)
        else:
            if user is None:
                status = 401
                form.form_errors.append(_("E-Mail-Adresse oder Passwort ist falsch."))
        if user is not None:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            target = form.next.data
            return redirect(target if is_safe_path(target) else url_for("main.index"))
    elif form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@allow(anyone)  # a visitor may press it too: there is just nothing to end
def logout():
    """End the session on the server too: every session of the person ends (a copied cookie is
    worthless afterwards), and their browser sockets close."""
    if current_user.is_authenticated:
        services.end_all_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Du bist abgemeldet."), "info")
    return redirect(url_for("main.index"))


def _render_profile(status: int = 200, **forms):
    from ..councils.models import Council, Membership

    memberships = db.session.execute(
        db.select(Council, Membership.role).join(Membership, Membership.council_id == Council.id)
        .where(Membership.user_id == current_user.id).order_by(Council.name)
    ).all()
    forms.setdefault("name_form", NameForm(name=current_user.name))
    forms.setdefault("language_form", LanguageForm(language=current_user.language or str(get_locale())))
    forms.setdefault("password_form", PasswordChangeForm())
    forms.setdefault("listing_form", PublicListingForm(public_listing=current_user.public_listing))
    forms.setdefault("resend_form", ResendForm())
    forms.setdefault("revoke_form", RevokeTokenForm())
    forms.setdefault("revoke_all_form", RevokeAllTokensForm())
    return render_template("accounts/profile.html", memberships=memberships,
                           tokens=services.user_tokens(current_user), **forms), status


@bp.get("/profile")
@allow(signed_in)
def profile():
    return _render_profile()


def profile_form(form, name: str, action, success, anchor: str = ""):
    """One form of the profile page (`name`: its variable there): valid input runs `action`, commits
    and says `success()` (called after the action: it may read the new state), back on the profile
    at `anchor`; wrong input or the service's refusal shows the profile again with the errors (422)."""
    if form.validate_on_submit() and attempt(action, form=form):
        flash(success(), "success")
        return redirect(url_for("accounts.profile") + anchor)
    return _render_profile(422, **{name: form})


@bp.post("/profile/name")
@allow(signed_in)
def change_name():
    form = NameForm()
    return profile_form(form, "name_form", lambda: services.change_name(current_user, form.name.data),
                        lambda: _("Dein Name wurde gespeichert."))


@bp.post("/profile/language")
@allow(signed_in)
def change_language():
    form = LanguageForm()

    def switch():
        services.change_language(current_user, form.language.data)
        session["lang"] = form.language.data
        refresh()  # this answer's flash message is already in the new language

    return profile_form(form, "language_form", switch, lambda: _("Deine Sprache wurde gespeichert."))


@bp.post("/profile/password")
@allow(signed_in)
def change_password():
    form = PasswordChangeForm()
    status = 422
    if form.validate_on_submit():
        person = current_user._get_current_object()
        try:
            services.change_password(person, form.current.data, form.new.data)
        except DomainError as err:
            db.session.rollback()
            form.current.errors.append(err.message)
            status = err.status if err.status in (429, 503) else 422
        else:
            db.session.commit()
            login_user(person)  # keep this session; every other one ends with the new session version
            flash(_("Dein Passwort wurde geändert. Alle anderen Anmeldungen und alle API-Tokens sind beendet."),
                  "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(status, password_form=form)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@allow(signed_in)
def revoke_token(token_id: int):
    if RevokeTokenForm().validate_on_submit():
        attempt(lambda: services.revoke_token_of(current_user, token_id), _("Das Token ist widerrufen."))
    return redirect(url_for("accounts.profile") + "#tokens-title")


@bp.post("/profile/tokens/revoke-all")
@allow(signed_in)
def revoke_all_tokens():
    if RevokeAllTokensForm().validate_on_submit():
        count = services.revoke_all_tokens(current_user)
        db.session.commit()
        flash(_("Alle API-Tokens sind widerrufen (%(count)s).", count=count), "success")
    return redirect(url_for("accounts.profile") + "#tokens-title")


@bp.get("/verifications")
@allow(can_verify_organisations)
def verifications():
    """The managing director's list of organisations waiting for verification."""
    return render_template("accounts/verifications.html", pending=services.pending_organisations(),
                           form=VerificationForm())


def load_person(user_id: int) -> User:
    """The account of the URL (a 404 page when there is none)."""
    return db.get_or_404(User, user_id)


@bp.post("/verifications/<int:user_id>")
@allow(can_verify_organisations, load=load_person)
def decide_verification(user: User):
    form = VerificationForm()
    if form.validate_on_submit():
        if attempt(lambda: services.decide_verification(current_user, user, approve=bool(form.approve.data),
                                                        note=form.note.data)):
            flash(_("%(org)s ist jetzt verifiziert.", org=user.organisation) if user.verification == "verified"
                  else _("%(org)s wurde abgelehnt.", org=user.organisation), "success")
    return redirect(url_for("accounts.verifications"))


from . import listing, recovery  # noqa: E402,F401  (their routes register on bp)
