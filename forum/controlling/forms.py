"""Forms of the controlling area. Labels are German msgids; English comes from the catalogue."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, FieldList, Form, FormField, IntegerField, RadioField,
                     SelectField, StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ..validators import PlausibleDate, SingleLine
from .cooperation import STATUS_LABELS as REQUEST_STATUS_LABELS
from .cooperation import TOPIC_LABELS
from .cooperation_models import REQUEST_STATUSES, REQUEST_TOPICS
from .models import PARTNER_KINDS, PROJECT_STATUSES
from .projects import PARTNER_LABELS, STATUS_LABELS, VISIBILITY_LABELS


class ProjectForm(FlaskForm):
    error_fields = {"invalid_dates": "end_date"}  # the service's refusals, at their field
    title = StringField(_l("Titel"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Beschreibung (Markdown)"), validators=[Optional(), Length(max=20000)])
    department = StringField(_l("Verantwortliche Stelle (Fachbereich oder städtische Gesellschaft)"),
                             validators=[SingleLine(), DataRequired(), Length(max=200)],
                             render_kw={"list": "departments"})
    status = SelectField(_l("Status"), choices=[(s, STATUS_LABELS[s]) for s in PROJECT_STATUSES], default="idea")
    visibility = RadioField(_l("Sichtbarkeit"), choices=[(v, VISIBILITY_LABELS[v]) for v in ("public", "internal")],
                            default="public", validators=[DataRequired()])
    budget_eur = IntegerField(_l("Budget in Euro"), validators=[Optional(), NumberRange(min=0, max=10**12)])
    spent_eur = IntegerField(_l("Bisher ausgegeben in Euro"), validators=[Optional(), NumberRange(min=0, max=10**12)],
                             default=0)
    start_date = DateField(_l("Beginn"), validators=[Optional(), PlausibleDate()])
    end_date = DateField(_l("Ende"), validators=[Optional(), PlausibleDate()])
    submit = SubmitField(_l("Projekt speichern"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.start_date.data and self.end_date.data and self.end_date.data < self.start_date.data:
            self.end_date.errors = list(self.end_date.errors) + [_l("Das Ende liegt vor dem Beginn.")]
            ok = False
        return ok

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "department": self.department.data, "status": self.status.data, "visibility": self.visibility.data,
                "budget_eur": self.budget_eur.data, "spent_eur": self.spent_eur.data or 0,
                "start_date": self.start_date.data, "end_date": self.end_date.data}


class PartnerForm(FlaskForm):
    name = StringField(_l("Name des Partners"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    kind = SelectField(_l("Art"), choices=[(k, PARTNER_LABELS[k]) for k in PARTNER_KINDS], default="business")
    submit = SubmitField(_l("Partner hinzufügen"))


class MilestoneForm(FlaskForm):
    title = StringField(_l("Meilenstein"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    due_date = DateField(_l("Fällig am"), validators=[DataRequired(), PlausibleDate()])
    submit = SubmitField(_l("Meilenstein hinzufügen"))


class LinkProposalForm(FlaskForm):
    proposal_id = IntegerField(_l("Nummer des Vorschlags"), validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField(_l("Vorschlag verknüpfen"))


class LinkCouncilForm(FlaskForm):
    council_id = SelectField(_l("Fachbeirat"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Fachbeirat verknüpfen"))


class CriterionRow(Form):
    name = StringField(_l("Name"), validators=[SingleLine(), Optional(), Length(max=120)])
    description = StringField(_l("Beschreibung"), validators=[SingleLine(), Optional(), Length(max=500)])
    weight = IntegerField(_l("Gewicht"), validators=[Optional(), NumberRange(min=1, max=100)])
    scale_min = IntegerField(_l("Skala von"), validators=[Optional(), NumberRange(min=0, max=99)], default=1)
    scale_max = IntegerField(_l("Skala bis"), validators=[Optional(), NumberRange(min=1, max=100)], default=5)
    inverted = BooleanField(_l("Niedriger Wert ist besser (z. B. Kosten)"))
    remove = BooleanField(_l("Entfernen"))


class CatalogueForm(FlaskForm):
    criteria = FieldList(FormField(CriterionRow), min_entries=1, max_entries=24)
    note = StringField(_l("Was hat sich geändert?"), validators=[SingleLine(), Optional(), Length(max=500)])
    submit = SubmitField(_l("Als neue Version veröffentlichen"))


def evaluation_form(catalogue, data=None):
    """A form with a value (radio buttons for short scales) and a justification per criterion."""
    class EvaluationForm(FlaskForm):
        submit = SubmitField(_l("Bewertung speichern"))

    for criterion in catalogue.criteria:
        label = f"{criterion.name} ({criterion.scale_min}–{criterion.scale_max})"
        if criterion.scale_max - criterion.scale_min <= 10:
            choices = [(str(v), str(v)) for v in range(criterion.scale_min, criterion.scale_max + 1)]
            value_field = RadioField(label, choices=choices, validators=[InputRequired()])
        else:
            value_field = IntegerField(label, validators=[InputRequired(),
                                                          NumberRange(criterion.scale_min, criterion.scale_max)])
        setattr(EvaluationForm, f"value_{criterion.id}", value_field)
        setattr(EvaluationForm, f"why_{criterion.id}",
                TextAreaField(_l("Begründung zu „%(name)s“", name=criterion.name),
                              validators=[DataRequired(), Length(max=2000)]))
    return EvaluationForm(data=data)


class EvaluatorForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse der Person"),
                       validators=[SingleLine(), DataRequired(), Email(check_deliverability=False), Length(max=254)])
    submit = SubmitField(_l("Als Bewerter*in benennen"))


class CooperationForm(FlaskForm):
    topic = SelectField(_l("Thema"), choices=[(t, TOPIC_LABELS[t]) for t in REQUEST_TOPICS], default="other")
    organisation = StringField(_l("Organisation"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    message = TextAreaField(_l("Nachricht"), validators=[DataRequired(), Length(min=10, max=5000)])
    submit = SubmitField(_l("Anfrage senden"))


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Zuständig"), coerce=int)
    submit = SubmitField(_l("Zuweisen"))


class RequestStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[(s, REQUEST_STATUS_LABELS[s]) for s in REQUEST_STATUSES])
    submit = SubmitField(_l("Status setzen"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Antwort"), validators=[DataRequired(), Length(max=10000)])
    submit = SubmitField(_l("Antwort senden"))
