"""What proposals register in the core registry (forum/registry.py): proposals and comments as
report targets (reportable, hideable), each person's proposals, comments, votes and follows for
their data export, and their erasure."""
from __future__ import annotations

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased

from .. import registry
from ..councils.visibility import council_column_visible
from ..database import iso
from ..extensions import db
from ..permissions import can_attach_to_proposal, can_view_proposal, can_view_proposal_files
from ..text import plain_excerpt
from . import pagecache
from .models import Comment, Follow, Proposal, Vote


def _hide(item, reason, actor) -> None:
    registry.set_hidden(item, reason, actor)
    pagecache.clear()


def _restore(item, actor) -> None:
    registry.clear_hidden(item, actor)
    pagecache.clear()


def _mine(model, column, user):
    return select(model).join(Proposal, Proposal.id == model.proposal_id).where(
        column == user.id, council_column_visible(Proposal.council_id, user))


def proposals(user) -> list[dict]:
    rows = db.session.scalars(select(Proposal).where(
        Proposal.author_id == user.id, council_column_visible(Proposal.council_id, user)).order_by(Proposal.id))
    return [{"id": p.id, "title": p.title, "body": p.body, "status": p.status, "tags": p.tag_names,
             "council": p.council.slug if p.council else None, "created_at": iso(p.created_at),
             "published_at": iso(p.published_at), "hidden": p.hidden_at is not None,
             "hidden_reason": p.hidden_reason} for p in rows]


def comments(user) -> list[dict]:
    rows = db.session.scalars(_mine(Comment, Comment.author_id, user).order_by(Comment.id))
    return [{"id": c.id, "proposal_id": c.proposal_id, "parent_id": c.parent_id, "body": c.body,
             "created_at": iso(c.created_at), "edited_at": iso(c.edited_at), "deleted_at": iso(c.deleted_at),
             "hidden": c.hidden_at is not None, "hidden_reason": c.hidden_reason} for c in rows]


def votes(user) -> list[dict]:
    rows = db.session.scalars(_mine(Vote, Vote.user_id, user).order_by(Vote.id))
    return [{"proposal_id": v.proposal_id, "choice": v.choice, "stakeholder": v.stakeholder,
             "created_at": iso(v.created_at), "updated_at": iso(v.updated_at)} for v in rows]


def follows(user) -> list[dict]:
    rows = db.session.scalars(_mine(Follow, Follow.user_id, user).order_by(Follow.id))
    return [{"proposal_id": f.proposal_id, "since": iso(f.created_at)} for f in rows]


def erase(user, delete_contributions: bool) -> None:
    """With `delete_contributions`: the person's comments that no one else replied to, then
    their proposals on which no one else commented (their own comments there go with them)."""
    if not delete_contributions:
        return
    reply = aliased(Comment)
    others_replied = exists().where(reply.parent_id == Comment.id, reply.author_id.is_distinct_from(user.id))
    doomed = list(db.session.scalars(select(Comment).where(Comment.author_id == user.id, ~others_replied)))
    touched = {c.proposal_id for c in doomed}
    for c in doomed:
        db.session.delete(c)
    db.session.flush()
    if touched:  # keep the counter true to the remaining rows
        live_comments = (select(func.count(Comment.id)).where(Comment.proposal_id == Proposal.id,
                                                              Comment.deleted_at.is_(None))
                         .correlate(Proposal).scalar_subquery())
        db.session.execute(update(Proposal).where(Proposal.id.in_(touched)).values(comments_count=live_comments)
                           .execution_options(synchronize_session=False))
    others_commented = exists().where(Comment.proposal_id == Proposal.id,
                                      Comment.author_id.is_distinct_from(user.id))
    for p in db.session.scalars(select(Proposal).where(Proposal.author_id == user.id, ~others_commented)):
        db.session.delete(p)
    db.session.flush()


def register() -> None:
    registry.register_target(
        "proposal",
        load=lambda item_id: db.session.get(Proposal, item_id),
        council_of=lambda p: p.council,
        author_of=lambda p: p.author_id,
        can_view=lambda user, p: p.status != "draft" and can_view_proposal(user, p),
        url_of=lambda p: f"/proposals/{p.id}",
        excerpt_of=lambda p: f"{p.title} – {plain_excerpt(p.body, 160)}",
        hide=_hide, restore=_restore,
    )
    registry.register_target(
        "comment",
        load=lambda item_id: db.session.get(Comment, item_id),
        council_of=lambda c: c.proposal.council,
        author_of=lambda c: c.author_id,
        can_view=lambda user, c: c.deleted_at is None and c.proposal.status != "draft"
        and can_view_proposal(user, c.proposal),
        url_of=lambda c: f"/proposals/{c.proposal_id}#kommentar-{c.id}",
        excerpt_of=lambda c: plain_excerpt(c.body, 200),
    )
    registry.register_export("proposals", proposals)
    registry.register_export("comments", comments)
    registry.register_export("votes", votes)
    registry.register_export("proposal_follows", follows)
    registry.register_erasure("proposals", erase)
    registry.register_file_owner(
        "proposal",
        load=lambda proposal_id: db.session.get(Proposal, proposal_id),
        can_view=can_view_proposal_files,
        can_manage=can_attach_to_proposal,
        url_of=lambda p: f"/proposals/{p.id}",
        is_public=lambda p: p.status != "draft" and p.hidden_at is None
        and (p.council is None or not p.council.is_private),
    )
