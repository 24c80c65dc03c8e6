"""Council forms. Labels are German msgids; English comes from the catalogue."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..validators import SingleLine
from .membership import MESSAGE_MAX
from .services import DESCRIPTION_MAX, MANDATE_MAX, NAME_MAX, NAME_MIN

VISIBILITY_LABELS = {"public": _l("Öffentlich – alle sehen den Fachbeirat"),
                     "private": _l("Privat – nur Mitglieder und Geschäftsführung sehen ihn")}
JOIN_POLICY_LABELS = {"open": _l("Offen – verifizierte Mitglieder treten direkt bei"),
                      "request": _l("Auf Anfrage – die Moderation entscheidet"),
                      "appointed": _l("Nur durch Berufung")}
ROLE_LABELS = {"member": _l("Mitglied"), "moderator": _l("Moderation")}


class CouncilForm(FlaskForm):
    name = StringField(_l("Name"), validators=[SingleLine(), DataRequired(), Length(min=NAME_MIN, max=NAME_MAX)])
    mandate = StringField(_l("Auftrag (kurz)"), validators=[SingleLine(), Optional(), Length(max=MANDATE_MAX)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=DESCRIPTION_MAX)],
                                render_kw={"rows": 10})
    visibility = RadioField(_l("Sichtbarkeit"), choices=list(VISIBILITY_LABELS.items()), default="public",
                            validators=[DataRequired()])
    join_policy = RadioField(_l("Beitritt"), choices=list(JOIN_POLICY_LABELS.items()), default="open",
                             validators=[DataRequired()])
    submit = SubmitField(_l("Speichern"))


class RequestForm(FlaskForm):
    message = TextAreaField(_l("Nachricht an die Moderation (freiwillig)"),
                            validators=[Optional(), Length(max=MESSAGE_MAX)], render_kw={"rows": 3})
    submit = SubmitField(_l("Beitritt anfragen"))


class AppointForm(FlaskForm):
    """Appoint by e-mail address (`email`) or from the search results (`user_id`)."""

    email = EmailField(_l("E-Mail-Adresse"), validators=[SingleLine(), Optional(), Email(check_deliverability=False),
                                                         Length(max=254)])
    user_id = HiddenField()
    role = SelectField(_l("Rolle"), choices=list(ROLE_LABELS.items()), default="member")
    submit = SubmitField(_l("Berufen"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not (self.email.data or "").strip() and not (self.user_id.data or "").isdigit():
            self.email.errors = list(self.email.errors) + [_l("Bitte gib eine E-Mail-Adresse an.")]
            ok = False
        return ok


class RoleForm(FlaskForm):
    role = SelectField(_l("Rolle"), choices=list(ROLE_LABELS.items()))
    submit = SubmitField(_l("Rolle ändern"))


class DecideForm(FlaskForm):
    reason = TextAreaField(_l("Begründung (bei Ablehnung erforderlich, die Person sieht sie)"),
                           validators=[Optional(), Length(max=MESSAGE_MAX)], render_kw={"rows": 2})
    accept = SubmitField(_l("Annehmen"))
    decline = SubmitField(_l("Ablehnen"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.decline.data and not (self.reason.data or "").strip():
            self.reason.errors = list(self.reason.errors) + [_l("Bitte gib einen Grund für die Ablehnung an.")]
            ok = False
        return ok

