"""Proposal forms. Labels are German msgids; English comes from the catalogue."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from ..validators import PlausibleDate, SingleLine
from .comments import COMMENT_MAX
from .lifecycle import RESPONSE_MAX
from .models import CHOICES
from .services import BODY_MAX, TITLE_MAX


class ProposalForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[SingleLine(), DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Beschreibung"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         render_kw={"rows": 12})
    council = SelectField(_l("Fachbeirat"), choices=[], validate_choice=True, default="")
    tags = StringField(_l("Schlagworte"), validators=[SingleLine(), Optional(), Length(max=300)])
    hide_votes = BooleanField(_l("Stimmenzahlen erst nach dem Ende der Abstimmung zeigen"))
    preview = SubmitField(_l("Vorschau"))
    publish = SubmitField(_l("Veröffentlichen"))
    save_draft = SubmitField(_l("Als Entwurf speichern"))
    save = SubmitField(_l("Änderungen speichern"))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Dein Kommentar"), validators=[DataRequired(), Length(max=COMMENT_MAX)],
                         render_kw={"rows": 4})
    parent_id = HiddenField()
    submit = SubmitField(_l("Kommentar senden"))


class CommentEditForm(FlaskForm):
    body = TextAreaField(_l("Kommentar"), validators=[DataRequired(), Length(max=COMMENT_MAX)], render_kw={"rows": 4})
    submit = SubmitField(_l("Speichern"))


class VoteForm(FlaskForm):
    """The choice comes from the pressed button (name="choice")."""
    choice = StringField(validators=[SingleLine(), DataRequired(), AnyOf(CHOICES)])


class StatusForm(FlaskForm):
    error_fields = {"invalid_voting_end": "voting_ends_at"}  # the service's refusals, at their field
    status = SelectField(_l("Neuer Status"), choices=[], validate_choice=True, default="")
    voting_ends_at = DateTimeLocalField(_l("Abstimmung endet am (optional)"), format="%Y-%m-%dT%H:%M",
                                        validators=[Optional(), PlausibleDate()])
    response = TextAreaField(_l("Offizielle Antwort (Markdown, optional)"),
                             validators=[Optional(), Length(max=RESPONSE_MAX)], render_kw={"rows": 5})
    submit = SubmitField(_l("Speichern"))
