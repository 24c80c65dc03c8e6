"""Demo proposals from the article, in several states, with votes and comments from the demo people.

Everything goes through the services (so counters, follows and notices are what real use makes);
a proposal whose title exists already is skipped, so a second run adds nothing.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..accounts.demo import demo_user
from ..councils.models import Council
from ..extensions import db
from . import comments, lifecycle, services, voting
from .models import Comment, Proposal

PROPOSALS = [
    {
        "title": "Braunschweig-App barrierefrei machen",
        "author": "anna.schmidt@", "council": None, "tags": "barrierefreiheit, braunschweig-app",
        "body": "Die **Braunschweig-App** sollte für alle nutzbar sein:\n\n"
                "- vollständig mit Screenreader bedienbar\n- ausreichende Kontraste und große Schrift\n"
                "- Leichte Sprache für die wichtigsten Dienste\n\n"
                "Ein jährlicher Test mit Menschen mit Behinderungen würde zeigen, wo es hakt.",
        "steps": [("josipovic@", "voting", None)],
        "votes": {"kornblum@": "for", "digital@": "for", "smartcity@": "for", "kontakt@": "abstain",
                  "vorstand@": "for", "mehmet.yilmaz@": "against"},
        "comments": [("smartcity@", "Die TU kann die Tests wissenschaftlich begleiten.", None),
                     ("anna.schmidt@", "Sehr gern – sollen wir dafür einen Termin im Fachbeirat suchen?", 0)],
    },
    {
        "title": "Handy-Parken in allen Parkhäusern",
        "author": "mehmet.yilmaz@", "council": "mobilitaet", "tags": "handy-parken, mobilität",
        "body": "Handy-Parken funktioniert bisher nur an Parkscheinautomaten im Straßenraum. "
                "Es sollte auch in **allen städtischen Parkhäusern** möglich sein, mit derselben App.",
        "steps": [("digital@", "voting", None)],
        "votes": {"anna.schmidt@": "for", "kornblum@": "for", "digital@": "for", "kontakt@": "for",
                  "smartcity@": "against", "vorstand@": "abstain"},
        "close": ("digital@", "accepted",
                  "Der Fachbeirat Mobilität empfiehlt die Umsetzung. Die Stadtwerke prüfen die Anbindung "
                  "der Parkhaus-Schranken bis zum Sommer."),
        "after": [("digital@", "implementing", None)],
        "comments": [("kontakt@", "Für Theaterbesuche am Abend wäre das eine große Erleichterung.", None)],
    },
    {
        "title": "WLAN in der Innenstadt ausbauen",
        "author": "vorstand@", "council": "digitale-infrastruktur", "tags": "wlan, innenstadt",
        "body": "Freies WLAN gibt es bisher nur an wenigen Plätzen. Wir schlagen vor, das Netz "
                "entlang der Fußgängerzone und an allen Haltestellen der Innenstadt auszubauen – "
                "gemeinsam mit Freifunk und den Stadtwerken.",
        "steps": [("josipovic@", "voting", None)],
        "votes": {"mehmet.yilmaz@": "for", "anna.schmidt@": "for", "digital@": "abstain",
                  "kontakt@": "for", "smartcity@": "for"},
        "comments": [("digital@", "Die Stadtwerke können Standorte an Laternen beisteuern.", None),
                     ("mehmet.yilmaz@", "Bitte auch an den Bushaltestellen am Bahnhof!", None)],
    },
    {
        "title": "Offene Daten der Stadtwerke",
        "author": "smartcity@", "council": "offene-daten", "tags": "open-data, stadtwerke",
        "body": "Fahrplandaten, Ladesäulen und Parkhausbelegung sollten auf einer **Open-Data-Plattform** "
                "unter offener Lizenz bereitstehen – maschinenlesbar und aktuell.",
        "steps": [],
        "votes": {},
        "comments": [("digital@", "Wir klären gerade, welche Datensätze wir zuerst freigeben können.", None)],
    },
    {
        "title": "Breitband für Gewerbegebiete",
        "author": "digital@", "council": "digitale-infrastruktur", "tags": "breitband, wirtschaft",
        "body": "Mit der Breitband-Förderung sollen alle Gewerbegebiete Glasfaser bekommen. "
                "Wolfsburg, Salzgitter und Gifhorn planen Ähnliches – eine gemeinsame Ausschreibung spart Geld.",
        "steps": [("vorstand@", "voting", None)],
        "votes": {"kornblum@": "for", "anna.schmidt@": "for", "smartcity@": "for", "vorstand@": "for",
                  "kontakt@": "abstain", "mehmet.yilmaz@": "for"},
        "close": ("vorstand@", "accepted",
                  "Angenommen. Die Stadt stimmt die Ausschreibung mit Wolfsburg, Salzgitter und Gifhorn ab."),
        "after": [("vorstand@", "implementing", None), ("vorstand@", "done",
                   "Alle Gewerbegebiete sind angeschlossen. Danke für die vielen Hinweise!")],
        "comments": [],
    },
    {
        "title": "Kooperation mit Wolfsburg, Salzgitter und Gifhorn",
        "author": "josipovic@", "council": "smart-city-board", "tags": "kooperation",
        "body": "Das Smart-City-Board soll eine gemeinsame Arbeitsgruppe mit den Nachbarstädten vorbereiten.",
        "steps": [],
        "votes": {},
        "comments": [],
    },
]


def _council(slug: str | None) -> Council | None:
    if slug is None:
        return None
    return db.session.scalar(select(Council).where(Council.slug == slug))


def _seed_one(spec: dict) -> None:
    author = demo_user(spec["author"])
    proposal = services.create_proposal(author, title=spec["title"], body=spec["body"],
                                        council=_council(spec["council"]), tags=spec["tags"])
    posted = []
    for prefix, text, reply_to in spec["comments"]:
        parent = posted[reply_to].id if reply_to is not None else None
        posted.append(comments.add_comment(proposal, demo_user(prefix), text, parent_id=parent))
    for prefix, status, response in spec["steps"]:
        proposal = lifecycle.change_status(proposal, demo_user(prefix), status, response=response)
    for prefix, choice in spec["votes"].items():
        proposal = voting.cast_vote(proposal, demo_user(prefix), choice)
    if "close" in spec:
        prefix, status, response = spec["close"]
        proposal = lifecycle.change_status(proposal, demo_user(prefix), status, response=response)
    for prefix, status, response in spec.get("after", []):
        proposal = lifecycle.change_status(proposal, demo_user(prefix), status, response=response)


def seed() -> int:
    """Add the demo proposals that are missing; returns how many were added."""
    added = 0
    with current_app.test_request_context("/"):  # notices build links with url_for
        for spec in PROPOSALS:
            if db.session.scalar(select(Proposal.id).where(Proposal.title == spec["title"])) is not None:
                continue
            _seed_one(spec)
            added += 1
    db.session.flush()
    return added


def comment_to_report(reporter) -> Comment | None:
    """The first published demo comment someone other than `reporter` wrote (the moderation demo reports it)."""
    return db.session.scalar(
        select(Comment).join(Proposal, Proposal.id == Comment.proposal_id)
        .where(Comment.author_id != reporter.id, Comment.deleted_at.is_(None), Proposal.status != "draft")
        .order_by(Comment.id).limit(1))
