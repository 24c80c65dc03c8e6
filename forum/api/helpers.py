"""Shared API plumbing: JSON bodies and field validation (pagination is forum/pagination.py,
request-argument errors are `forum.errors.BadRequest`)."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from ..errors import BadRequest, Invalid


INT_MIN, INT_MAX = -2**31, 2**31 - 1  # the OpenAPI document states these bounds for every integer


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 `invalid_json`."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest(_("Der Anfragekörper muss ein JSON-Objekt sein."), "invalid_json")
    return data


def field(data: dict, name: str, kind: type | tuple = str, *, required: bool = True, max_length: int | None = None,
          default: Any = None) -> Any:
    """Read one field with a type check; a clear 422 names the field when it is wrong."""
    if name not in data or data[name] is None:
        if required:
            raise Invalid(_("Das Feld '%(name)s' fehlt.", name=name), "missing_field")
        return default
    value = data[name]
    if kind is int and isinstance(value, bool):
        raise Invalid(_("Das Feld '%(name)s' hat den falschen Typ.", name=name), "invalid_field")
    if kind is int and isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
        # Ids, counts and positions all fit a database INTEGER; beyond it nothing can match.
        raise Invalid(_("Das Feld '%(name)s' liegt außerhalb des erlaubten Bereichs.", name=name), "invalid_field")
    if not isinstance(value, kind):
        raise Invalid(_("Das Feld '%(name)s' hat den falschen Typ.", name=name), "invalid_field")
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(_("Das Feld '%(name)s' enthält ungültige Zeichen.", name=name), "invalid_field")
        if max_length is not None and len(value) > max_length:
            raise Invalid(_("Das Feld '%(name)s' ist zu lang (höchstens %(max)s Zeichen).", name=name, max=max_length),
                          "too_long")
    return value
