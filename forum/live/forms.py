"""The no-JavaScript forms of the live panel (the same services answer them as the socket)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..validators import SingleLine
from .models import MAX_CLIENT_ID, MAX_REASON


class MessageForm(FlaskForm):
    # Length and emptiness are checked by the service, which words it the same for socket and form.
    body = TextAreaField(_l("Deine Nachricht"))
    # Made fresh for each rendered form: submitting the same page twice stores one message.
    client_id = HiddenField(validators=[Optional(), Length(max=MAX_CLIENT_ID)])
    next = HiddenField()


class HideForm(FlaskForm):
    reason = StringField(_l("Grund"), validators=[SingleLine(), DataRequired(), Length(max=MAX_REASON)])
    next = HiddenField()
