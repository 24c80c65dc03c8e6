"""The JSON shapes of councils, their members and join requests (API)."""
from __future__ import annotations

from ..accounts.schemas import user_public
from ..database import iso
from ..text import render_markdown


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
