"""Meeting forms. Times are entered as Europe/Berlin wall-clock time (datetime-local inputs)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateTimeLocalField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField, URLField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, URL
from wtforms.widgets import CheckboxInput, ListWidget

from ..validators import PlausibleDate, SingleLine
from .models import MAX_DURATION_MINUTES

LOCAL_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class MeetingForm(FlaskForm):
    error_fields = {"invalid_times": "ends_at", "invalid_url": "online_url"}  # the service's refusals, at their field
    title = StringField(_l("Titel"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    council = SelectField(_l("Gremium"), choices=[], validate_choice=True)
    starts_at = DateTimeLocalField(_l("Beginn"), format=LOCAL_FORMAT, validators=[DataRequired(), PlausibleDate()])
    ends_at = DateTimeLocalField(_l("Ende"), format=LOCAL_FORMAT, validators=[DataRequired(), PlausibleDate()])
    location = StringField(_l("Ort"), validators=[SingleLine(), Optional(), Length(max=300)])
    online_url = URLField(_l("Online-Link"),
                          validators=[SingleLine(), Optional(), URL(require_tld=False), Length(max=500)])
    description = TextAreaField(_l("Beschreibung (Markdown)"), validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Speichern"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.ends_at.data <= self.starts_at.data:
            self.ends_at.errors = list(self.ends_at.errors) + [_l("Das Ende muss nach dem Beginn liegen.")]
            ok = False
        if ok and not (self.location.data or "").strip() and not (self.online_url.data or "").strip():
            self.location.errors = list(self.location.errors) + [_l("Bitte gib einen Ort oder einen Online-Link an.")]
            ok = False
        return ok


class MeetingEditForm(MeetingForm):
    """Editing keeps the meeting's body: a meeting never moves between councils."""

    council = None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Titel des TOP"), validators=[SingleLine(), DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Beschreibung (Markdown)"), validators=[Optional(), Length(max=20000)])
    duration_minutes = IntegerField(_l("Geplante Dauer in Minuten"),
                                    validators=[Optional(), NumberRange(min=1, max=MAX_DURATION_MINUTES)])
    presenter = StringField(_l("Vortragende Person"), validators=[SingleLine(), Optional(), Length(max=200)])
    proposal_ids = MultiCheckboxField(_l("Verknüpfte Vorschläge"), coerce=int, choices=[], validate_choice=True)
    submit = SubmitField(_l("TOP speichern"))


class MinutesForm(FlaskForm):
    """The minutes; `minutes_form_for(meeting)` adds one outcome field per agenda item."""

    minutes = TextAreaField(_l("Protokoll (Markdown)"), validators=[DataRequired(), Length(max=20000)])
    attendance_count = IntegerField(_l("Anzahl der Teilnehmenden"),
                                    validators=[Optional(), NumberRange(min=0, max=100000)])
    organisations = TextAreaField(_l("Vertretene Organisationen (eine pro Zeile)"),
                                  validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Protokoll veröffentlichen"))


def outcome_field_name(item_id: int) -> str:
    return f"outcome_{item_id}"


def minutes_form_for(meeting, **kwargs) -> MinutesForm:
    """A MinutesForm with an `outcome_<item id>` field per agenda item, labelled with its TOP."""

    class _Form(MinutesForm):
        pass

    for item in meeting.items:
        label = _l("Ergebnis zu TOP %(n)s: %(title)s", n=item.position, title=item.title)
        setattr(_Form, outcome_field_name(item.id),
                TextAreaField(label, validators=[Optional(), Length(max=20000)], default=item.outcome or ""))
    return _Form(**kwargs)


class ItemChoiceForm(FlaskForm):
    item_id = HiddenField(validators=[DataRequired()])


class MoveForm(FlaskForm):
    position = HiddenField(validators=[DataRequired()])
