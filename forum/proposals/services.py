"""Writing proposals: create, edit (with history), tags, follow and unfollow.

Services take models and an explicit actor, raise DomainErrors, flush and never commit.
Status changes live in lifecycle.py, votes in voting.py, comments in comments.py.
"""
from __future__ import annotations

import re
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..database import utcnow
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..permissions import (can_create_proposal, can_edit_proposal, can_follow, can_view_council,
                           can_view_proposal, is_proposal_author, is_suspended, is_verified_member)
from ..text import plain_excerpt
from ..validators import is_single_line
from .locking import lock_proposal
from .models import Follow, Proposal, ProposalRevision, ProposalTag

TITLE_MAX = 200
BODY_MAX = 20_000
TAGS_MAX = 5
TAG_MAX = 40
EXCERPT_LENGTH = 280
_TAG = re.compile(r"^[\w][\w-]{0,39}$", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_title(title) -> str:
    """A title of 1…200 characters without control characters; raises Invalid."""
    if not isinstance(title, str):
        raise Invalid(_("Der Titel muss Text sein."), "invalid_title")
    if not is_single_line(title):
        raise Invalid(_("Der Titel enthält ungültige Zeichen."), "invalid_title")
    title = " ".join(title.split())
    if not title:
        raise Invalid(_("Bitte gib einen Titel an."), "title_required")
    if len(title) > TITLE_MAX:
        raise Invalid(_("Der Titel ist zu lang (höchstens %(max)s Zeichen).", max=TITLE_MAX), "too_long")
    return title


def clean_body(body, *, maximum: int = BODY_MAX, what: str = "text") -> str:
    """Markdown text of 1…`maximum` characters without NUL or other control characters; raises Invalid.
    `what` ("text" or "comment") names it in the messages."""
    comment = what == "comment"
    if not isinstance(body, str):
        raise Invalid(_("Der Kommentar muss Text sein.") if comment else _("Der Text muss Text sein."), "invalid_body")
    if _CONTROL.search(body):
        raise Invalid(_("Der Kommentar enthält ungültige Zeichen.") if comment
                      else _("Der Text enthält ungültige Zeichen."), "invalid_body")
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise Invalid(_("Der Kommentar darf nicht leer sein.") if comment else _("Der Text darf nicht leer sein."),
                      "body_required")
    if len(body) > maximum:
        raise Invalid(_("Der Kommentar ist zu lang (höchstens %(max)s Zeichen).", max=maximum) if comment
                      else _("Der Text ist zu lang (höchstens %(max)s Zeichen).", max=maximum), "too_long")
    return body


def parse_tags(value) -> list[str]:
    """Tags from a comma-separated string (forms: spaces become hyphens, blank entries are skipped)
    or a list (the API: at most 5 entries, each a tag as it is): lower-case, at most 5 of 1…40
    letters, digits, '-' or '_'. Raises Invalid naming the bad tag."""
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        if len(value) > TAGS_MAX:  # a list (the API) names each tag once: more entries are too many
            raise Invalid(_("Höchstens %(max)s Schlagworte.", max=TAGS_MAX), "invalid_tags")
        items = value
    else:
        raise Invalid(_("Schlagworte müssen Text sein."), "invalid_tags")
    tags: list[str] = []
    for item in items:
        if isinstance(value, list):
            # A list (the API) names each tag as it is: no blank entries, no inner spaces.
            tag = item.strip().lower()
        else:
            tag = "-".join(item.strip().lower().split())
            if not tag:
                continue
        if not _TAG.match(tag):
            raise Invalid(_("Das Schlagwort „%(tag)s“ ist ungültig (Buchstaben, Ziffern und Bindestriche, "
                            "höchstens %(max)s Zeichen).", tag=tag[:40], max=TAG_MAX), "invalid_tags")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise Invalid(_("Höchstens %(max)s Schlagworte.", max=TAGS_MAX), "invalid_tags")
    return tags


def _set_tags(proposal: Proposal, tags: list[str]) -> None:
    current = {t.tag: t for t in proposal.tags}
    for tag, row in current.items():
        if tag not in tags:
            proposal.tags.remove(row)
    for tag in tags:
        if tag not in current:
            proposal.tags.append(ProposalTag(tag=tag))


def _not_verified(user) -> NotAllowed:
    """Why `user` may not post or vote: suspended, an organisation not yet verified, or an unconfirmed e-mail."""
    if is_suspended(user):
        return NotAllowed(_("Dein Konto ist gesperrt. Du kannst lesen, aber nichts schreiben oder abstimmen."),
                          "suspended")
    if user.is_organisation and user.email_confirmed:
        return NotAllowed(_("Dein Organisationskonto ist noch nicht verifiziert."), "not_verified")
    return NotAllowed(_("Bitte bestätige zuerst deine E-Mail-Adresse."), "not_verified")


def create_proposal(author, *, title, body, council=None, tags=None, draft: bool = False,
                    hide_votes: bool = False) -> Proposal:
    """A new proposal, published (or a private draft). The author follows it.

    Raises NotFound (a council the author may not see), NotAllowed (not a verified member, archived
    council) or Invalid (title, body, tags)."""
    if council is not None and not can_view_council(author, council):
        raise NotFound(_("Diesen Fachbeirat gibt es nicht."))
    if not is_verified_member(author):
        raise _not_verified(author)
    if not can_create_proposal(author, council):
        raise NotAllowed(_("In diesem Fachbeirat können keine Vorschläge mehr eingereicht werden."))
    title, body, tag_list = clean_title(title), clean_body(body), parse_tags(tags)
    now = utcnow()
    proposal = Proposal(
        title=title, body=body, excerpt=plain_excerpt(body, EXCERPT_LENGTH), author_id=author.id,
        council_id=council.id if council is not None else None, status="draft" if draft else "published",
        published_at=None if draft else now, hide_votes=bool(hide_votes), created_at=now, updated_at=now,
    )
    db.session.add(proposal)
    _set_tags(proposal, tag_list)
    db.session.flush()
    db.session.add(Follow(proposal_id=proposal.id, user_id=author.id))
    db.session.flush()
    return proposal


def edit_proposal(proposal: Proposal, editor, *, title=None, body=None, tags=None,
                  hide_votes: bool | None = None) -> Proposal:
    """Change title, body, tags or hidden counts while the proposal is a draft or published.

    A published proposal keeps its previous title and body as a revision (the visible edit
    history). Raises NotFound, NotAllowed (not the author), Conflict (in voting or later), Invalid."""
    locked = lock_proposal(proposal.id)
    if locked is None or not can_view_proposal(editor, locked):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    proposal = locked
    if not is_proposal_author(editor, proposal):
        raise NotAllowed(_("Nur die Person, die den Vorschlag geschrieben hat, kann ihn bearbeiten."))
    if not can_edit_proposal(editor, proposal):
        raise Conflict(_("Sobald die Abstimmung begonnen hat, kann der Vorschlag nicht mehr bearbeitet werden."),
                       "not_editable")
    new_title = clean_title(title) if title is not None else proposal.title
    new_body = clean_body(body) if body is not None else proposal.body
    if (new_title, new_body) != (proposal.title, proposal.body):
        if proposal.status != "draft":
            db.session.add(ProposalRevision(proposal_id=proposal.id, editor_id=editor.id,
                                            title=proposal.title, body=proposal.body))
            proposal.edited_at = utcnow()
        proposal.title, proposal.body = new_title, new_body
        proposal.excerpt = plain_excerpt(new_body, EXCERPT_LENGTH)
    if tags is not None:
        _set_tags(proposal, parse_tags(tags))
    if hide_votes is not None:
        proposal.hide_votes = bool(hide_votes)
    db.session.flush()
    return proposal


def revisions(proposal: Proposal) -> list[ProposalRevision]:
    """Earlier versions, newest first."""
    return list(db.session.scalars(
        select(ProposalRevision).where(ProposalRevision.proposal_id == proposal.id)
        .order_by(ProposalRevision.created_at.desc(), ProposalRevision.id.desc())
    ))


def is_following(proposal: Proposal, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(
        select(Follow.id).where(Follow.proposal_id == proposal.id, Follow.user_id == user.id)
    ) is not None


def follow(proposal: Proposal, user) -> None:
    """Follow (idempotent). Raises NotFound when `user` may not see the proposal."""
    if not can_follow(user, proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    if is_following(proposal, user):
        return
    try:
        with db.session.begin_nested():
            db.session.add(Follow(proposal_id=proposal.id, user_id=user.id))
    except IntegrityError:
        return  # a parallel request followed first: the outcome is the same


def unfollow(proposal: Proposal, user) -> None:
    """Stop following (idempotent). Raises NotFound when `user` may not see the proposal."""
    if not can_follow(user, proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    db.session.execute(delete(Follow).where(Follow.proposal_id == proposal.id, Follow.user_id == user.id))
    db.session.flush()
