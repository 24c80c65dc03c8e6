"""OParl object lists: `{data, pagination, links}` with `links.next` until the last page.

Clients walk a list by following `links.next`; `page` (1, 2, …) and `limit` (1…100, default 50)
are the parameters; `created_since`/`created_until`/`modified_since`/`modified_until` (ISO 8601)
narrow a list by its objects' `created`/`modified`, and `omit_internal=true` leaves out the embedded
lists (agenda items, memberships, files). Every link repeats the filters it was asked with."""
from __future__ import annotations

from datetime import datetime, timezone
from math import ceil

from flask import request
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from ..errors import BadRequest
from ..extensions import db
from .objects import url

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
# What `omit_internal=true` leaves out (OParl 1.1, "Filter").
INTERNAL = ("agendaItem", "membership", "legislativeTerm", "auxiliaryFile", "location", "consultation")


def wants_deleted() -> bool:
    """OParl 1.1: deleted objects are listed exactly when the client asks for changes since a time."""
    return "modified_since" in request.args


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(_("%(name)s muss eine ganze Zahl sein.", name=name), "invalid_pagination") from exc
    return max(low, min(value, high))


def _time_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(_("%(name)s muss ein Zeitpunkt nach ISO 8601 sein.", name=name), "invalid_filter") from exc
    if value.tzinfo is not None:  # stored times are naive UTC
        try:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError as exc:  # the first or last hour of the calendar with an offset
            raise BadRequest(_("%(name)s muss ein Zeitpunkt nach ISO 8601 sein.", name=name), "invalid_filter") from exc
    return value


def _filtered(stmt: Select, created=None, modified=None) -> Select:
    bounds = {"created": created, "modified": modified}
    for name in FILTERS:
        value = _time_arg(name)
        column = bounds[name.split("_")[0]]
        if value is None or column is None:
            continue
        stmt = stmt.where(column >= value if name.endswith("since") else column <= value)
    return stmt


def object_list(stmt: Select, render, endpoint: str, *, created=None, modified=None, **values) -> dict:
    """One page of `stmt`'s rows, shaped by `render(rows) -> [objects]` (one call per page, so it
    can fetch what the page's objects need in one query), with links on `endpoint`."""
    stmt = _filtered(stmt, created, modified)
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = _int_arg("page", 1, 1, 1_000_000)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = db.session.scalars(stmt.limit(limit).offset((page - 1) * limit)).all()
    pages = max(1, ceil(total / limit))
    kept = {name: request.args[name] for name in FILTERS if name in request.args}
    omit = request.args.get("omit_internal") == "true"
    if omit:
        kept["omit_internal"] = "true"
    if "limit" in request.args:
        kept["limit"] = limit

    def link(number: int) -> str:
        return url(endpoint, **values, **kept, **({"page": number} if number > 1 else {}))

    links = {"first": link(1), "self": link(page), "last": link(pages)}
    if page > 1:
        links["prev"] = link(min(page - 1, pages))
    if page < pages:
        links["next"] = link(page + 1)
    data = render(rows)
    if omit:
        data = [{k: v for k, v in obj.items() if k not in INTERNAL} for obj in data]
    return {"data": data,
            "pagination": {"totalElements": total, "elementsPerPage": limit, "currentPage": page,
                           "totalPages": pages},
            "links": links}
