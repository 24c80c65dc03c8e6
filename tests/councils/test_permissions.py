"""The council permission table (tests/councils/table.py) asked of the predicates directly: every
action × every actor, no HTTP. The HTTP tables check representatives of each answer; this proves
the rule for everyone."""
import pytest
from flask_login import AnonymousUserMixin

from forum import permissions as can
from tests.conftest import ACTORS
from tests.councils.table import ACTION_NAMES, BY_NAME, build_world

# action -> the predicate call a route makes for it (the world, the acting person)
PREDICATES = {
    "view_public_council": lambda w, u: can.can_view_council(u, w.council),
    "view_private_council": lambda w, u: can.can_view_council(u, w.council),
    "found_council": lambda w, u: can.can_found_council(u),
    "edit_council": lambda w, u: can.can_edit_council(u, w.council),
    "archive_council": lambda w, u: can.can_archive_council(u, w.council),
    "view_members": lambda w, u: can.can_manage_members(u, w.council),
    "appoint_member": lambda w, u: can.can_appoint(u, w.council, "member"),
    "appoint_moderator": lambda w, u: can.can_appoint(u, w.council, "moderator"),
    "promote_member": lambda w, u: can.can_appoint(u, w.council, "moderator"),
    "remove_member": lambda w, u: can.can_remove_member(u, w.council, can.council_role(w.member, w.council)),
    "remove_moderator": lambda w, u: can.can_remove_member(u, w.council, can.council_role(w.co_moderator, w.council)),
    "join_open_council": lambda w, u: can.can_join_council(u, w.council),
    "request_to_join": lambda w, u: can.can_request_to_join(u, w.council),
    "leave": lambda w, u: can.can_leave_council(u, w.council),
    "decline_request": lambda w, u: can.can_decide_requests(u, w.council),
    "accept_request": lambda w, u: can.can_decide_requests(u, w.council),
}


def test_every_action_has_its_predicate():
    assert set(PREDICATES) == set(ACTION_NAMES)


@pytest.mark.parametrize("action_name", ACTION_NAMES)
def test_permission_table(action_name, make_user, make_council, make_actor):
    action = BY_NAME[action_name]
    world = build_world(action, make_user, make_council)
    actors = {kind: make_actor(kind, world.council) or AnonymousUserMixin() for kind in ACTORS}
    answers = {kind: PREDICATES[action_name](world, user) for kind, user in actors.items()}
    wrong = {kind: answer for kind, answer in answers.items() if answer != (action.expected(kind) == "ok")}
    assert wrong == {}, f"{action_name}: predicate answers that contradict the table: {wrong}"
