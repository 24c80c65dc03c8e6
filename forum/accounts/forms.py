"""Account forms. Labels are German msgids; English comes from the catalogue."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, PasswordField, RadioField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..validators import SingleLine
from .models import STAKEHOLDERS

STAKEHOLDER_LABELS = {
    "citizen": _l("Bürger*in"),
    "business": _l("Unternehmen"),
    "research": _l("Forschung/Wissenschaft"),
    "culture": _l("Kultur"),
    "association": _l("Verein/Verband"),
}


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[SingleLine(), DataRequired(), Length(max=120)])
    email = EmailField(_l("E-Mail-Adresse"), validators=[SingleLine(), DataRequired(), Email(check_deliverability=False),
                                                         Length(max=254)])
    stakeholder = RadioField(_l("Ich registriere mich als"), choices=[(s, STAKEHOLDER_LABELS[s]) for s in STAKEHOLDERS],
                             validators=[DataRequired()], default="citizen")
    organisation = StringField(_l("Organisation (für Unternehmen, Forschung, Kultur, Vereine)"),
                               validators=[SingleLine(), Optional(), Length(max=200)])
    password = PasswordField(_l("Passwort (mindestens 8 Zeichen)"), validators=[DataRequired(), Length(min=8, max=200)])
    password_confirm = PasswordField(_l("Passwort wiederholen"),
                                     validators=[DataRequired(), EqualTo("password", message=_l("Die Passwörter stimmen nicht überein."))])
    submit = SubmitField(_l("Registrieren"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.stakeholder.data != "citizen" and not (self.organisation.data or "").strip():
            self.organisation.errors = list(self.organisation.errors) + [_l("Bitte gib den Namen deiner Organisation an.")]
            ok = False
        return ok


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[SingleLine(), DataRequired(), Length(max=254)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Anmelden"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("E-Mail-Adresse bestätigen"))


class ResendForm(FlaskForm):
    submit = SubmitField(_l("Bestätigungslink erneut senden"))


class NameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[SingleLine(), DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Namen speichern"))


class LanguageForm(FlaskForm):
    language = RadioField(_l("Sprache der Seiten, Benachrichtigungen und E-Mails"),
                          choices=[("de", "Deutsch"), ("en", "English")], validators=[DataRequired()])
    submit = SubmitField(_l("Sprache speichern"))


class PublicListingForm(FlaskForm):
    public_listing = BooleanField(_l("Mich mit Namen und meinen Fachbeiräten in der OParl-Schnittstelle nennen"))
    submit = SubmitField(_l("Einstellung speichern"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Aktuelles Passwort"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("Neues Passwort (mindestens 8 Zeichen)"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(_l("Neues Passwort wiederholen"),
                            validators=[DataRequired(), EqualTo("new", message=_l("Die Passwörter stimmen nicht überein."))])
    submit = SubmitField(_l("Passwort ändern"))


class VerificationForm(FlaskForm):
    note = TextAreaField(_l("Begründung (bei Ablehnung erforderlich)"), validators=[Optional(), Length(max=500)])
    approve = SubmitField(_l("Verifizieren"))
    reject = SubmitField(_l("Ablehnen"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Abmelden"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[SingleLine(), DataRequired(), Email(check_deliverability=False), Length(max=254)])
    submit = SubmitField(_l("Link zum Zurücksetzen senden"))


class ResetPasswordForm(FlaskForm):
    new = PasswordField(_l("Neues Passwort (mindestens 8 Zeichen)"), validators=[DataRequired(), Length(min=8, max=200)])
    confirm = PasswordField(_l("Neues Passwort wiederholen"),
                            validators=[DataRequired(), EqualTo("new", message=_l("Die Passwörter stimmen nicht überein."))])
    submit = SubmitField(_l("Passwort speichern"))


class RevokeTokenForm(FlaskForm):
    submit = SubmitField(_l("Widerrufen"))


class RevokeAllTokensForm(FlaskForm):
    submit = SubmitField(_l("Alle Tokens widerrufen"))
