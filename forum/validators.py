"""Single-line text (names, titles, places) and plausible dates. One rule for forms, API and services alike.

A line break in a meeting title or a council name ends up in a mail's Subject header, where it
either breaks sending or injects headers; other control characters have no business in a line of
text either. So every single-line field refuses all of them (Unicode category Cc — tab, CR, LF,
NUL, DEL, C1 — and the line and paragraph separators U+2028/U+2029)."""
from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .errors import Invalid

_SEPARATORS = {"\u2028", "\u2029"}


def is_single_line(value: str) -> bool:
    """True when `value` holds no control character and no line or paragraph separator."""
    return not any(ch in _SEPARATORS or unicodedata.category(ch) == "Cc" for ch in value)


def single_line(value, what: str | None = None, *, code: str = "invalid_characters"):
    """`value` unchanged when it is a single line (or not a string: the caller checks the type);
    raises Invalid naming `what` (e.g. "Titel") otherwise."""
    if isinstance(value, str) and not is_single_line(value):
        if what:
            raise Invalid(_("%(what)s darf keine Zeilenumbrüche oder Steuerzeichen enthalten.", what=what), code)
        raise Invalid(_("Der Text darf keine Zeilenumbrüche oder Steuerzeichen enthalten."), code)
    return value


class SingleLine:
    """WTForms validator: the field's text is one line without control characters."""

    message = _l("Bitte nur eine Zeile ohne Steuerzeichen.")

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and not is_single_line(field.data):
            raise ValidationError(str(self.message))


# Dates and times: a year 1 or 9999 is a typo, and it overflows the time-zone arithmetic (Berlin <-> UTC)
# and the iCalendar files. Forms and API take the same years.
FIRST_YEAR, LAST_YEAR = 1901, 2199


def plausible_year(value) -> bool:
    """True for a date or datetime between FIRST_YEAR and LAST_YEAR."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


class PlausibleDate:
    """WTForms validator: the date or time lies between FIRST_YEAR and LAST_YEAR."""

    message = _l("Bitte ein Datum zwischen %(first)s und %(last)s angeben.")

    def __call__(self, form, field) -> None:
        if field.data is not None and not plausible_year(field.data):
            raise ValidationError(str(self.message) % {"first": FIRST_YEAR, "last": LAST_YEAR})
