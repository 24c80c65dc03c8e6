"""Moderation forms. Labels are German msgids; English comes from the catalogue."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..validators import PlausibleDate, SingleLine
from .models import REASON_MAX


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("Warum meldest du diesen Beitrag?"), validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Beitrag melden"))


class DecisionForm(FlaskForm):
    reason = StringField(_l("Begründung"), validators=[SingleLine(), DataRequired(), Length(max=REASON_MAX)])


class SuspendForm(FlaskForm):
    until = DateField(_l("Gesperrt bis (leer lassen: auf Dauer)"), validators=[Optional(), PlausibleDate()])
    reason = StringField(_l("Begründung"), validators=[SingleLine(), DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Sperren"))


class LiftForm(FlaskForm):
    reason = StringField(_l("Anmerkung (optional)"), validators=[SingleLine(), Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Sperre aufheben"))


class SitePageForm(FlaskForm):
    body = TextAreaField(_l("Text (Markdown)"), validators=[DataRequired(), Length(max=50_000)])
    submit = SubmitField(_l("Speichern"))


class ExportForm(FlaskForm):
    submit = SubmitField(_l("Meine Daten herunterladen (JSON)"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Passwort zur Bestätigung"), validators=[DataRequired(), Length(max=200)])
    delete_contributions = BooleanField(_l("Auch meine Beiträge löschen, soweit niemand darauf geantwortet hat"))
    submit = SubmitField(_l("Konto endgültig löschen"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Aktion"), validators=[Optional()])
    actor = StringField(_l("Handelnde Person (Nummer)"), validators=[SingleLine(), Optional(), Length(max=12)])
    target_type = SelectField(_l("Art des Objekts"), validators=[Optional()])
    date_from = DateField(_l("Von"), validators=[Optional()])
    date_to = DateField(_l("Bis"), validators=[Optional()])
