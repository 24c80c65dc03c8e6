"""Fixtures for the controlling area: the criteria catalogue and a cast of people for permission tables."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from forum.extensions import db

# The shared cast (tests.conftest.ACTORS) plus the controlling roles: a Smart-City-Board member and
# an appointed evaluator.
ROLES = ["anonymous", "citizen", "business", "research", "culture", "association", "unverified_organisation", "council_member",
         "moderator", "other_moderator", "board_member", "evaluator", "managing_director", "chair", "admin"]
# Who is an evaluator: appointed, moderators of any council, Smart-City-Board members.
EVALUATORS = {"moderator", "other_moderator", "board_member", "evaluator"}
STAFF = {"managing_director", "chair", "admin"}
CONTROLLERS = {"managing_director", "chair"}


@pytest.fixture
def catalogue(app, make_user):
    """Publish catalogue version 1 (the six criteria of the issue) as a managing director."""
    from forum.controlling.scoring import CriterionSpec, publish_catalogue

    def make(specs=None, actor=None):
        actor = actor or make_user(role="managing_director")
        specs = specs or [
            CriterionSpec("Nutzen für Bürger*innen", 30), CriterionSpec("Kosten", 15, inverted=True),
            CriterionSpec("Umsetzbarkeit", 20), CriterionSpec("Nachhaltigkeit", 15),
            CriterionSpec("Datenschutz", 10), CriterionSpec("Kooperationspotenzial", 10)]
        result = publish_catalogue(actor, specs)
        db.session.commit()
        return result
    return make


@pytest.fixture
def world(app, make_user, make_council, make_project):
    """Councils (a public one with member and moderator, another public one, the private board),
    a public project from the public council, an internal one and a public one from the board,
    and one person per role."""
    from forum.controlling.scoring_models import Evaluator

    people = {role: None for role in ROLES}
    for stakeholder in ("citizen", "business", "research", "culture", "association"):
        people[stakeholder] = make_user(stakeholder=stakeholder, name=f"Person {stakeholder}")
    people["unverified_organisation"] = make_user(stakeholder="business", verified=False, name="Unverifiziert GmbH")
    for role in ("council_member", "moderator", "other_moderator", "board_member", "evaluator"):
        people[role] = make_user(name=f"Person {role}")
    for role in STAFF:
        people[role] = make_user(role=role, name=f"Person {role}")
    council = make_council("Fachbeirat Mobilität", members=[people["council_member"]], moderators=[people["moderator"]])
    other = make_council("Fachbeirat Kultur", moderators=[people["other_moderator"]])
    board = make_council("Smart-City-Board", slug="smart-city-board", visibility="private", join_policy="appointed",
                         members=[people["board_member"]])
    db.session.add(Evaluator(user_id=people["evaluator"].id))
    db.session.commit()
    public = make_project("Braunschweig-App", councils=[council])
    internal = make_project("Geheime Strategie", visibility="internal", councils=[board])
    from_board = make_project("WLAN in der Innenstadt", councils=[board])
    return SimpleNamespace(people=people, council=council, other=other, board=board, public=public,
                           internal=internal, from_board=from_board)


@pytest.fixture
def act_as(client, login):
    """act_as(user or None) → the client signed in as that user (or signed out)."""
    def switch(user):
        if user is None:
            client.post("/logout")
            return client
        return login(user)
    return switch
