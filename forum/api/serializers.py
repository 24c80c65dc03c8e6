"""Model → JSON. The one place that decides what the API shows of each model."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db


from ..database import iso


def user_public(user) -> dict:
    """An author as others see them; a deleted account shows as such."""
    if user is None:
        return {"id": None, "name": "gelöschtes Konto", "stakeholder": None}
    return {"id": user.id, "name": user.name, "stakeholder": user.stakeholder}


def me(user) -> dict:
    from ..councils.models import Council, Membership

    councils = db.session.execute(
        select(Council.slug, Membership.role).join(Membership, Membership.council_id == Council.id)
        .where(Membership.user_id == user.id).order_by(Council.slug)
    ).all()
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "stakeholder": user.stakeholder,
        "organisation": user.organisation,
        "verified": user.is_verified,
        "verification": user.verification,
        "email_confirmed": user.email_confirmed,
        "role": user.role,
        "councils": [{"slug": slug, "role": role} for slug, role in councils],
    }


# --- councils -----------------------------------------------------------------------------

def council_summary(council) -> dict:
    """A council in lists: no description, no people."""
    return {
        "slug": council.slug,
        "name": council.name,
        "mandate": council.mandate,
        "visibility": council.visibility,
        "join_policy": council.join_policy,
        "archived": council.is_archived,
        "members_count": council.members_count,
    }


def council_detail(council, *, moderators, members_by_stakeholder: dict, viewer) -> dict:
    """A council with its description (raw Markdown and sanitised HTML), moderators, member
    counts per stakeholder group and what the caller is and may do there (`viewer`)."""
    from ..text import render_markdown

    pending, declined = viewer.pending_request, viewer.declined_request
    shown_request = pending or declined
    return {
        **council_summary(council),
        "description": council.description,
        "description_html": str(render_markdown(council.description)),
        "created_at": iso(council.created_at),
        "archived_at": iso(council.archived_at),
        "moderators": [user_public(user) for user in moderators],
        "members_by_stakeholder": members_by_stakeholder,
        "viewer": {
            "role": viewer.role,
            "can_join": viewer.can_join,
            "can_request": viewer.can_request,
            "can_leave": viewer.can_leave,
            "join_blocked_because": viewer.blocker,
            "request": join_request(shown_request) if shown_request is not None else None,
        },
    }


def council_member(user, membership) -> dict:
    return {**user_public(user), "organisation": user.organisation, "role": membership.role,
            "joined_at": iso(membership.created_at)}


def join_request(req) -> dict:
    return {
        "id": req.id,
        "council": req.council.slug,
        "user": user_public(req.user),
        "status": req.status,
        "message": req.message,
        "reason": req.reason,
        "created_at": iso(req.created_at),
        "decided_at": iso(req.decided_at),
        "decided_by": user_public(req.decided_by) if req.decided_by_id is not None else None,
    }


# --- moderation, audit log --------------------------------------------------------------------

def report(row) -> dict:
    return {"id": row.id, "target": row.target_type, "target_id": row.target_id, "reason": row.reason,
            "status": row.status, "created_at": iso(row.created_at)}


def moderation_queue_item(entry) -> dict:
    """An item in the moderation queue (reasons without the reporters' names)."""
    return {"target": entry.kind, "id": entry.item.id, "council": entry.council.slug if entry.council else None,
            "reports_count": entry.reports_count, "reasons": entry.reasons, "hidden": entry.hidden,
            "auto_hidden": entry.auto_hidden, "excerpt": entry.excerpt, "url": entry.url,
            "first_reported_at": iso(entry.first_reported_at)}


def suspension(row) -> dict:
    return {"id": row.id, "user_id": row.user_id, "until": iso(row.until), "reason": row.reason,
            "created_at": iso(row.created_at), "lifted_at": iso(row.lifted_at)}


def audit_entry(entry) -> dict:
    return {"id": entry.id, "actor_id": entry.actor_id, "action": entry.action, "target_type": entry.target_type,
            "target_id": entry.target_id, "council_id": entry.council_id, "reason": entry.reason,
            "details": entry.details or {}, "created_at": iso(entry.created_at)}


# --- Meetings -----------------------------------------------------------------------------------------

def agenda_item(item, proposal_ids: list[int]) -> dict:
    """One TOP; `proposal_ids` are only the linked proposals the caller may see."""
    from ..text import render_markdown

    return {
        "id": item.id,
        "position": item.position,
        "title": item.title,
        "description_html": str(render_markdown(item.description)),
        "duration_minutes": item.duration_minutes,
        "presenter": item.presenter,
        "proposal_ids": proposal_ids,
        "outcome_html": str(render_markdown(item.outcome)) if item.outcome else None,
        "started_at": iso(item.started_at),
    }


def meeting(m, links: dict, *, revisions: bool = False) -> dict:
    """A meeting with its agenda; `links` maps item id → proposals the caller may see."""
    from ..text import render_markdown

    data = {
        "id": m.id,
        "title": m.title,
        "description_html": str(render_markdown(m.description)),
        "kind": m.kind,
        "council": {"slug": m.council.slug, "name": m.council.name} if m.council else None,
        "starts_at": iso(m.starts_at),
        "ends_at": iso(m.ends_at),
        "location": m.location,
        "online_url": m.online_url,
        "status": m.status,
        "current_item_id": m.current_item_id,
        "current_item_started_at": iso(m.current_item_started_at),
        "sequence": m.sequence,
        "followers_count": m.followers_count,
        "published_at": iso(m.published_at),
        "updated_at": iso(m.updated_at),
        "url": f"/meetings/{m.id}",
        "ics_url": f"/meetings/{m.id}.ics",
        "items": [agenda_item(item, [p.id for p in links.get(item.id, [])]) for item in m.items],
        "minutes": None,
    }
    if m.minutes_published_at is not None:
        data["minutes"] = {
            "html": str(render_markdown(m.minutes)),
            "attendance_count": m.attendance_count,
            "organisations": m.organisations_list,
            "published_at": iso(m.minutes_published_at),
        }
    if revisions:
        data["revisions"] = [{"summary": r.summary, "created_at": iso(r.created_at)} for r in m.revisions]
    return data
# --- proposals ---------------------------------------------------------------------------------

def votes(proposal) -> dict:
    """The contract's `votes` object: totals and all five stakeholder groups, from stored counters."""
    return {
        "for": proposal.votes_for,
        "against": proposal.votes_against,
        "abstain": proposal.votes_abstain,
        "total": proposal.votes_for + proposal.votes_against + proposal.votes_abstain,
        "by_stakeholder": proposal.tally(),
    }


def votes_or_hidden(proposal) -> dict:
    """`{"votes": {...}, "votes_hidden": false}`, or `{"votes": null, "votes_hidden": true}` while the
    proposal hides its counts until voting has closed."""
    from ..proposals.voting import votes_visible

    if votes_visible(proposal):
        return {"votes": votes(proposal), "votes_hidden": False}
    return {"votes": None, "votes_hidden": True}


def proposal(p, *, my_vote: str | None = None, include_my_vote: bool = False) -> dict:
    """A proposal as the API shows it. `my_vote` (the caller's own choice) is included only on
    request (the detail and write endpoints), and is shown even while counts are hidden."""
    from ..text import render_markdown

    data = {
        "id": p.id,
        "title": p.title,
        "body_html": str(render_markdown(p.body)),
        "excerpt": p.excerpt,
        "status": p.status,
        "council": p.council.slug if p.council is not None else None,
        "author": user_public(p.author),
        **votes_or_hidden(p),
        "hide_votes": p.hide_votes,
        "comments_count": p.comments_count,
        "tags": p.tag_names,
        "created_at": iso(p.created_at),
        "published_at": iso(p.published_at),
        "edited_at": iso(p.edited_at),
        "voting_ends_at": iso(p.voting_ends_at),
        "response": None if not p.response else {
            "body_html": str(render_markdown(p.response)),
            "responded_at": iso(p.responded_at),
            "by": user_public(p.responded_by),
        },
        "url": f"/proposals/{p.id}",
    }
    if include_my_vote:
        data["my_vote"] = my_vote
    return with_moderation(data, p, p.council, text_fields=("title", "body_html", "excerpt", "tags"))


def comment(c) -> dict:
    """A comment; a deleted one keeps its place with `deleted: true` and no text or author."""
    from ..text import render_markdown

    deleted = c.deleted_at is not None
    data = {
        "id": c.id,
        "proposal_id": c.proposal_id,
        "parent_id": c.parent_id,
        "author": None if deleted else user_public(c.author),
        "body_html": "" if deleted else str(render_markdown(c.body)),
        "deleted": deleted,
        "created_at": iso(c.created_at),
        "edited_at": iso(c.edited_at),
    }
    return with_moderation(data, c, c.proposal.council, text_fields=("body_html",))


def revision(r) -> dict:
    """One earlier version of a proposal (Markdown source, as the author wrote it)."""
    return {"id": r.id, "title": r.title, "body": r.body, "editor": user_public(r.editor),
            "replaced_at": iso(r.created_at)}


def with_moderation(data: dict, item, council, *, text_fields: tuple[str, ...]) -> dict:
    """Add `hidden` to a serialised item; for a caller who may not read a hidden item's text, its
    text fields become the placeholder (the title "Ausgeblendeter Beitrag", the body a sentence,
    lists empty). Moderators of the council and the author also get `hidden_reason`."""
    from flask_login import current_user

    from ..moderation.visibility import HIDDEN_PLACEHOLDER, HIDDEN_TITLE, text_hidden

    data["hidden"] = item.hidden_at is not None
    if not data["hidden"]:
        return data
    if text_hidden(current_user, item, council):
        for name in text_fields:
            if name == "title":
                data[name] = HIDDEN_TITLE
            elif name == "body_html":
                data[name] = f"<p>{HIDDEN_PLACEHOLDER}</p>"
            else:
                data[name] = [] if isinstance(data.get(name), list) else ""
    else:
        data["hidden_reason"] = item.hidden_reason
    return data


def live_message(message, *, reveal_hidden: bool = False) -> dict:
    """A live message as the `message` event and `join` carry it. A hidden message is only ever
    serialised for its author or a moderator (`reveal_hidden`), marked with its reason."""
    data = {
        "id": message.id,
        "room": message.room,
        "author": user_public(message.author),
        "body_html": message.body_html,
        "created_at": iso(message.created_at),
    }
    if message.hidden_at is not None:
        if not reveal_hidden:
            return {"id": message.id, "room": message.room, "hidden": True, "created_at": iso(message.created_at)}
        data["hidden"] = True
        data["hidden_reason"] = message.hidden_reason
    return data


# --- controlling: projects ----------------------------------------------------------------------

def project(project, user, score=None, catalogue=None, origins=None) -> dict:
    """A project as the API shows it. Linked proposals and councils are filtered for `user`, so a
    private council a project came from stays invisible to outsiders. `score` is a SubjectScore
    of the current catalogue version (or None when nobody has evaluated the project yet).
    `origins` is (proposals, councils) from `controlling.projects.origins` when serialising a list."""
    from ..controlling.projects import origins as load_origins
    from ..text import render_markdown

    proposals, councils = origins or load_origins([project.id], user)

    return {
        "id": project.id,
        "title": project.title,
        "description_html": str(render_markdown(project.description)),
        "department": project.department,
        "status": project.status,
        "partners": [{"name": p.name, "kind": p.kind} for p in project.partners],
        "budget_eur": project.budget_eur,
        "spent_eur": project.spent_eur,
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "end_date": project.end_date.isoformat() if project.end_date else None,
        "milestones": [{"id": m.id, "title": m.title, "due_date": m.due_date.isoformat(),
                        "done_on": m.done_on.isoformat() if m.done_on else None} for m in project.milestones],
        "proposals": [{"id": p.id, "title": p.title, "status": p.status} for p in proposals[project.id]],
        "councils": [{"slug": c.slug, "name": c.name} for c in councils[project.id]],
        "score": None if score is None or not score.count else {
            "value": round(score.mean, 1), "evaluations": score.count, "spread": round(score.std_dev, 1),
            "criteria_version": catalogue.version if catalogue else None},
        "updated_at": iso(project.updated_at),
    }
