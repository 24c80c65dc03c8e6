"""OParl 1.1 objects from the forum's rows: each a dict with an absolute `id` on `FORUM_BASE_URL`
that resolves to itself and the `type` `https://schema.oparl.org/1.1/<Type>`.

Embedded objects (a meeting's agenda items, a person's memberships, the body's legislative term)
leave out the back reference to their parent, as the specification asks. Times are UTC with `Z`."""
from __future__ import annotations

from datetime import date, datetime

from ..controlling.open_data import LICENCE
from ..database import iso
from ..urls import external_url, site_url

TYPE = "https://schema.oparl.org/1.1/"
VERSION = "https://schema.oparl.org/1.1/"
NAME = "Smart-City-Forum"
BODY_KEY = "forum"
TERM_ID = 1
ROLES = {"moderator": "Moderation", "member": "Mitglied"}
MEETING_STATES = {"published": "eingeladen", "live": "eingeladen", "ended": "durchgeführt",
                  "cancelled": "eingeladen"}


def url(endpoint: str, **values) -> str:
    return external_url(f"oparl.{endpoint}", **values)


def _type(name: str) -> str:
    return TYPE + name


def _date(value: datetime | None) -> str | None:
    return value.date().isoformat() if value is not None else None


def _clean(obj: dict) -> dict:
    """OParl leaves out what has no value rather than writing null."""
    return {k: v for k, v in obj.items() if v is not None and v != []}


def system() -> dict:
    return _clean({
        "id": url("system"), "type": _type("System"), "oparlVersion": VERSION, "body": url("bodies"),
        "name": NAME, "license": LICENCE["url"], "website": site_url() + "/", "web": site_url() + "/",
    })


def legislative_term(started: datetime | None, *, embedded: bool = False) -> dict:
    """The forum has no elections: one open-ended term since it started."""
    return _clean({
        "id": url("legislative_term", term_id=TERM_ID), "type": _type("LegislativeTerm"),
        "body": None if embedded else url("body"), "name": f"{NAME} (fortlaufend)",
        "startDate": _date(started) or date.today().isoformat(),
    })


def body(started: datetime | None) -> dict:
    return _clean({
        "id": url("body"), "type": _type("Body"), "system": url("system"), "name": NAME, "shortName": NAME,
        "website": site_url() + "/", "license": LICENCE["url"],
        "organization": url("organizations"), "person": url("people"), "meeting": url("meetings"),
        "paper": url("papers"), "legislativeTerm": [legislative_term(started, embedded=True)],
        "legislativeTermList": url("legislative_terms"), "classification": "Beteiligungsforum",
        "web": site_url() + "/", "created": iso(started), "modified": iso(started),
    })


def organization(council, membership_ids: list[int]) -> dict:
    return _clean({
        "id": url("organization", council_id=council.id), "type": _type("Organization"), "body": url("body"),
        "name": council.name, "shortName": council.slug,
        "membership": [url("membership", membership_id=mid) for mid in membership_ids],
        "meeting": url("organization_meetings", council_id=council.id),
        "organizationType": "Gremium", "classification": "Fachbeirat",
        "startDate": _date(council.created_at), "endDate": _date(council.archived_at),
        "web": external_url("councils.detail", slug=council.slug),
        "created": iso(council.created_at), "modified": iso(max(filter(None, (council.created_at, council.archived_at)))),
    })


def membership(m, *, embedded: bool = False) -> dict:
    return _clean({
        "id": url("membership", membership_id=m.id), "type": _type("Membership"),
        "person": None if embedded else url("person", person_id=m.user_id),
        "organization": url("organization", council_id=m.council_id), "role": ROLES.get(m.role, m.role),
        "votingRight": True, "startDate": _date(m.created_at),
    })


def person(user, memberships) -> dict:
    return _clean({
        "id": url("person", person_id=user.id), "type": _type("Person"), "body": url("body"), "name": user.name,
        "membership": [membership(m, embedded=True) for m in memberships],
        "created": iso(user.created_at), "modified": iso(user.created_at),
    })


def file(row, *, embedded: bool = False) -> dict:
    """A document of a meeting (or one of its agenda items) or an attachment of a proposal. Alone it
    names what it belongs to; `accessUrl` is the forum's own file URL (PDFs and images open inline)."""
    alone = not embedded
    return _clean({
        "id": url("file", file_id=row.id), "type": _type("File"), "name": row.name, "fileName": row.name,
        "mimeType": row.content_type, "size": row.size, "date": _date(row.created_at),
        "accessUrl": external_url("files.serve", file_id=row.id),
        "meeting": [url("meeting", meeting_id=row.meeting_id)] if alone and row.meeting_id else None,
        "agendaItem": [url("agenda_item", item_id=row.agenda_item_id)] if alone and row.agenda_item_id else None,
        "paper": [url("paper", paper_id=row.proposal_id)] if alone and row.proposal_id else None,
        "created": iso(row.created_at), "modified": iso(row.updated_at),
    })


def agenda_item(item, meeting, files=(), paper_ids=(), *, embedded: bool = False) -> dict:
    """`paper_ids`: the public proposals the item treats. OParl gives an agenda item one consultation,
    so it names it only when there is exactly one; every consultation is in its Paper either way."""
    return _clean({
        "id": url("agenda_item", item_id=item.id), "type": _type("AgendaItem"),
        "meeting": None if embedded else url("meeting", meeting_id=meeting.id),
        "number": str(item.position), "order": item.position, "name": item.title, "public": True,
        "consultation": (url("consultation", item_id=item.id, paper_id=paper_ids[0])
                         if len(paper_ids) == 1 else None),
        "resolutionText": item.outcome or None, "start": iso(item.started_at),
        "auxiliaryFile": [file(f, embedded=True) for f in files if f.agenda_item_id == item.id],
        "web": external_url("meetings.detail", meeting_id=meeting.id),
        "created": iso(meeting.created_at), "modified": iso(meeting.updated_at),
    })


def location(m, *, embedded: bool = False) -> dict | None:
    """A meeting's place as written on its page (no geodata); None where it names none."""
    if not (m.location or "").strip():
        return None
    return _clean({
        "id": url("location", meeting_id=m.id), "type": _type("Location"), "description": m.location,
        "meetings": None if embedded else [url("meeting", meeting_id=m.id)],
        "created": iso(m.created_at), "modified": iso(m.updated_at),
    })


def consultation(item_id: int, paper_id: int, meeting, *, embedded: bool = False) -> dict:
    """A proposal on a public meeting's agenda: together a Paper's consultations are its
    "Beratungsfolge". The forum's meetings advise; who decides is not recorded, so no `authoritative`."""
    return _clean({
        "id": url("consultation", item_id=item_id, paper_id=paper_id), "type": _type("Consultation"),
        "paper": None if embedded else url("paper", paper_id=paper_id),
        "agendaItem": url("agenda_item", item_id=item_id), "meeting": url("meeting", meeting_id=meeting.id),
        "organization": [url("organization", council_id=meeting.council_id)] if meeting.council_id else None,
        "role": "Beratung", "web": external_url("meetings.detail", meeting_id=meeting.id),
        "created": iso(meeting.created_at), "modified": iso(meeting.updated_at),
    })


def meeting(m, files=(), papers_by_item=None) -> dict:
    """`files`: the meeting's documents; those of an agenda item go with that item. `papers_by_item`:
    {agenda item id: [public proposal ids]}."""
    papers_by_item = papers_by_item or {}
    return _clean({
        "id": url("meeting", meeting_id=m.id), "type": _type("Meeting"), "name": m.title,
        "meetingState": MEETING_STATES.get(m.status), "cancelled": True if m.status == "cancelled" else None,
        "start": iso(m.starts_at), "end": iso(m.ends_at), "location": location(m, embedded=True),
        "organization": [url("organization", council_id=m.council_id)] if m.council_id else None,
        "agendaItem": [agenda_item(item, m, files, papers_by_item.get(item.id, ()), embedded=True)
                       for item in m.items],
        "auxiliaryFile": [file(f, embedded=True) for f in files if f.agenda_item_id is None],
        "web": external_url("meetings.detail", meeting_id=m.id),
        "created": iso(m.created_at), "modified": iso(m.updated_at),
    })


def paper(p, files=(), consultations=(), *, author_public: bool = False) -> dict:
    """A proposal as a `Paper`; one the moderation hid is a removed object: `deleted: true`, nothing more.
    `consultations`: (agenda item id, meeting) of each public agenda item that treats it. The author is
    its `originatorPerson` only when they are a public Person."""
    if p.hidden_at is not None:
        return {"id": url("paper", paper_id=p.id), "type": _type("Paper"), "created": iso(p.created_at),
                "modified": iso(p.updated_at), "deleted": True}
    modified = max([p.updated_at, *(m.updated_at for _item_id, m in consultations)])  # queries.paper_modified
    base = {"id": url("paper", paper_id=p.id), "type": _type("Paper"),
            "created": iso(p.created_at), "modified": iso(modified)}
    return _clean({
        **base, "body": url("body"), "name": p.title, "reference": f"SCF-{p.id}",
        "date": _date(p.published_at or p.created_at), "paperType": "Vorschlag",
        "underDirectionOf": [url("organization", council_id=p.council_id)] if p.council_id else None,
        "originatorPerson": [url("person", person_id=p.author_id)] if author_public else None,
        "keyword": p.tag_names, "auxiliaryFile": [file(f, embedded=True) for f in files],
        "consultation": [consultation(item_id, p.id, m, embedded=True) for item_id, m in consultations],
        "web": external_url("proposals.detail", proposal_id=p.id),
    })
