"""Demo meetings: the constituent meeting of the Smart-City-Forum (past, with minutes), its next
meeting, a Smart-City-Board meeting and a meeting of the Fachbeirat Mobilität.

Dates are relative to the day of seeding. Proposals are linked when the proposals' demo data is
already there (matched by title).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.demo import demo_user
from ..councils.models import Council
from ..database import utcnow
from ..extensions import db
from ..notifications.messages import freeze, render
from ..proposals.models import Proposal
from .models import AgendaItem, Meeting, MeetingRevision
from .times import local_to_utc, utc_to_local

RATHAUS = "Rathaus Braunschweig, Großer Sitzungssaal, Platz der Deutschen Einheit 1"

CONSTITUENT = {
    "title": "Konstituierende Sitzung des Smart-City-Forums",
    "council": None, "days": -21, "hours": 2.5, "location": RATHAUS,
    "description": "Das Smart-City-Forum kommt zum ersten Mal zusammen: Verwaltung, städtische Gesellschaften, "
                   "Bürgerschaft, Forschung, Wirtschaft, Kultur, Vereine und Verbände.",
    "items": [
        ("Begrüßung durch den CDO Thorsten Kornblum", 10, "Thorsten Kornblum", None,
         "Das Forum ist eröffnet; der CDO dankt allen Beteiligten."),
        ("Vorstellung der Stabsstelle Digitalisierung und Smart City", 20, "Neven Josipovic", None,
         "Die Stabsstelle ist Anlaufstelle für alle Fragen rund um die Digitalisierung der Stadt."),
        ("Braunschweig-App, Handy-Parken und WLAN in der Innenstadt", 40, "Neven Josipovic", "Handy-Parken",
         "Die drei Projekte werden fortgeführt; der Fachbeirat Mobilität begleitet das Handy-Parken."),
        ("Zentrales Controlling: einheitliche Kriterien", 30, "Neven Josipovic", None,
         "Ein gemeinsamer Kriterienkatalog für alle Smart-City-Projekte wird bis zur nächsten Sitzung erarbeitet."),
        ("Kooperation mit Wolfsburg, Salzgitter und Gifhorn", 30, "Thorsten Kornblum", None,
         "Die Städte wollen sich regelmäßig austauschen und gemeinsame Förderanträge prüfen."),
    ],
    "minutes": ("## Verlauf\n\nDer CDO **Thorsten Kornblum** eröffnete die konstituierende Sitzung. "
                "Neven Josipovic stellte die Stabsstelle Digitalisierung und Smart City vor.\n\n"
                "## Beschlüsse\n\n- Fortführung von Braunschweig-App, Handy-Parken und WLAN in der Innenstadt\n"
                "- Erarbeitung einheitlicher Kriterien für das zentrale Controlling\n"
                "- Austausch mit Wolfsburg, Salzgitter und Gifhorn\n"),
    "attendance": 64,
    "organisations": ["Stadt Braunschweig", "Stadtwerke Braunschweig (Demo)", "Technische Universität Braunschweig (Demo)",
                      "Staatstheater Braunschweig (Demo)", "Freifunk Braunschweig e. V. (Demo)"],
    "revision": (5, "Kooperation mit Wolfsburg, Salzgitter und Gifhorn"),  # TOP added after publishing
}

UPCOMING = [
    {"title": "2. Sitzung des Smart-City-Forums", "council": None, "days": 28, "hours": 2.5, "location": RATHAUS,
     "online_url": "https://meet.braunschweig.example/smart-city-forum",
     "description": "Die zweite Sitzung des Forums, auch online zum Mitverfolgen.",
     "items": [("Begrüßung und Bericht der Geschäftsführung", 15, "Neven Josipovic", None),
               ("Open-Data-Plattform: Stand und nächste Schritte", 30, None, "Open-Data"),
               ("Breitband-Förderung in den Ortsteilen", 30, None, "Breitband"),
               ("Zentrales Controlling: Kriterienkatalog zur Abstimmung", 30, "Neven Josipovic", None),
               ("Berichte aus den Fachbeiräten", 20, None, None)]},
    {"title": "Sitzung des Smart-City-Boards", "council": "smart-city-board", "days": 7, "hours": 2,
     "location": "Rathaus Braunschweig, Raum A 1.12",
     "description": "Abstimmung zwischen Verwaltung und städtischen Gesellschaften.",
     "items": [("Digitalisierungsprojekte von Verwaltung und städtischen Gesellschaften", 45, "Neven Josipovic", None),
               ("Zentrales Controlling: Entwurf des Kriterienkatalogs", 45, None, None),
               ("Vorbereitung der 2. Sitzung des Smart-City-Forums", 30, "Thorsten Kornblum", None)]},
    {"title": "Sitzung des Fachbeirats Mobilität", "council": "mobilitaet", "days": 10, "hours": 2,
     "location": "Haus der Wissenschaft, Pockelsstraße 11",
     "description": "Handy-Parken, Verkehrsdaten und vernetzte Mobilität.",
     "items": [("Handy-Parken: Erfahrungen aus dem ersten Jahr", 30, "Katrin Vogel", "Handy-Parken"),
               ("Verkehrsdaten als offene Daten", 30, None, "Open-Data"),
               ("Vorschläge aus dem Forum", 30, None, None)]},
]


def _at(days: int, hour: int = 17) -> datetime:
    """Naive UTC for `hour` o'clock Braunschweig time, `days` from today."""
    today = utc_to_local(utcnow()).date()
    return local_to_utc(datetime.combine(today + timedelta(days=days), time(hour)))


def _proposals(fragment: str | None) -> list[Proposal]:
    if not fragment:
        return []
    return list(db.session.scalars(
        select(Proposal).where(Proposal.title.ilike(f"%{fragment}%"), Proposal.status != "draft")
        .order_by(Proposal.id).limit(2)))


def _meeting(spec: dict, status: str) -> Meeting | None:
    if db.session.scalar(select(Meeting.id).where(Meeting.title == spec["title"])) is not None:
        return None
    council = None
    if spec["council"]:
        council = db.session.scalar(select(Council).where(Council.slug == spec["council"]))
        if council is None:
            return None
    starts = _at(spec["days"])
    now = utcnow()
    meeting = Meeting(title=spec["title"], description=spec["description"], council=council,
                      starts_at=starts, ends_at=starts + timedelta(hours=spec["hours"]), location=spec["location"],
                      online_url=spec.get("online_url"), status=status, created_by_id=demo_user("josipovic@").id,
                      published_at=min(now, starts - timedelta(days=14)), updated_at=now)
    db.session.add(meeting)
    for position, (title, minutes, presenter, fragment, *rest) in enumerate(spec["items"], start=1):
        meeting.items.append(AgendaItem(position=position, title=title, duration_minutes=minutes, presenter=presenter,
                                        proposals=_proposals(fragment), outcome=rest[0] if rest else None))
    db.session.flush()
    return meeting


def _revision(meeting: Meeting, text, created_at: datetime) -> None:
    """A change as record_revision keeps it: what to say, and its German text."""
    params = {"summary": freeze(text)}
    db.session.add(MeetingRevision(meeting_id=meeting.id, actor_id=demo_user("josipovic@").id, params=params,
                                   summary=render(params["summary"], "de"), created_at=created_at))


def seed() -> int:
    added = 0
    past = _meeting(CONSTITUENT, "ended")
    if past is not None:
        added += 1
        past.ended_at = past.ends_at
        past.minutes, past.minutes_published_at = CONSTITUENT["minutes"], past.ends_at + timedelta(days=2)
        past.attendance_count = CONSTITUENT["attendance"]
        past.attendance_organisations = "\n".join(CONSTITUENT["organisations"])
        past.sequence = 2
        n, title = CONSTITUENT["revision"]
        _revision(past, _l("TOP %(n)s hinzugefügt: %(title)s", n=n, title=title), past.starts_at - timedelta(days=5))
        _revision(past, _l("Protokoll veröffentlicht"), past.minutes_published_at)
    for spec in UPCOMING:
        if _meeting(spec, "published") is not None:
            added += 1
    db.session.flush()
    return added
