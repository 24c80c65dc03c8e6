"""The controlling permission table asked of the predicates directly: every rule × every role of the
controlling cast (tests/controlling/conftest.py), no HTTP. tests/controlling/test_routes.py checks the
same rules over HTTP for one role of each distinct row; this proves them for everyone."""
import pytest
from flask_login import AnonymousUserMixin

from forum import permissions as can
from tests.controlling.conftest import CONTROLLERS, EVALUATORS, ROLES, STAFF

SIGNED_IN = set(ROLES) - {"anonymous"}
TABLE = {
    "see internal projects": (lambda w, u: can.can_view_internal_projects(u), STAFF | {"board_member"}),
    "open an internal project": (lambda w, u: can.can_view_project(u, w.internal), STAFF | {"board_member"}),
    "open a public project": (lambda w, u: can.can_view_project(u, w.public), set(ROLES)),
    "manage projects": (lambda w, u: can.can_manage_projects(u), CONTROLLERS),
    "maintain the criteria": (lambda w, u: can.can_maintain_criteria(u), CONTROLLERS),
    "appoint evaluators": (lambda w, u: can.can_appoint_evaluators(u), CONTROLLERS),
    "evaluate": (lambda w, u: can.is_evaluator(u), EVALUATORS),
    "score a public project": (lambda w, u: can.can_score(u, w.public), EVALUATORS),
    "score an internal project": (lambda w, u: can.can_score(u, w.internal), {"board_member"}),
    "see scores and the ranking": (lambda w, u: can.can_view_scores(u), STAFF | EVALUATORS),
    "see the dashboard": (lambda w, u: can.can_view_dashboard(u), STAFF),
    "ask for cooperation": (lambda w, u: can.can_request_cooperation(u), SIGNED_IN),
    "handle cooperation requests": (lambda w, u: can.can_handle_cooperation_requests(u), STAFF),
}


@pytest.mark.parametrize("rule", list(TABLE))
def test_permission_table(rule, world):
    predicate, allowed = TABLE[rule]
    answers = {role: predicate(world, world.people[role] or AnonymousUserMixin()) for role in ROLES}
    wrong = {role: answer for role, answer in answers.items() if answer != (role in allowed)}
    assert wrong == {}, f"{rule}: predicate answers that contradict the table: {wrong}"
