"""Demo moderation: an open report on a demo comment (so the queue shows how it works) and the
privacy notice and imprint with their default text."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.demo import demo_user
from ..extensions import db
from .models import Report, SitePage
from .pages import DEFAULTS


def seed() -> int:
    added = 0
    for slug, body in DEFAULTS.items():
        if db.session.get(SitePage, slug) is None:
            db.session.add(SitePage(slug=slug, body=body))
            added += 1
    if db.session.scalar(select(Report.id).limit(1)) is None:
        added += _report()
    db.session.flush()
    return added


def _report() -> int:
    from ..proposals.models import Comment, Proposal

    reporter = demo_user("mehmet.yilmaz@")
    comment = db.session.scalar(
        select(Comment).join(Proposal, Proposal.id == Comment.proposal_id)
        .where(Comment.author_id != reporter.id, Comment.deleted_at.is_(None), Proposal.status != "draft")
        .order_by(Comment.id).limit(1))
    if comment is None:
        return 0
    db.session.add(Report(reporter_id=reporter.id, target_type="comment", target_id=comment.id,
                          council_id=comment.proposal.council_id,
                          reason="Der Kommentar nennt eine private Telefonnummer – bitte prüfen."))
    return 1
