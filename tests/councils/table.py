"""The council permission table: every council action × every kind of person (tests.conftest.ACTORS).

Each action names who may do it; everyone else gets the refusal the action defines (403, or
409 where the person may act but the state says no, e.g. joining twice). Anonymous people are
sent to the login page (HTML) or get 401 (API) on writes.

The whole table (every action × every actor) is checked against the predicates of
forum/permissions (tests/councils/test_permissions.py, no HTTP). Over HTTP, the HTML test
(tests/councils/test_routes.py) and the API test (tests/api/test_councils.py) take from each
action the representatives of every distinct answer (`http_cases()`: the first and the last actor
of each outcome: allowed, login, 403, 404, 409) and check the answer and that the change really
happened exactly when it was allowed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select

from forum.councils.models import Council, JoinRequest, Membership
from forum.extensions import db
from tests.conftest import representatives

STAFF = {"managing_director", "chair", "admin"}
MODERATORS = STAFF | {"moderator"}
MEMBERS = {"council_member", "moderator"}
VERIFIED_NON_MEMBERS = {"citizen", "business", "research", "culture", "association", "other_moderator"} | STAFF
EVERYONE = {"anonymous", "citizen", "business", "research", "culture", "association", "unverified_organisation",
            "council_member", "moderator", "other_moderator", "managing_director", "chair", "admin"}


@dataclass
class World:
    council: Council
    member: object  # a plain member (target of role changes and removals)
    co_moderator: object  # a second moderator
    newcomer: object  # a verified forum member outside the council (target of appointments)
    join_request: JoinRequest | None
    members_before: set[int] = field(default_factory=set)  # filled by remember_members() once the actor exists


@dataclass(frozen=True)
class Action:
    name: str
    allowed: set[str]
    refusal: dict[str, int] = field(default_factory=dict)  # kind → status when not allowed (default 403)
    visibility: str = "public"
    join_policy: str = "open"
    needs_login: bool = True  # anonymous: sent to log in (HTML) or 401 (API)
    effect: Callable[[World], bool] | None = None  # did the change happen?

    def expected(self, kind: str) -> str | int:
        if kind in self.allowed:
            return "ok"
        if kind == "anonymous" and self.needs_login:
            return "login"
        return self.refusal.get(kind, 403)


def _role(council_id: int, user_id: int) -> str | None:
    return db.session.scalar(select(Membership.role).where(Membership.council_id == council_id,
                                                           Membership.user_id == user_id))


def _fresh(world: World) -> Council:
    db.session.expire_all()
    return db.session.get(Council, world.council.id)


def _members_count_matches(council: Council) -> bool:
    counted = db.session.scalar(select(db.func.count()).select_from(Membership)
                                .where(Membership.council_id == council.id))
    return council.members_count == counted


ACTIONS = [
    Action("view_public_council", EVERYONE, needs_login=False),
    Action("view_private_council", MEMBERS | STAFF, visibility="private", needs_login=False,
           refusal=dict.fromkeys(EVERYONE, 404)),
    Action("found_council", STAFF,
           effect=lambda w: db.session.scalar(select(Council.id).where(Council.name == "Fachbeirat Neu")) is not None),
    Action("edit_council", STAFF, effect=lambda w: _fresh(w).mandate == "Neuer Auftrag"),
    Action("archive_council", STAFF, effect=lambda w: _fresh(w).is_archived),
    Action("view_members", MODERATORS),
    Action("appoint_member", MODERATORS, effect=lambda w: _role(w.council.id, w.newcomer.id) == "member"),
    Action("appoint_moderator", STAFF, effect=lambda w: _role(w.council.id, w.newcomer.id) == "moderator"),
    Action("promote_member", STAFF, effect=lambda w: _role(w.council.id, w.member.id) == "moderator"),
    Action("remove_member", MODERATORS, effect=lambda w: _role(w.council.id, w.member.id) is None),
    Action("remove_moderator", STAFF, effect=lambda w: _role(w.council.id, w.co_moderator.id) is None),
    Action("join_open_council", VERIFIED_NON_MEMBERS, refusal=dict.fromkeys(MEMBERS, 409)),
    Action("request_to_join", VERIFIED_NON_MEMBERS, join_policy="request", refusal=dict.fromkeys(MEMBERS, 409)),
    Action("leave", MEMBERS, refusal=dict.fromkeys(EVERYONE - MEMBERS - {"anonymous"}, 409)),
    Action("decline_request", MODERATORS, join_policy="request",
           effect=lambda w: db.session.get(JoinRequest, w.join_request.id).status == "declined"),
    Action("accept_request", MODERATORS, join_policy="request",
           effect=lambda w: _role(w.council.id, w.join_request.user_id) == "member"),
]
ACTION_NAMES = [a.name for a in ACTIONS]
BY_NAME = {a.name: a for a in ACTIONS}


def http_cases(actors) -> list[tuple[str, str]]:
    """(action, actor) pairs the HTTP tables check: every distinct answer of every action."""
    return [(action.name, kind) for action in ACTIONS for kind in representatives(action.expected, list(actors))]


def build_world(action: Action, make_user, make_council) -> World:
    member, co_moderator, newcomer, requester = make_user(), make_user(), make_user(), make_user()
    council = make_council(visibility=action.visibility, join_policy=action.join_policy,
                           members=[member], moderators=[co_moderator])
    join_request = None
    if action.join_policy == "request":
        join_request = JoinRequest(council_id=council.id, user_id=requester.id, status="pending", message="Bitte")
        db.session.add(join_request)
        db.session.commit()
    return World(council=council, member=member, co_moderator=co_moderator, newcomer=newcomer,
                 join_request=join_request)


def joined(world: World, actor) -> bool:
    """For join/request/leave: is `actor` a member, or has a pending request, now?"""
    if actor is None:
        return False
    db.session.expire_all()
    if _role(world.council.id, actor.id) is not None:
        return True
    return db.session.scalar(select(JoinRequest.id).where(
        JoinRequest.council_id == world.council.id, JoinRequest.user_id == actor.id,
        JoinRequest.status == "pending")) is not None


def remember_members(world: World) -> None:
    """Note who is in the council before the action (including a member made by make_actor)."""
    world.members_before = set(db.session.scalars(
        select(Membership.user_id).where(Membership.council_id == world.council.id)))


def check_effect(action: Action, world: World, actor, allowed: bool) -> None:
    """The state changed exactly when the action was allowed, and the member counter is right."""
    council = _fresh(world)
    assert _members_count_matches(council)
    was_member = actor is not None and actor.id in world.members_before
    if action.name in ("join_open_council", "request_to_join"):
        assert joined(world, actor) == (allowed or was_member)
    elif action.name == "leave":
        assert joined(world, actor) == (was_member and not allowed)
    elif action.effect is not None:
        assert action.effect(world) == allowed
