"""Plugging the forum's areas into moderation (report targets) and data rights (export, erasure).

Imported once at app start (`register_all`). Each block names the area it serves.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from .. import registry
from ..database import iso
from ..councils.visibility import council_column_visible
from ..extensions import db
from ..permissions import can_view_proposal
from ..text import plain_excerpt

_done = False


def register_all() -> None:
    global _done
    if _done:
        return
    _done = True
    _accounts_and_councils()
    _moderation()
    _proposals()
    _meetings()
    _live()
    _controlling()


# --- accounts, councils, notifications --------------------------------------------------------

def _accounts_and_councils() -> None:
    from ..councils.models import Council, JoinRequest, Membership
    from ..notifications.models import Notification

    def memberships(user):
        rows = db.session.execute(
            select(Council.slug, Council.name, Membership.role, Membership.created_at)
            .join(Membership, Membership.council_id == Council.id).where(Membership.user_id == user.id)
            .order_by(Membership.created_at))
        return [{"council": slug, "council_name": name, "role": role, "since": iso(since)}
                for slug, name, role, since in rows]

    def join_requests(user):
        rows = db.session.execute(
            select(JoinRequest, Council.slug).join(Council, Council.id == JoinRequest.council_id)
            .where(JoinRequest.user_id == user.id, council_column_visible(JoinRequest.council_id, user))
            .order_by(JoinRequest.created_at))
        return [{"council": slug, "status": r.status, "message": r.message, "reason": r.reason,
                 "created_at": iso(r.created_at), "decided_at": iso(r.decided_at)} for r, slug in rows]

    def notifications(user):
        rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                  .order_by(Notification.created_at, Notification.id))
        return [{"subject": n.subject, "body": n.body, "url": n.url, "created_at": iso(n.created_at),
                 "read_at": iso(n.read_at)} for n in rows]

    registry.register_export("memberships", memberships)
    registry.register_export("join_requests", join_requests)
    registry.register_export("notifications", notifications)


# --- moderation: the person's reports and suspensions -------------------------------------------

def _moderation() -> None:
    from .models import Report, Suspension
    from .privacy import erase_reports

    def reports(user):
        rows = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at))
        return [{"target": r.target_type, "id": r.target_id, "reason": r.reason, "status": r.status,
                 "created_at": iso(r.created_at)} for r in rows]

    def suspensions(user):
        rows = db.session.scalars(select(Suspension).where(Suspension.user_id == user.id)
                                  .order_by(Suspension.created_at))
        return [{"until": iso(s.until), "reason": s.reason, "created_at": iso(s.created_at),
                 "lifted_at": iso(s.lifted_at)} for s in rows]

    registry.register_export("reports", reports)
    registry.register_export("suspensions", suspensions)
    registry.register_erasure("reports", erase_reports)


# --- proposals and comments --------------------------------------------------------------------

def _proposals() -> None:
    from sqlalchemy import exists, func, update
    from sqlalchemy.orm import aliased

    from ..proposals import pagecache
    from ..proposals.models import Comment, Follow, Proposal, Vote

    def hide(item, reason, actor):
        registry.set_hidden(item, reason, actor)
        pagecache.clear()

    def restore(item, actor):
        registry.clear_hidden(item, actor)
        pagecache.clear()

    registry.register_target(
        "proposal",
        load=lambda item_id: db.session.get(Proposal, item_id),
        council_of=lambda p: p.council,
        author_of=lambda p: p.author_id,
        can_view=lambda user, p: p.status != "draft" and can_view_proposal(user, p),
        url_of=lambda p: f"/proposals/{p.id}",
        excerpt_of=lambda p: f"{p.title} – {plain_excerpt(p.body, 160)}",
        hide=hide, restore=restore,
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

    def mine(model, column, user):
        return select(model).join(Proposal, Proposal.id == model.proposal_id).where(
            column == user.id, council_column_visible(Proposal.council_id, user))

    def proposals(user):
        rows = db.session.scalars(select(Proposal).where(
            Proposal.author_id == user.id, council_column_visible(Proposal.council_id, user)).order_by(Proposal.id))
        return [{"id": p.id, "title": p.title, "body": p.body, "status": p.status, "tags": p.tag_names,
                 "council": p.council.slug if p.council else None, "created_at": iso(p.created_at),
                 "published_at": iso(p.published_at), "hidden": p.hidden_at is not None,
                 "hidden_reason": p.hidden_reason} for p in rows]

    def comments(user):
        rows = db.session.scalars(mine(Comment, Comment.author_id, user).order_by(Comment.id))
        return [{"id": c.id, "proposal_id": c.proposal_id, "parent_id": c.parent_id, "body": c.body,
                 "created_at": iso(c.created_at), "edited_at": iso(c.edited_at), "deleted_at": iso(c.deleted_at),
                 "hidden": c.hidden_at is not None, "hidden_reason": c.hidden_reason} for c in rows]

    def votes(user):
        rows = db.session.scalars(mine(Vote, Vote.user_id, user).order_by(Vote.id))
        return [{"proposal_id": v.proposal_id, "choice": v.choice, "stakeholder": v.stakeholder,
                 "created_at": iso(v.created_at), "updated_at": iso(v.updated_at)} for v in rows]

    def follows(user):
        rows = db.session.scalars(mine(Follow, Follow.user_id, user).order_by(Follow.id))
        return [{"proposal_id": f.proposal_id, "since": iso(f.created_at)} for f in rows]

    def erase(user, delete_contributions: bool):
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

    registry.register_export("proposals", proposals)
    registry.register_export("comments", comments)
    registry.register_export("votes", votes)
    registry.register_export("proposal_follows", follows)
    registry.register_erasure("proposals", erase)


# --- meetings -------------------------------------------------------------------------------------

def _meetings() -> None:
    from ..meetings.models import Meeting, MeetingFollow

    def follows(user):
        rows = db.session.execute(
            select(Meeting.id, Meeting.title, MeetingFollow.created_at)
            .join(MeetingFollow, MeetingFollow.meeting_id == Meeting.id)
            .where(MeetingFollow.user_id == user.id, council_column_visible(Meeting.council_id, user))
            .order_by(MeetingFollow.created_at))
        return [{"meeting": mid, "title": title, "since": iso(since)} for mid, title, since in rows]

    registry.register_export("meeting_follows", follows)


# --- live messages ----------------------------------------------------------------------------------

def _room_council(room_name: str):
    """The council whose moderators moderate a room, whoever asks (None: forum-wide)."""
    from ..councils.models import Council
    from ..meetings.models import Meeting
    from ..proposals.models import Proposal

    kind, _, key = room_name.partition(":")
    if kind == "council":
        return db.session.scalar(select(Council).where(Council.slug == key))
    owner = {"proposal": Proposal, "meeting": Meeting}.get(kind)
    if owner is None or not key.isdigit():
        return None
    obj = db.session.get(owner, int(key))
    return obj.council if obj is not None else None


def _live() -> None:
    from ..live import services as live
    from ..live.models import LiveMessage
    from ..live.rooms import resolve_room

    def can_view(user, message):
        room = resolve_room(message.room, user)
        return room is not None and room.can_read(user)

    def hide(message, reason, actor):
        registry.set_hidden(message, reason, actor)
        live.announce_hidden(message, message.room, reason)

    def url_of(message):
        kind, _, key = message.room.partition(":")
        return f"/live/rooms/{kind}/{key}#live-message-{message.id}"

    registry.register_target(
        "message", load=live.get_message, council_of=lambda m: _room_council(m.room),
        author_of=lambda m: m.author_id, can_view=can_view, url_of=url_of,
        excerpt_of=lambda m: plain_excerpt(m.body, 200), hide=hide,
    )

    def messages(user):
        rows = db.session.scalars(select(LiveMessage).where(LiveMessage.author_id == user.id).order_by(LiveMessage.id))
        return [{"id": m.id, "room": m.room, "body": m.body, "created_at": iso(m.created_at),
                 "hidden": m.hidden_at is not None, "hidden_reason": m.hidden_reason}
                for m in rows if can_view(user, m)]

    def erase(user, delete_contributions: bool):
        """Messages have no replies: with `delete_contributions` they all go; otherwise they stay
        without author. The idempotency keys (`client_id`) go either way."""
        from sqlalchemy import delete, update

        if delete_contributions:
            db.session.execute(delete(LiveMessage).where(LiveMessage.author_id == user.id))
        else:
            db.session.execute(update(LiveMessage).where(LiveMessage.author_id == user.id).values(client_id=None))

    registry.register_export("live_messages", messages)
    registry.register_erasure("live_messages", erase)


# --- controlling: cooperation requests, evaluations ---------------------------------------------------

def _controlling() -> None:
    from ..controlling.cooperation import export_for
    from ..controlling.scoring_models import Score

    def scores(user):
        rows = db.session.scalars(select(Score).where(Score.evaluator_id == user.id).order_by(Score.id))
        return [{"project_id": s.project_id, "proposal_id": s.proposal_id, "criterion_id": s.criterion_id,
                 "value": s.value, "justification": s.justification, "created_at": iso(s.created_at)}
                for s in rows]

    registry.register_export("cooperation_requests", export_for)
    registry.register_export("evaluations", scores)
