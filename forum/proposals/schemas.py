"""The JSON shapes of proposals, their votes, comments and revisions — the API's answers and the
live `votes` event alike."""
from __future__ import annotations

from ..accounts.schemas import user_public
from ..database import iso
from ..text import render_markdown


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
    from .voting import votes_visible  # voting announces these shapes, so it imports this module

    if votes_visible(proposal):
        return {"votes": votes(proposal), "votes_hidden": False}
    return {"votes": None, "votes_hidden": True}


def proposal(p, *, my_vote: str | None = None, include_my_vote: bool = False) -> dict:
    """A proposal as the API shows it. `my_vote` (the caller's own choice) is included only on
    request (the detail and write endpoints), and is shown even while counts are hidden."""
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

    from ..permissions import text_hidden
    from ..registry import HIDDEN_PLACEHOLDER, HIDDEN_TITLE

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
