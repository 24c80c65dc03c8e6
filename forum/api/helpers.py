"""Shared API plumbing: JSON bodies, pagination, field validation."""
from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from ..errors import DomainError, Invalid
from ..extensions import db


INT_MIN, INT_MAX = -2**31, 2**31 - 1  # the OpenAPI document states these bounds for every integer


class BadRequest(DomainError):
    code, status = "bad_request", 400


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


def page_args() -> tuple[int, int]:
    """`page` ≥ 1 and `per_page` clamped to 1…PER_PAGE_MAX; non-numbers are a 400."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 20))
    except ValueError as exc:
        raise BadRequest(_("page und per_page müssen ganze Zahlen sein."), "invalid_pagination") from exc
    page = max(1, min(page, 1_000_000))
    per_page = max(1, min(per_page, current_app.config["PER_PAGE_MAX"]))
    return page, per_page


def paginate(stmt: Select, serialize, *, scalars: bool = True) -> dict[str, Any]:
    """Run `stmt` for one page and answer `{items, page, per_page, total}`."""
    page, per_page = page_args()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    paged = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = db.session.scalars(paged).all() if scalars else db.session.execute(paged).all()
    return {"items": [serialize(row) for row in rows], "page": page, "per_page": per_page, "total": total}
