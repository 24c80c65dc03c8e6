"""The proposals' permission tables use the shared cast (tests.conftest.ACTORS / make_actor) around a
council `C` and its proposal."""
from __future__ import annotations

from tests.conftest import ACTORS

ROLES = list(ACTORS)
UNVERIFIED = {"anonymous", "unverified_organisation"}
VERIFIED = [r for r in ROLES if r not in UNVERIFIED]
MODERATES = {"moderator", "managing_director", "admin"}  # moderate council C


def cast(make_actor, make_user, make_council, role: str, *, visibility: str = "public"):
    """(person for `role` or None, council C, the author of C's proposals, a member of C)."""
    author = make_user(name="Autorin")
    council = make_council(visibility=visibility, members=[author])
    return make_actor(role, council), council, author
