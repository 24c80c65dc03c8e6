"""Every API request's query and path parameters checked against the OpenAPI document.

The document is the one place that says what a parameter may be (`per_page` 1–100, `status` one
of …, `q` at most 200 characters); this check runs before each API view, so the server refuses
exactly what the document excludes — a 400 `invalid_parameter` naming the parameter — and a new
route gets the check by being documented. Path ids outside the documented range are a 404 (no
such thing exists), never a database error. Parameters the document does not name are ignored.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import current_app, request
from flask_babel import gettext as _

from ..errors import BadRequest, NotFound
from .openapi import operation, openapi_path

_INTEGER = re.compile(r"-?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _invalid(parameter: dict, reason: str) -> BadRequest:
    # `x-error-code` keeps the machine word a parameter had before this check existed (invalid_sort, …).
    return BadRequest(_("Der Parameter '%(name)s' ist ungültig: %(reason)s", name=parameter["name"], reason=reason),
                      parameter.get("x-error-code", "invalid_parameter"))


def _problem(value: str, schema: dict) -> str | None:
    """Why `value` (a query string value) does not fit `schema`, or None when it does."""
    if "\x00" in value:
        return _("enthält ungültige Zeichen")
    kind = schema.get("type", "string")
    if kind == "integer":
        if not _INTEGER.fullmatch(value):
            return _("muss eine ganze Zahl sein")
        number = int(value)
        if "minimum" in schema and number < schema["minimum"]:
            return _("muss mindestens %(min)s sein", min=schema["minimum"])
        if "maximum" in schema and number > schema["maximum"]:
            return _("darf höchstens %(max)s sein", max=schema["maximum"])
        return None
    if "enum" in schema and value not in schema["enum"]:
        return _("muss einer dieser Werte sein: %(values)s", values=", ".join(map(str, schema["enum"])))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return _("ist zu lang (höchstens %(max)s Zeichen)", max=schema["maxLength"])
    if "minLength" in schema and len(value) < schema["minLength"]:
        return _("ist zu kurz (mindestens %(min)s Zeichen)", min=schema["minLength"])
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return _("hat nicht die erwartete Form")
    if schema.get("format") == "date" and not _is_date(value):
        return _("muss ein Datum JJJJ-MM-TT sein")
    if schema.get("format") == "date-time" and not _is_datetime(value):
        return _("muss eine Zeit nach ISO 8601 sein")
    return None


def _is_date(value: str) -> bool:
    try:
        return _DATE.fullmatch(value) is not None and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _is_datetime(value: str) -> bool:
    try:
        return bool(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return False


def _parameters(rule: str, method: str) -> list[dict]:
    cache = current_app.extensions.setdefault("forum_api_parameters", {})
    key = (rule, method)
    if key not in cache:
        op = operation(openapi_path(rule), "get" if method == "HEAD" else method)
        cache[key] = [p for p in (op or {}).get("parameters", []) if p["in"] in ("query", "path")]
    return cache[key]


def check_parameters() -> None:
    """Refuse a request whose query or path parameters the document excludes (before the view)."""
    if request.url_rule is None:
        return
    for parameter in _parameters(request.url_rule.rule, request.method):
        name, schema = parameter["name"], parameter.get("schema", {})
        if parameter["in"] == "path":
            value = (request.view_args or {}).get(name)
            if value is not None and _problem(str(value), schema) is not None:
                raise NotFound(_("Das gibt es nicht."))
            continue
        values = request.args.getlist(name)
        if not values:
            if parameter.get("required"):
                raise _invalid(parameter, _("fehlt"))
            continue
        if len(values) > 1:
            raise _invalid(parameter, _("darf nur einmal vorkommen"))
        reason = _problem(values[0], schema)
        if reason is not None:
            raise _invalid(parameter, reason)
