"""The JSON shapes of people: as others see an author, and as a person sees their own account.
Used by the API (and by every area's schemas for authors)."""
from __future__ import annotations

DELETED_AUTHOR = "gelöschtes Konto"


def user_public(user) -> dict:
    """An author as others see them; a deleted account shows as such."""
    if user is None:
        return {"id": None, "name": DELETED_AUTHOR, "stakeholder": None}
    return {"id": user.id, "name": user.name, "stakeholder": user.stakeholder}


def me(user, councils: list[tuple[str, str]]) -> dict:
    """The signed-in person's own account; `councils` is their (slug, role) pairs, by slug."""
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
        "language": user.language or "de",
        "councils": [{"slug": slug, "role": role} for slug, role in councils],
    }
