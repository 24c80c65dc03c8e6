"""Comments on proposals: one level of replies, a short edit window, deletion by the author.

`comments_count` on the proposal counts comments that are not deleted and is changed by
`UPDATE … SET comments_count = comments_count ± 1` in the same transaction as the row.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..permissions import (COMMENTABLE_STATUSES, can_delete_comment, can_edit_comment, can_view_proposal,
                           is_verified_member)
from .models import Comment, Proposal
from .services import _not_verified, clean_body

COMMENT_MAX = 5_000
THREAD_LIMIT = 500


def _bump(proposal_id: int, delta: int) -> None:
    table = Proposal.__table__
    db.session.execute(update(table).where(table.c.id == proposal_id)
                       .values(comments_count=table.c.comments_count + delta, updated_at=table.c.updated_at))


def add_comment(proposal: Proposal, author, body, parent_id=None) -> Comment:
    """A comment, or a reply when `parent_id` names a comment of this proposal (a reply to a reply
    joins the same thread: one level only).

    Raises NotFound (may not see it), NotAllowed (not a verified member), Conflict (draft or
    withdrawn proposal, deleted parent) or Invalid (body, parent)."""
    if not can_view_proposal(author, proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    if not is_verified_member(author):
        raise _not_verified(author)
    if proposal.status not in COMMENTABLE_STATUSES:
        raise Conflict(_("Dieser Vorschlag nimmt keine Kommentare an."), "comments_closed")
    body = clean_body(body, maximum=COMMENT_MAX, what="comment")
    parent = None
    if parent_id is not None:
        if isinstance(parent_id, bool) or not isinstance(parent_id, int):
            raise Invalid(_("parent_id muss eine Zahl sein."), "invalid_parent")
        parent = db.session.scalar(select(Comment).where(Comment.id == parent_id, Comment.proposal_id == proposal.id))
        if parent is None:
            raise Invalid(_("Auf diesen Kommentar kann nicht geantwortet werden."), "invalid_parent")
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)
        if parent is None or parent.is_deleted:
            raise Conflict(_("Dieser Kommentar wurde gelöscht."), "parent_deleted")
    comment = Comment(proposal_id=proposal.id, author_id=author.id, body=body,
                      parent_id=parent.id if parent is not None else None)
    db.session.add(comment)
    db.session.flush()
    _bump(proposal.id, +1)
    return comment


def edit_comment(comment: Comment, actor, body) -> Comment:
    """Change the text within the edit window. Raises NotAllowed (not the author, window over), Invalid."""
    if not can_edit_comment(actor, comment):
        if getattr(actor, "id", None) == comment.author_id and not comment.is_deleted:
            raise NotAllowed(_("Kommentare lassen sich nur kurz nach dem Schreiben bearbeiten."), "edit_window_over")
        raise NotAllowed(_("Nur die Person, die ihn geschrieben hat, kann diesen Kommentar bearbeiten."))
    comment.body = clean_body(body, maximum=COMMENT_MAX, what="comment")
    comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(comment: Comment, actor) -> None:
    """Delete one's own comment: the text is gone, replies keep their place. Raises NotAllowed."""
    if not can_delete_comment(actor, comment):
        raise NotAllowed(_("Nur die Person, die ihn geschrieben hat, kann diesen Kommentar löschen."))
    comment.body = ""
    comment.deleted_at = utcnow()
    db.session.flush()
    _bump(comment.proposal_id, -1)


def get_comment(proposal: Proposal, comment_id: int) -> Comment:
    comment = db.session.scalar(select(Comment).where(Comment.id == comment_id, Comment.proposal_id == proposal.id))
    if comment is None:
        raise NotFound(_("Diesen Kommentar gibt es nicht."))
    return comment


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def threads(proposal: Proposal) -> list[Thread]:
    """Top-level comments in order, each with its replies (one query, authors included).
    Deleted comments without replies are left out."""
    rows = db.session.scalars(
        select(Comment).options(joinedload(Comment.author).load_only(User.name, User.stakeholder))
        .where(Comment.proposal_id == proposal.id)
        .order_by(Comment.created_at, Comment.id).limit(THREAD_LIMIT)
    ).all()
    by_id: dict[int, Thread] = {}
    result: list[Thread] = []
    for comment in rows:
        if comment.parent_id is None:
            by_id[comment.id] = Thread(comment)
            result.append(by_id[comment.id])
        elif comment.parent_id in by_id and not comment.is_deleted:
            by_id[comment.parent_id].replies.append(comment)
    return [t for t in result if not (t.comment.is_deleted and not t.replies)]


def list_comments(proposal: Proposal):
    """A select of the proposal's comments in reading order (for the paginated API)."""
    return (select(Comment).options(joinedload(Comment.author)).where(Comment.proposal_id == proposal.id)
            .order_by(Comment.created_at, Comment.id))
