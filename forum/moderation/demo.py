"""Demo moderation: an open report on a demo comment (so the queue shows how it works) and the
privacy notice and imprint with their default text."""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import select

from .. import registry
from ..accounts.demo import demo_user
from ..extensions import db
from .models import Report, SitePage
from .pages import DEFAULTS


def seed(reportable: tuple[str, Callable[[Any], Any]] | None = None) -> int:
    """The site pages, and (once) a report on the item that `reportable` = (target kind, finder)
    picks: `finder(reporter)` answers an item of that kind someone else wrote, or None."""
    added = 0
    for slug, body in DEFAULTS.items():
        if db.session.get(SitePage, slug) is None:
            db.session.add(SitePage(slug=slug, body=body))
            added += 1
    if reportable is not None and db.session.scalar(select(Report.id).limit(1)) is None:
        added += _report(*reportable)
    db.session.flush()
    return added


def _report(kind: str, finder: Callable[[Any], Any]) -> int:
    reporter = demo_user("mehmet.yilmaz@")
    item = finder(reporter)
    if item is None:
        return 0
    council = registry.target(kind).council_of(item)
    db.session.add(Report(reporter_id=reporter.id, target_type=kind, target_id=item.id,
                          council_id=council.id if council is not None else None,
                          reason="Der Kommentar nennt eine private Telefonnummer – bitte prüfen."))
    return 1
