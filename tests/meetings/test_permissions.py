"""The meetings permission tables (tests/meetings/test_routes.py and tests/api/test_meetings.py)
asked of the predicates directly: every case × every actor, no HTTP. The HTTP tables keep every
distinct answer (login, 403, 404, the status of success); this proves the rule for everyone."""
import pytest
from flask_login import AnonymousUserMixin

from forum import permissions as can
from tests.api.test_meetings import CASES as API_CASES
from tests.conftest import ACTORS
from tests.meetings.test_routes import CASES as HTML_CASES

VIEW = lambda m, k, u: can.can_view_meeting(u, m)  # noqa: E731
EDIT = lambda m, k, u: can.can_edit_meeting(u, m)  # noqa: E731
RUN = lambda m, k, u: can.can_run_meeting(u, m)  # noqa: E731
CREATE_IN_COUNCIL = lambda m, k, u: can.can_create_meeting(u, k) and can.can_view_council(u, k)  # noqa: E731

# case -> the predicate call its route makes (meeting, council, person)
PREDICATES = {
    "view published, public council": VIEW, "view forum meeting": VIEW, "view published, private council": VIEW,
    "print private agenda": VIEW, "ics of private meeting": VIEW, "view council draft": VIEW,
    "read published": VIEW, "read private": VIEW, "read council draft": VIEW,
    "list private": lambda m, k, u: can.can_view_council(u, k),
    "private council calendar": lambda m, k, u: can.can_view_council(u, k),
    "create forum meeting": lambda m, k, u: can.can_create_meeting(u, None),
    "create council draft": CREATE_IN_COUNCIL, "create draft for private council": CREATE_IN_COUNCIL,
    "create private council draft": CREATE_IN_COUNCIL,
    "edit council draft": EDIT, "edit published meeting": EDIT, "add item to published meeting": EDIT,
    "delete council draft": EDIT, "edit published": EDIT,
    "publish council draft": lambda m, k, u: can.can_publish_meeting(u, m),
    "move current item": RUN, "end meeting": RUN, "cancel meeting": RUN, "minutes page": RUN, "current item": RUN,
    "current item, private": RUN, "minutes": RUN,
    "follow meeting": lambda m, k, u: can.can_follow_meeting(u, m), "follow": lambda m, k, u: can.can_follow_meeting(u, m),
}
ALL_CASES = [("html", name, spec) for name, spec in HTML_CASES.items()] + \
            [("api", name, spec) for name, spec in API_CASES.items()]
ALLOWED = {200, 201, 204, 302}


def test_every_case_has_its_predicate():
    assert {name for _, name, _ in ALL_CASES} <= set(PREDICATES)


@pytest.mark.parametrize("surface, name, spec", ALL_CASES, ids=[f"{s}-{n}" for s, n, _ in ALL_CASES])
def test_permission_table(surface, name, spec, make_actor, make_council, make_meeting):
    council = make_council(visibility=spec.visibility)
    actors = {kind: make_actor(kind, council) or AnonymousUserMixin() for kind in ACTORS}
    meeting = make_meeting("Tagung XY", council=council if spec.council_meeting else None, status=spec.status)
    answers = {kind: PREDICATES[name](meeting, council, user) for kind, user in actors.items()}
    wrong = {kind: answer for kind, answer in answers.items() if answer != (spec.expect(kind) in ALLOWED)}
    assert wrong == {}, f"{surface} {name}: predicate answers that contradict the table: {wrong}"
