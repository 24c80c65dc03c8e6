"""What ordinary readers see of hidden items: every page, API shape, live history, search and
export asks here, so the hidden text is gone everywhere for them while the moderators of the
item's council (and its author) still see it, marked as hidden.

The placeholders themselves (`HIDDEN_TITLE`, `HIDDEN_PLACEHOLDER`) are plain data in forum/registry.py."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from .moderation import can_see_hidden
from .people import is_signed_in


def text_hidden(user, item, council) -> bool:
    """True when `item` is hidden and `user` may not read its text."""
    return getattr(item, "hidden_at", None) is not None and not can_see_hidden(user, item, council)


def hidden_text_visible(model, user, council_column=None) -> ColumnElement[bool]:
    """A WHERE clause over `model` (with hidden_at, author_id): rows whose text `user` may read —
    not hidden, or hidden but theirs or in a council they moderate (all for the managing
    director and admins). Used where matching on text would reveal it (search)."""
    if is_signed_in(user) and user.acting_role in ("managing_director", "admin"):
        return true()
    visible = model.hidden_at.is_(None)
    if not is_signed_in(user):
        return visible
    from ..councils.models import Membership

    clauses = [visible, model.author_id == user.id]
    if council_column is not None:
        moderated = select(Membership.council_id).where(Membership.user_id == user.id, Membership.role == "moderator")
        clauses.append(council_column.in_(moderated))
    return or_(*clauses) if clauses else false()
