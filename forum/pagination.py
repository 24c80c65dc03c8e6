"""Page arguments and one page of a query, shared by the pages and the API.

`page_args()` reads `page` and `per_page` from the request; `paginate(stmt, serialize)` answers
the contract's `{items, page, per_page, total}`."""
from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from .errors import BadRequest
from .extensions import db


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
