"""Demo councils that fit the article: Fachbeiräte and the internal Smart-City-Board."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.demo import demo_user
from ..extensions import db
from .models import Council, JoinRequest, Membership

COUNCILS = [
    ("mobilitaet", "Fachbeirat Mobilität", "Handy-Parken, Verkehrsdaten und vernetzte Mobilität in Braunschweig.",
     "Der Fachbeirat begleitet, wie Braunschweig Mobilität digital vernetzt.\n\n"
     "- **Handy-Parken**: Erfahrungen aus dem Betrieb und nächste Schritte\n"
     "- Echtzeitdaten für Bus, Bahn und Parkhäuser in der **Braunschweig-App**\n"
     "- Verkehrsdaten als offene Daten für Forschung und Start-ups\n\n"
     "Vorschläge aus dem Forum bereitet der Fachbeirat für den Vorstand vor.",
     "public", "open", [("digital@", "moderator"), ("anna.schmidt@", "member")]),
    ("digitale-infrastruktur", "Fachbeirat Digitale Infrastruktur",
     "Breitband-Förderung, WLAN in der Innenstadt und die Netze der Stadt.",
     "Ohne Netze keine Smart City. Der Fachbeirat diskutiert:\n\n"
     "1. den Ausbau der **Breitband-Förderung** in allen Stadtteilen,\n"
     "2. das kostenlose **WLAN in der Innenstadt** und seine Erweiterung,\n"
     "3. Sensornetze (LoRaWAN) für Umwelt- und Verkehrsdaten.",
     "public", "open", [("vorstand@", "moderator"), ("mehmet.yilmaz@", "member")]),
    ("offene-daten", "Fachbeirat Offene Daten", "Eine Plattform für offene Daten und ihre Standards.",
     "Der Fachbeirat bereitet die **Open-Data-Plattform** der Stadt vor: welche Datensätze zuerst, "
     "unter welcher Lizenz, in welchen Formaten. Wer mitarbeiten möchte, stellt eine kurze Anfrage.",
     "public", "request", [("smartcity@", "moderator")]),
    ("e-government", "Fachbeirat E-Government", "Verwaltungsleistungen online – einfach, sicher und barrierefrei.",
     "Vom Antrag bis zum Bescheid ohne Behördengang: Der Fachbeirat sammelt, welche Leistungen "
     "Braunschweigerinnen und Braunschweiger zuerst online erledigen möchten, und prüft die Umsetzung "
     "in der **Braunschweig-App**.\n\n"
     "Dabei sucht er die Zusammenarbeit mit **Wolfsburg, Salzgitter und Gifhorn**, damit die Region "
     "gemeinsame Lösungen nutzt.",
     "public", "open", [("josipovic@", "moderator"), ("kontakt@", "member"), ("anna.schmidt@", "member")]),
    ("smart-city-board", "Smart-City-Board",
     "Koordiniert und vernetzt die Aktivitäten von Verwaltung und städtischen Gesellschaften.",
     "Internes Gremium von Verwaltung und städtischen Gesellschaften. Es stimmt Projekte ab, bevor sie "
     "im Forum vorgestellt werden.",
     "private", "appointed", [("josipovic@", "moderator"), ("digital@", "member")]),
]

# (council slug, person, message): a request waiting for the moderators.
REQUESTS = [
    ("offene-daten", "kontakt@", "Das Staatstheater möchte Spielplan- und Besucherdaten als offene Daten anbieten."),
]


def seed() -> int:
    """Add the demo councils, their members and a pending join request; returns how many were added."""
    added = 0
    for slug, name, mandate, description, visibility, join_policy, members in COUNCILS:
        if db.session.scalar(select(Council.id).where(Council.slug == slug)) is not None:
            continue
        council = Council(slug=slug, name=name, mandate=mandate, description=description, visibility=visibility,
                          join_policy=join_policy, created_by_id=demo_user("kornblum@").id)
        db.session.add(council)
        db.session.flush()
        for prefix, role in members:
            db.session.add(Membership(council_id=council.id, user_id=demo_user(prefix).id, role=role))
        council.members_count = len(members)
        added += 1
    db.session.flush()
    for slug, prefix, message in REQUESTS:
        council = db.session.scalar(select(Council).where(Council.slug == slug))
        person = demo_user(prefix)
        known = db.session.scalar(select(JoinRequest.id).where(
            JoinRequest.council_id == council.id, JoinRequest.user_id == person.id))
        member = db.session.scalar(select(Membership.id).where(
            Membership.council_id == council.id, Membership.user_id == person.id))
        if known is None and member is None:
            db.session.add(JoinRequest(council_id=council.id, user_id=person.id, message=message, status="pending"))
            added += 1
    db.session.flush()
    return added
