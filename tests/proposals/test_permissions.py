"""The proposals' permission table asked of the predicates directly: every action × every actor of
the shared cast, no HTTP. tests/proposals/test_routes.py and tests/api/test_proposals.py check the
same rules over HTTP for one actor of each distinct row; this proves them for everyone."""
import pytest
from flask_login import AnonymousUserMixin

from forum import permissions as can
from tests.conftest import ACTORS
from tests.proposals.roles import MODERATES, VERIFIED, cast

INSIDERS = {"council_member", "moderator", "managing_director", "chair", "admin"}

# action -> (predicate call on the world, who may) ; the author of the proposals is not among the actors
TABLE = {
    "view published": (lambda w, u: can.can_view_proposal(u, w.published), set(ACTORS)),
    "view someone's draft": (lambda w, u: can.can_view_proposal(u, w.draft), set()),
    "create in the council": (lambda w, u: can.can_create_proposal(u, w.council), set(VERIFIED)),
    "vote": (lambda w, u: can.can_vote(u, w.in_voting), set(VERIFIED)),
    "take part in a published one": (lambda w, u: can.can_take_part(u, w.published), set(VERIFIED)),
    "vote on a published one": (lambda w, u: can.can_vote(u, w.published), set()),
    "use the status form of someone's proposal": (lambda w, u: can.can_move_proposal(u, w.published), MODERATES),
    "comment": (lambda w, u: can.can_comment(u, w.published), set(VERIFIED)),
    "follow": (lambda w, u: can.can_follow(u, w.published), set(ACTORS) - {"anonymous"}),
    "edit someone's proposal": (lambda w, u: can.can_edit_proposal(u, w.published), set()),
    "withdraw someone's proposal": (lambda w, u: can.can_withdraw_proposal(u, w.published), set()),
    "respond": (lambda w, u: can.can_respond(u, w.published), MODERATES),
    "change the status": (lambda w, u: can.can_change_status(u, w.published), MODERATES),
    "view in a private council": (lambda w, u: can.can_view_proposal(u, w.private), INSIDERS),
}


@pytest.fixture
def world(make_actor, make_user, make_council, make_proposal):
    class World:
        pass

    w = World()
    _, w.council, author = cast(make_actor, make_user, make_council, "anonymous")
    w.published = make_proposal(author=author, council=w.council)
    w.in_voting = make_proposal(author=author, council=w.council, status="voting")
    w.draft = make_proposal(author=author, council=w.council, status="draft")
    w.actors = {kind: make_actor(kind, w.council) or AnonymousUserMixin() for kind in ACTORS}
    private = make_council(visibility="private", members=[author])
    for kind in INSIDERS & {"council_member", "moderator"}:
        from forum.councils.models import Membership
        from forum.extensions import db

        db.session.add(Membership(council_id=private.id, user_id=w.actors[kind].id,
                                  role="moderator" if kind == "moderator" else "member"))
    w.private = make_proposal(author=author, council=private, status="voting")
    return w


@pytest.mark.parametrize("action", list(TABLE))
def test_permission_table(action, world):
    predicate, allowed = TABLE[action]
    answers = {kind: predicate(world, user) for kind, user in world.actors.items()}
    wrong = {kind: answer for kind, answer in answers.items() if answer != (kind in allowed)}
    assert wrong == {}, f"{action}: predicate answers that contradict the table: {wrong}"


def test_the_author_may_what_others_may_not(world, make_user):
    from forum.extensions import db
    from forum.accounts.models import User

    author = db.session.get(User, world.published.author_id)
    assert can.can_view_proposal(author, world.draft) and can.can_edit_proposal(author, world.published)
    assert can.can_withdraw_proposal(author, world.published) and not can.can_respond(author, world.published)
    assert can.can_move_proposal(author, world.published)  # publish or withdraw through the status form
