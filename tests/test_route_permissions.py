"""Every route declares its permission predicate (forum/handlers.py: `allow`), and the declaration
agrees with what the route does over HTTP (tests/test_route_smoke.py).

`forum permissions` prints the same list for a reader.
"""
from __future__ import annotations

from forum import permissions
from forum.handlers import anyone, declared_permission, route_permissions, signed_in
from tests.test_route_smoke import CASES

GATES = {anyone, signed_in}


def declared(app) -> dict[str, object]:
    """{"METHOD /rule": predicate} for every route."""
    return {f"{method} {rule.rule}": declared_permission(app, rule)
            for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_declares_its_predicate(app):
    missing = sorted(key for key, predicate in declared(app).items() if predicate is None)
    assert missing == [], f"routes without @allow(...): {missing}"


def test_the_predicates_come_from_the_one_vocabulary(app):
    """A route's gate is a named predicate of forum.permissions (or `anyone`/`signed_in`), never a
    lambda made up on the spot, so the list reads as the permission vocabulary."""
    for key, predicate in declared(app).items():
        if predicate is None:
            continue  # test_every_route_declares_its_predicate names it
        assert predicate in GATES or getattr(permissions, predicate.__name__, None) is predicate, \
            f"{key}: {predicate.__name__} is not in forum.permissions"


def test_declarations_agree_with_the_smoke_cases(app):
    """A route everyone may use (no refused actor in its smoke case) welcomes visitors; a route
    that sends a visitor to sign in does not."""
    for key, predicate in declared(app).items():
        if predicate is None:
            continue
        case = CASES[key]
        welcomes = getattr(predicate, "welcomes_visitors", False)
        if case.refused is None:
            assert welcomes, f"{key} is open to everyone, but {predicate.__name__} does not welcome visitors"
        if case.refused == "anonymous" and case.refusal in ("login", 401):
            assert predicate is not anyone, f"{key} sends visitors to sign in, but is declared open to anyone"


def test_the_listing_names_every_route(app):
    rows = route_permissions(app)
    assert len(rows) == len(list(app.url_map.iter_rules()))
    assert ("GET,POST", "/meetings/<int:meeting_id>/edit", "can_edit_meeting") in rows


def test_a_refused_person_learns_nothing_about_ids(client, login, make_user):
    """A route whose predicate refuses someone whatever the target is refuses before loading: an
    existing and a missing id answer alike (403), so ids cannot be probed."""
    login(make_user())  # a verified citizen: neither verifies organisations nor suspends people
    other = make_user(stakeholder="business", verified=False)
    for path, data in (("/verifications/{}", {"approve": "y"}), ("/people/{}/suspension", {"days": "3"})):
        existing = client.post(path.format(other.id), data=data)
        missing = client.post(path.format(999_999), data=data)
        assert (existing.status_code, missing.status_code) == (403, 403), path
