"""At most six SQL statements for every HTML page, whoever looks (issue 18, item 2).

Every GET route of the route smoke table that answers with an HTML page is requested by each of
several people (anonymous, citizen, council member, moderator, managing director, admin and the
person the smoke case lets in) over a world with realistic amounts of data: a proposal with
comments and replies from several people, a list with more proposals than a page, tags, votes,
meetings with agenda items, projects with milestones, notifications. The statements of the second
request are counted (the first may warm per-process caches); transaction control (BEGIN,
SAVEPOINT, RELEASE, ROLLBACK) is not a query. A count, not a timing: it fails the same way on a
slow machine as on a fast one, and grows with every N+1 query a change brings.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from forum.extensions import db
from tests.test_route_smoke import HTML, world  # noqa: F401  (the shared world fixture)
from tests.conftest import sign_in

BUDGET = 6
VIEWERS = ("anonymous", "citizen", "council_member", "moderator", "managing_director", "admin", "evaluator")
NOT_PAGES = {"GET /favicon.ico", "GET /healthz", "GET /static/<path:filename>", "GET /metrics"}
_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")
PAGE_ROUTES = sorted(key for key in HTML if key.startswith("GET ") and key not in NOT_PAGES)


@pytest.fixture
def busy_world(world, make_user, make_proposal, make_meeting, make_project):
    """The smoke world plus realistic amounts: what an N+1 query needs to show."""
    from forum.controlling.models import Milestone
    from forum.notifications.services import notify
    from forum.proposals.comments import add_comment
    from forum.proposals.services import create_proposal
    from forum.proposals.voting import cast_vote

    w = world
    people = [make_user(name=f"Mitglied {n}", stakeholder=("citizen", "business", "research")[n % 3])
              for n in range(6)]
    for n in range(24):
        author = people[n % len(people)]
        council = (w.council, None, w.private if n % 6 == 0 else None)[n % 3]
        if council is w.private:
            author = w.people["council_member"]
        create_proposal(author, title=f"Vorschlag Nummer {n}", body=f"Text **{n}**",
                        council=council, tags=f"tag{n % 4}, mobilität")
    db.session.commit()
    for n, voter in enumerate(people):
        cast_vote(w.voting.id, voter, ("for", "against", "abstain")[n % 3])
    parent = None
    for n in range(18):
        comment = add_comment(w.proposal, people[n % len(people)], f"Kommentar {n} mit *Text*",
                              parent_id=parent.id if parent is not None and n % 3 == 1 else None)
        parent = comment if n % 3 == 0 else parent
    add_comment(w.proposal, w.people["citizen"], "Mein eigener Kommentar")
    for n in range(3):
        make_meeting(f"Sitzung {n}", council=w.council if n % 2 else None, items=("Begrüßung", "Bericht", "Fragen"),
                     days=n + 2, proposals=(w.proposal,))
    for n in range(3):
        project = make_project(f"Projekt {n}", councils=[w.council], proposals=[w.voting])
        db.session.add(Milestone(project_id=project.id, title="Start", due_date=date.today() + timedelta(days=n)))
    notify([w.people["citizen"], w.people["council_member"]], "Neuigkeit", "Etwas ist passiert", "/proposals",
           category="followed_proposals", email=False)
    from forum.moderation import services as moderation
    from forum.proposals.models import Comment, Proposal

    # The moderation queue and the list of hidden items: reported and hidden comments and proposals.
    reported = db.session.scalars(db.select(Comment).where(Comment.proposal_id == w.proposal.id).limit(4)).all()
    for n, comment in enumerate(reported):
        moderation.report(people[(n + 1) % len(people)], "comment", comment.id, "Beleidigend")
    moderation.report(people[0], "proposal", w.voting.id, "Werbung")
    hidden = db.session.scalars(db.select(Proposal).where(Proposal.title.like("Vorschlag Nummer%")).limit(2)).all()
    for proposal in hidden:
        moderation.hide(w.people["managing_director"], "proposal", proposal.id, "Spam")
    moderation.hide(w.people["managing_director"], "comment", reported[-1].id, "Beleidigend")
    db.session.commit()
    return w


def _short(statement: str) -> str:
    """What a statement reads and how: from FROM on, on one line."""
    flat = " ".join(statement.split())
    return flat[flat.find(" FROM ") + 1 if " FROM " in flat else 0:][:220]


def _viewers(key: str) -> list[str]:
    allowed = HTML[key].allowed
    return [allowed] + [kind for kind in VIEWERS if kind != allowed]


def test_every_html_page_is_within_the_query_budget(app, busy_world):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(_CONTROL):
            statements.append(statement)

    counted, over = 0, []
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for key in PAGE_ROUTES:
            url = HTML[key].url(busy_world)
            for kind in _viewers(key):
                client = app.test_client()
                if busy_world.people[kind] is not None:
                    sign_in(client, busy_world.people[kind])
                client.get(url)
                statements.clear()
                response = client.get(url)
                if response.status_code >= 500:
                    over.append(f"{key} as {kind}: {response.status_code}")
                if response.status_code != 200 or not response.mimetype == "text/html":
                    continue
                counted += 1
                if len(statements) > BUDGET:
                    over.append(f"{key} as {kind}: {len(statements)} queries\n    "
                                + "\n    ".join(_short(s) for s in statements))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert counted > 100, f"only {counted} pages answered 200: the world does not reach them"
    assert not over, f"{len(over)} pages over {BUDGET} queries:\n" + "\n".join(over)


def test_the_budget_counts_every_page_route(app):
    """A new GET page route is counted as soon as its smoke case exists (test_route_smoke insists on one)."""
    pages = [rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.rule.startswith("/api/") and not rule.rule.startswith("/_")]
    missing = [f"GET {rule.rule}" for rule in pages
               if f"GET {rule.rule}" not in HTML and f"GET {rule.rule}" not in NOT_PAGES]
    assert not missing
