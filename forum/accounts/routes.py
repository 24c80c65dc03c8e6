"""Pages: register, confirm, log in and out, profile, organisation verification."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError
from ..extensions import db, limiter
from ..mail import send_mail
from ..permissions import can_verify_organisations
from ..security import is_safe_path
from ..urls import external_url
from . import services
from .forms import (ConfirmForm, LoginForm, NameForm, PasswordChangeForm, RegisterForm, ResendForm,
                    VerificationForm)
from .models import User

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def send_confirmation(user: User) -> None:
    link = external_url("accounts.confirm", token=services.confirmation_token(user))
    send_mail(
        user.email,
        _("Bitte bestätige deine E-Mail-Adresse"),
        _("Hallo %(name)s,\n\nbitte bestätige deine Registrierung beim Smart-City-Forum:\n%(link)s\n\n"
          "Wenn du dich nicht registriert hast, ignoriere diese Nachricht.", name=user.name, link=link),
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    """Register as one of the five stakeholder groups."""
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
            target = form.email.errors if err.code == "email_taken" else form.form_errors
            target.append(err.message)
        else:
            db.session.commit()
            send_confirmation(user)
            session.clear()
            login_user(user)
            flash(_("Willkommen! Wir haben dir einen Link zur Bestätigung deiner E-Mail-Adresse geschickt."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/register.html", form=form), (422 if form.errors else 200)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
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
        flash(_("Danke! Deine E-Mail-Adresse ist bestätigt."), "success")
        return redirect(url_for("accounts.profile") if current_user.is_authenticated else url_for("accounts.login"))
    return render_template("accounts/confirm.html", form=form, failed=False)


@bp.post("/confirm/resend")
@login_required
@limiter.limit("5 per hour")
def resend_confirmation():
    form = ResendForm()
    if form.validate_on_submit() and not current_user.email_confirmed:
        send_confirmation(current_user)
        flash(_("Wir haben dir einen neuen Bestätigungslink geschickt."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Log in; follow `next` only to a path on this site."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("E-Mail-Adresse oder Passwort ist falsch."))
        else:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            target = form.next.data
            return redirect(target if is_safe_path(target) else url_for("main.index"))
    status = 401 if form.form_errors else (422 if form.errors else 200)
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        from ..live.broadcast import close_user_sockets

        close_user_sockets(current_user.id)
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
    forms.setdefault("password_form", PasswordChangeForm())
    forms.setdefault("resend_form", ResendForm())
    return render_template("accounts/profile.html", memberships=memberships, **forms), status


@bp.get("/profile")
@login_required
def profile():
    return _render_profile()


@bp.post("/profile/name")
@login_required
def change_name():
    form = NameForm()
    if form.validate_on_submit():
        services.change_name(current_user, form.name.data)
        db.session.commit()
        flash(_("Dein Name wurde gespeichert."), "success")
        return redirect(url_for("accounts.profile"))
    return _render_profile(422, name_form=form)


@bp.post("/profile/password")
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.new.data)
        except DomainError as err:
            db.session.rollback()
            form.current.errors.append(err.message)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # keep this session; others end with the new session version
            flash(_("Dein Passwort wurde geändert."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(422, password_form=form)


@bp.get("/verifications")
@login_required
def verifications():
    """The managing director's list of organisations waiting for verification."""
    if not can_verify_organisations(current_user):
        abort(403)
    return render_template("accounts/verifications.html", pending=services.pending_organisations(),
                           form=VerificationForm())


@bp.post("/verifications/<int:user_id>")
@login_required
def decide_verification(user_id: int):
    if not can_verify_organisations(current_user):
        abort(403)
    user = db.get_or_404(User, user_id)
    form = VerificationForm()
    if form.validate_on_submit():
        try:
            services.decide_verification(current_user, user, approve=bool(form.approve.data), note=form.note.data)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("%(org)s ist jetzt verifiziert.", org=user.organisation) if user.verification == "verified"
                  else _("%(org)s wurde abgelehnt.", org=user.organisation), "success")
    return redirect(url_for("accounts.verifications"))
