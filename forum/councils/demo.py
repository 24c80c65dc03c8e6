"""Demo councils that fit the article: Fachbeiräte and the internal Smart-City-Board."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.demo import demo_user
from ..extensions import db
from .models import Council, Membership

COUNCILS = [
    ("mobilitaet", "Fachbeirat Mobilität", "Handy-Parken, Verkehrsdaten und vernetzte Mobilität in Braunschweig.",
     "public", "open", [("digital@", "moderator"), ("anna.schmidt@", "member")]),
    ("digitale-infrastruktur", "Fachbeirat Digitale Infrastruktur",
     "Breitband-Förderung, WLAN in der Innenstadt und die Netze der Stadt.", "public", "open",
     [("vorstand@", "moderator"), ("mehmet.yilmaz@", "member")]),
    ("offene-daten", "Fachbeirat Offene Daten", "Eine Plattform für offene Daten und ihre Standards.",
     "public", "request", [("smartcity@", "moderator")]),
    ("smart-city-board", "Smart-City-Board",
     "Koordiniert und vernetzt die Aktivitäten von Verwaltung und städtischen Gesellschaften.", "private",
     "appointed", [("josipovic@", "moderator"), ("digital@", "member")]),
]


def seed() -> int:
    added = 0
    for slug, name, mandate, visibility, join_policy, members in COUNCILS:
        if db.session.scalar(select(Council.id).where(Council.slug == slug)) is not None:
            continue
        council = Council(slug=slug, name=name, mandate=mandate, description=mandate, visibility=visibility,
                          join_policy=join_policy, created_by_id=demo_user("kornblum@").id)
        db.session.add(council)
        db.session.flush()
        for prefix, role in members:
            db.session.add(Membership(council_id=council.id, user_id=demo_user(prefix).id, role=role))
        council.members_count = len(members)
        added += 1
    db.session.flush()
    return added
