"""Notice texts stored as what to say, rendered in the reader's language when shown or mailed.

Services write a notice's subject and body with `lazy_gettext` (`_l` with the German text and its
named parameters): `freeze` keeps the German msgid and its parameters (a parameter may be another `_l`
text, a datetime or a `Joined` list of texts), `render` translates them later for one language;
datetimes are shown in Europe/Berlin time in that language's format. Plain strings (a person's own
words) stay as they are. Meeting revisions (forum/meetings/models.py) are stored the same way."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import LazyString, force_locale, format_datetime, gettext

Frozen = Any  # str | {"msg": msgid, "args": {name: Frozen}} | {"dt": ISO 8601} | {"join": sep, "parts": [Frozen]}


class Joined:
    """Texts shown one after another with `sep` between them (e.g. a list of changes), each
    translated on its own when rendered."""

    def __init__(self, parts, sep: str = "; "):
        self.parts, self.sep = list(parts), sep

    def __str__(self) -> str:
        return self.sep.join(str(part) for part in self.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)


def freeze(value) -> Frozen:
    if isinstance(value, Joined):
        return {"join": value.sep, "parts": [freeze(part) for part in value.parts]}
    if isinstance(value, LazyString):
        msgid = value._args[0] if value._args else ""
        return {"msg": msgid, "args": {k: freeze(v) for k, v in value._kwargs.items()}}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)


def _thaw(value: Frozen):
    if isinstance(value, dict) and "msg" in value:
        args = {k: _thaw(v) for k, v in (value.get("args") or {}).items()}
        return gettext(value["msg"], **args) if args else gettext(value["msg"])
    if isinstance(value, dict) and "join" in value:
        return value["join"].join(str(_thaw(part)) for part in value.get("parts") or [])
    if isinstance(value, dict) and "dt" in value:
        return format_datetime(datetime.fromisoformat(value["dt"]), "medium")
    return "" if value is None else value


def render(value: Frozen, language: str) -> str:
    """The text in `language` (within an app context)."""
    with force_locale(language):
        return str(_thaw(value))


def scrub(value: Frozen, name: str, replacement: str) -> Frozen:
    """The same text with a person's name replaced (a deleted account), at any depth."""
    if isinstance(value, str):
        return value.replace(name, replacement)
    if isinstance(value, dict) and "msg" in value:
        return {"msg": value["msg"], "args": {k: scrub(v, name, replacement) for k, v in (value.get("args") or {}).items()}}
    if isinstance(value, dict) and "join" in value:
        return {"join": value["join"], "parts": [scrub(v, name, replacement) for v in value.get("parts") or []]}
    return value
