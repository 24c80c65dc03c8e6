"""The cast for permission tables: one person per role around a council `C` and its proposal."""
from __future__ import annotations

ROLES = ["anonymous", "citizen", "business", "research", "culture", "association", "unverified_org",
         "council_member", "moderator", "other_moderator", "managing_director", "chair", "admin"]
UNVERIFIED = {"anonymous", "unverified_org"}
VERIFIED = [r for r in ROLES if r not in UNVERIFIED]
MODERATES = {"moderator", "managing_director", "admin"}  # moderate council C


def cast(make_user, make_council, role: str, *, visibility: str = "public"):
    """(person for `role` or None, council C, the author of C's proposals)."""
    author = make_user(name="Autorin")
    person = None
    members, moderators = [], []
    if role in ("citizen", "business", "research", "culture", "association"):
        person = make_user(role)
    elif role == "unverified_org":
        person = make_user("business", verified=False)
    elif role == "council_member":
        person = make_user()
        members.append(person)
    elif role == "moderator":
        person = make_user()
        moderators.append(person)
    elif role == "other_moderator":
        person = make_user()
        make_council(moderators=[person])
    elif role in ("managing_director", "chair", "admin"):
        person = make_user(role=role)
    council = make_council(visibility=visibility, members=[author, *members], moderators=moderators)
    return person, council, author
