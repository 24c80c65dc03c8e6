"""The OParl endpoints. Read-only, anonymous, the same answer for everyone (a signed-in member of a
private council sees no more here than a visitor): private councils and what belongs to them are
404 like anything that does not exist."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify
from sqlalchemy import func

from ..councils.models import Council, Membership
from ..handlers import allow, anyone
from ..meetings.models import Meeting
from ..proposals.models import Proposal
from . import objects, queries
from .lists import object_list, wants_deleted

bp = Blueprint("oparl", __name__)


@bp.after_request
def _open_to_every_origin(response):
    """Public data, no cookies read: any web client may fetch it."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _found(value):
    return value if value is not None else abort(404)


def _one(query, model, object_id: int, serialize):
    """One object of a list's query as the list shows it; 404 for what the list leaves out."""
    return jsonify(serialize([_found(queries.one(query, model, object_id))])[0])


def _list_of_one(item: dict, endpoint: str):
    """A list that always holds exactly one object (the forum is one body with one term)."""
    return jsonify({"data": [item],
                    "pagination": {"totalElements": 1, "elementsPerPage": 1, "currentPage": 1, "totalPages": 1},
                    "links": {"first": objects.url(endpoint), "last": objects.url(endpoint)}})


@bp.get("/system")
@allow(anyone)
def system():
    return jsonify(objects.system())


@bp.get("/bodies")
@allow(anyone)
def bodies():
    return _list_of_one(objects.body(queries.first_activity()), "bodies")


@bp.get("/body/forum")
@allow(anyone)
def body():
    return jsonify(objects.body(queries.first_activity()))


@bp.get("/body/forum/legislativeterm")
@allow(anyone)
def legislative_terms():
    return _list_of_one(objects.legislative_term(queries.first_activity()), "legislative_terms")


@bp.get("/legislativeterm/<int:term_id>")
@allow(anyone)
def legislative_term(term_id: int):
    if term_id != objects.TERM_ID:
        abort(404)
    return jsonify(objects.legislative_term(queries.first_activity()))


def _organizations(councils) -> list[dict]:
    ids = queries.membership_ids_by_council([c.id for c in councils])
    return [objects.organization(c, ids[c.id]) for c in councils]


@bp.get("/body/forum/organization")
@allow(anyone)
def organizations():
    return jsonify(object_list(queries.councils(), _organizations, "organizations", created=Council.created_at,
                               modified=func.coalesce(Council.archived_at, Council.created_at)))


@bp.get("/organization/<int:council_id>")
@allow(anyone)
def organization(council_id: int):
    return _one(queries.councils(), Council, council_id, _organizations)


@bp.get("/membership/<int:membership_id>")
@allow(anyone)
def membership(membership_id: int):
    return jsonify(objects.membership(_found(queries.one(queries.memberships(), Membership, membership_id))))


def _people(users) -> list[dict]:
    by_person = queries.memberships_by_person([u.id for u in users])
    return [objects.person(u, by_person[u.id]) for u in users]


@bp.get("/body/forum/person")
@allow(anyone)
def people():
    from ..accounts.models import User

    return jsonify(object_list(queries.people(), _people, "people", created=User.created_at,
                               modified=User.created_at))


@bp.get("/person/<int:person_id>")
@allow(anyone)
def person(person_id: int):
    from ..accounts.models import User

    return _one(queries.people(), User, person_id, _people)


def _papers_by_item(item_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    if item_ids:
        for item_id, paper_id, _meeting in queries.consultations(item_ids=item_ids):
            found.setdefault(item_id, []).append(paper_id)
    return found


def _meetings(rows) -> list[dict]:
    files = queries.files_of("meeting", [m.id for m in rows])
    papers = _papers_by_item([item.id for m in rows for item in m.items])
    return [objects.meeting(m, files[m.id], papers) for m in rows]


@bp.get("/body/forum/meeting")
@allow(anyone)
def meetings():
    return jsonify(object_list(queries.meetings(), _meetings, "meetings", created=Meeting.created_at,
                               modified=Meeting.updated_at))


@bp.get("/organization/<int:council_id>/meeting")
@allow(anyone)
def organization_meetings(council_id: int):
    _found(queries.one(queries.councils(), Council, council_id))
    return jsonify(object_list(queries.meetings(council_id), _meetings, "organization_meetings",
                               created=Meeting.created_at, modified=Meeting.updated_at, council_id=council_id))


@bp.get("/meeting/<int:meeting_id>")
@allow(anyone)
def meeting(meeting_id: int):
    return _one(queries.meetings(), Meeting, meeting_id, _meetings)


@bp.get("/location/<int:meeting_id>")
@allow(anyone)
def location(meeting_id: int):
    """The place of a published meeting (a Location per meeting: the forum keeps places as text)."""
    return jsonify(_found(objects.location(_found(queries.one(queries.meetings(), Meeting, meeting_id)))))


@bp.get("/agendaitem/<int:item_id>")
@allow(anyone)
def agenda_item(item_id: int):
    item = _found(queries.agenda_item(item_id))
    files = queries.files_of("meeting", [item.meeting_id])[item.meeting_id]
    papers = _papers_by_item([item.id]).get(item.id, [])
    return jsonify(objects.agenda_item(item, item.meeting, files, papers))


@bp.get("/consultation/<int:item_id>/<int:paper_id>")
@allow(anyone)
def consultation(item_id: int, paper_id: int):
    """A public proposal on a public meeting's agenda item; 404 for any other pair."""
    found = queries.consultations(item_ids=[item_id], paper_ids=[paper_id])
    return jsonify(objects.consultation(*_found(found[0] if found else None)))


def _papers(rows) -> list[dict]:
    shown = [p for p in rows if p.hidden_at is None]
    files = queries.files_of("proposal", [p.id for p in shown])
    consultations: dict[int, list] = {}
    for item_id, paper_id, meeting in queries.consultations(paper_ids=[p.id for p in shown]) if shown else ():
        consultations.setdefault(paper_id, []).append((item_id, meeting))
    public_authors = queries.public_people({p.author_id for p in shown if p.author_id is not None})
    return [objects.paper(p, files[p.id], consultations.get(p.id, ()), author_public=p.author_id in public_authors)
            for p in rows]


@bp.get("/body/forum/paper")
@allow(anyone)
def papers():
    return jsonify(object_list(queries.papers(deleted=wants_deleted()), _papers, "papers", created=Proposal.created_at,
                               modified=queries.paper_modified()))


@bp.get("/paper/<int:paper_id>")
@allow(anyone)
def paper(paper_id: int):
    return _one(queries.papers(), Proposal, paper_id, _papers)


@bp.get("/file/<int:file_id>")
@allow(anyone)
def file(file_id: int):
    return jsonify(objects.file(_found(queries.stored_file(file_id))))
