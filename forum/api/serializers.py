"""Model → JSON. The one place that decides what the API shows of each model."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db


def iso(dt) -> str | None:
    return dt.isoformat() + "Z" if dt is not None else None


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
    return data


def comment(c) -> dict:
    """A comment; a deleted one keeps its place with `deleted: true` and no text or author."""
    from ..text import render_markdown

    deleted = c.deleted_at is not None
    return {
        "id": c.id,
        "proposal_id": c.proposal_id,
        "parent_id": c.parent_id,
        "author": None if deleted else user_public(c.author),
        "body_html": "" if deleted else str(render_markdown(c.body)),
        "deleted": deleted,
        "created_at": iso(c.created_at),
        "edited_at": iso(c.edited_at),
    }


def revision(r) -> dict:
    """One earlier version of a proposal (Markdown source, as the author wrote it)."""
    return {"id": r.id, "title": r.title, "body": r.body, "editor": user_public(r.editor),
            "replaced_at": iso(r.created_at)}
