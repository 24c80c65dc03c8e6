"""Meeting times: people think in Europe/Berlin, the database stores naive UTC, the API speaks ISO 8601.

Naive API input is refused (422 `missing_offset`): a client must say which offset it means, so a
meeting is never an hour off around a daylight-saving change. Forms use datetime-local inputs,
which carry no offset and are read as Europe/Berlin.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ..errors import Invalid
from ..validators import plausible_year

TZID = "Europe/Berlin"
BERLIN = ZoneInfo(TZID)


def local_to_utc(local: datetime) -> datetime:
    """A naive Europe/Berlin wall-clock time → naive UTC."""
    return local.replace(tzinfo=BERLIN).astimezone(timezone.utc).replace(tzinfo=None)


def utc_to_local(utc: datetime) -> datetime:
    """Naive UTC → an aware Europe/Berlin datetime."""
    return utc.replace(tzinfo=timezone.utc).astimezone(BERLIN)


def utc_to_local_input(utc: datetime | None) -> datetime | None:
    """Naive UTC → the naive Berlin wall-clock time a datetime-local input shows."""
    return utc_to_local(utc).replace(tzinfo=None) if utc is not None else None


def parse_api_datetime(value, name: str) -> datetime:
    """An ISO 8601 string with an offset (or Z) → naive UTC; a 422 naming the field otherwise."""
    if not isinstance(value, str) or len(value) > 40:
        raise Invalid(_("Das Feld '%(name)s' muss eine Zeitangabe nach ISO 8601 sein.", name=name), "invalid_field")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise Invalid(_("Das Feld '%(name)s' muss eine Zeitangabe nach ISO 8601 sein.", name=name),
                      "invalid_field") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise Invalid(_("Das Feld '%(name)s' braucht eine Zeitzone, z. B. 2026-05-04T18:00:00+02:00 oder …Z.",
                        name=name), "missing_offset")
    if not plausible_year(parsed):
        raise Invalid(_("Das Feld '%(name)s' liegt außerhalb des erlaubten Bereichs.", name=name), "invalid_field")
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)
