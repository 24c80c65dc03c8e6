"""Open data: public, documented datasets as CSV and JSON under a stated licence.

Every dataset is built as an anonymous visitor would see the forum: public projects only,
public councils only, proposals only from public councils (or forum-wide ones), and never a
person's name, e-mail address, justification or any other personal data.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from ..accounts.models import STAKEHOLDERS

from ..councils.models import Council
from ..councils.visibility import council_column_visible, visible_council_filter
from ..database import utcnow
from ..extensions import db
from ..proposals.models import CHOICES, Proposal
from ..proposals.voting import HIDDEN_WHILE, votes_visible
from ..registry import HIDDEN_TITLE
from ..urls import external_url, site_url
from ..yielding import yielding
from . import scoring
from .models import Milestone, ProjectCouncil, ProjectProposal
from .scoring_models import CriteriaCatalogue, Criterion

LICENCE = {
    "id": "dl-de/by-2-0",
    "name": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
    "url": "https://www.govdata.de/dl-de/by-2-0",
    "attribution": "Stadt Braunschweig – Smart-City-Forum",
}
PUBLIC_PROPOSAL_EXCLUDED = ("draft", "withdrawn")
ANONYMOUS = None


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object
    description: object
    fields: tuple[tuple[str, object], ...]
    rows: Callable[[], list[dict]]

    @property
    def field_names(self) -> list[str]:
        return [name for name, _ in self.fields]


def votes_shown_clause():
    """SQL twin of `proposals.voting.votes_visible`: counts are public unless the proposal hides
    them until its voting has closed."""
    return or_(Proposal.hide_votes.is_(False), Proposal.status.not_in(HIDDEN_WHILE),
               and_(Proposal.status == "voting", Proposal.voting_ends_at.is_not(None),
                    Proposal.voting_ends_at <= utcnow()))


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if hasattr(value, "hour") else "")


def _public_proposal_ids(ids) -> set[int]:
    if not ids:
        return set()
    return set(db.session.scalars(select(Proposal.id).where(
        Proposal.id.in_(ids), Proposal.status.not_in(PUBLIC_PROPOSAL_EXCLUDED),
        council_column_visible(Proposal.council_id, ANONYMOUS))))


def project_rows() -> list[dict]:
    from .projects import public_projects

    projects = db.session.scalars(public_projects()).all()
    ids = [p.id for p in projects]
    links = db.session.execute(select(ProjectProposal.project_id, ProjectProposal.proposal_id)
                               .where(ProjectProposal.project_id.in_(ids))).all() if ids else []
    public_ids = _public_proposal_ids([pid for _, pid in links])
    councils = db.session.execute(
        select(ProjectCouncil.project_id, Council.slug).join(Council, Council.id == ProjectCouncil.council_id)
        .where(ProjectCouncil.project_id.in_(ids), visible_council_filter(ANONYMOUS))).all() if ids else []
    done = dict(db.session.execute(select(Milestone.project_id, func.count(Milestone.id)).where(
        Milestone.project_id.in_(ids), Milestone.done_on.is_not(None)).group_by(Milestone.project_id)).all()) if ids else {}
    catalogue = scoring.current_catalogue()
    scores = scoring.project_scores(ids, catalogue) if catalogue else {}
    rows = []
    for p in projects:
        score = scores.get(p.id)
        rows.append({
            "id": p.id, "title": p.title, "description": p.description, "department": p.department,
            "status": p.status, "partners": [f"{x.name} ({x.kind})" for x in p.partners],
            "budget_eur": p.budget_eur, "spent_eur": p.spent_eur,
            "start_date": _iso(p.start_date), "end_date": _iso(p.end_date),
            "milestones_total": len(p.milestones), "milestones_done": done.get(p.id, 0),
            "proposal_ids": sorted(pid for proj, pid in links if proj == p.id and pid in public_ids),
            "councils": sorted(slug for proj, slug in councils if proj == p.id),
            "score": round(score.mean, 1) if score else None,
            "score_evaluations": score.count if score else 0,
            "criteria_version": catalogue.version if catalogue else None,
            "url": external_url("controlling.detail", project_id=p.id),
        })
    return rows


def _public_proposals():
    return db.session.execute(
        select(Proposal, Council.slug).outerjoin(Council, Council.id == Proposal.council_id)
        .where(Proposal.status.not_in(PUBLIC_PROPOSAL_EXCLUDED), council_column_visible(Proposal.council_id, ANONYMOUS))
        .order_by(Proposal.id).execution_options(yield_per=200))  # loaded in batches between the loop's yields


def proposal_rows() -> list[dict]:
    site = site_url()
    rows = []
    for p, slug in yielding(_public_proposals()):
        shown = votes_visible(p)
        title = HIDDEN_TITLE if p.hidden_at is not None else p.title  # hidden by the moderation
        rows.append({"id": p.id, "title": title, "status": p.status, "council": slug,
                     "published_at": _iso(p.published_at), "votes_hidden": not shown,
                     "votes_for": p.votes_for if shown else None, "votes_against": p.votes_against if shown else None,
                     "votes_abstain": p.votes_abstain if shown else None,
                     "votes_total": p.votes_total if shown else None, "comments_count": p.comments_count,
                     "url": f"{site}/proposals/{p.id}"})
    return rows


def vote_rows() -> list[dict]:
    """Per public proposal whose counts are shown and per stakeholder group: the aggregated votes."""
    rows = []
    for p, _slug in yielding(_public_proposals()):
        if not votes_visible(p):
            continue
        tally = p.tally()
        for group in STAKEHOLDERS:
            counts = tally[group]
            rows.append({"proposal_id": p.id, "stakeholder": group, **{c: counts[c] for c in CHOICES},
                         "total": sum(counts.values())})
    return rows


def council_rows() -> list[dict]:
    councils = db.session.scalars(select(Council).where(visible_council_filter(ANONYMOUS)).order_by(Council.slug))
    counts = dict(db.session.execute(select(Proposal.council_id, func.count(Proposal.id)).where(
        Proposal.status.not_in(PUBLIC_PROPOSAL_EXCLUDED)).group_by(Proposal.council_id)).all())
    return [{"slug": c.slug, "name": c.name, "mandate": c.mandate, "join_policy": c.join_policy,
             "members_count": c.members_count, "proposals_count": counts.get(c.id, 0),
             "archived": c.is_archived, "created_at": _iso(c.created_at),
             "url": site_url() + f"/councils/{c.slug}"} for c in councils]


def meeting_rows() -> list[dict]:
    """Published (also live, ended, cancelled) meetings of the forum and of public councils, with
    agenda titles and linked public proposals; no presenters, minutes text or attendees."""
    from ..meetings.queries import linked_proposals as agenda_links
    from ..meetings.models import Meeting
    from ..meetings.queries import meetings_query

    meetings = db.session.scalars(meetings_query(ANONYMOUS).order_by(None).order_by(Meeting.starts_at, Meeting.id)).all()
    links = agenda_links([item for m in meetings for item in m.items], ANONYMOUS)
    site = site_url()
    return [{"id": m.id, "title": m.title, "council": m.council.slug if m.council else None,
             "starts_at": _iso(m.starts_at), "ends_at": _iso(m.ends_at), "location": m.location, "status": m.status,
             "agenda": [f"{item.position}. {item.title}" for item in m.items],
             "proposal_ids": sorted({p.id for item in m.items for p in links.get(item.id, [])}),
             "minutes_published": m.minutes_published_at is not None, "attendance_count": m.attendance_count,
             "url": f"{site}/meetings/{m.id}", "ics_url": f"{site}/meetings/{m.id}.ics"} for m in meetings]


def document_rows() -> list[dict]:
    """The documents of the meetings in `meeting_rows` (public ones only), oldest first."""
    from ..files.services import files_for
    from ..meetings.models import Meeting
    from ..meetings.queries import meetings_query

    meetings = db.session.scalars(meetings_query(ANONYMOUS).order_by(None).order_by(Meeting.starts_at, Meeting.id)).all()
    positions = {item.id: item.position for m in meetings for item in m.items}
    found = files_for("meeting", [m.id for m in meetings])
    site = site_url()
    return [{"id": f.id, "meeting_id": m.id, "agenda_item": positions.get(f.agenda_item_id), "name": f.name,
             "content_type": f.content_type, "size": f.size, "created_at": _iso(f.created_at),
             "url": site + f.url} for m in meetings for f in found[m.id]]


def criteria_rows() -> list[dict]:
    rows = db.session.execute(select(CriteriaCatalogue.version, Criterion).join(
        Criterion, Criterion.catalogue_id == CriteriaCatalogue.id).order_by(CriteriaCatalogue.version, Criterion.position))
    return [{"version": version, "position": c.position, "name": c.name, "description": c.description,
             "weight": c.weight, "scale_min": c.scale_min, "scale_max": c.scale_max, "inverted": c.inverted}
            for version, c in rows]


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("projects", _l("Smart-City-Projekte"),
            _l("Das öffentliche Projektportfolio der Stadt mit Status, Budget, Partnern und gewichteter Bewertung."),
            (("id", _l("Nummer")), ("title", _l("Titel")), ("description", _l("Beschreibung (Markdown)")),
             ("department", _l("verantwortliche Stelle")), ("status", "idea, planned, running, done, stopped"),
             ("partners", _l("Partner mit Art")), ("budget_eur", _l("Budget in Euro")),
             ("spent_eur", _l("ausgegeben in Euro")), ("start_date", _l("Beginn")), ("end_date", _l("Ende")),
             ("milestones_total", _l("Meilensteine")), ("milestones_done", _l("davon erreicht")),
             ("proposal_ids", _l("Vorschläge, aus denen das Projekt entstand")),
             ("councils", _l("Fachbeiräte, aus denen das Projekt entstand")),
             ("score", _l("gewichtete Bewertung 0–100 (Mittel der Bewertenden)")),
             ("score_evaluations", _l("Anzahl der Bewertungen")), ("criteria_version", _l("Version des Kriterienkatalogs")),
             ("url", _l("Adresse im Forum"))), project_rows),
    Dataset("proposals", _l("Vorschläge"),
            _l("Veröffentlichte Vorschläge aus öffentlichen Fachbeiräten mit Status und Stimmenzahlen, ohne Angaben zu Personen."),
            (("id", _l("Nummer")), ("title", _l("Titel")), ("status", _l("Status")), ("council", _l("Fachbeirat")),
             ("published_at", _l("veröffentlicht (UTC)")),
             ("votes_hidden", _l("Stimmenzahlen bis zum Ende der Abstimmung verdeckt (dann leer)")),
             ("votes_for", _l("Stimmen dafür")),
             ("votes_against", _l("Stimmen dagegen")), ("votes_abstain", _l("Enthaltungen")),
             ("votes_total", _l("Stimmen gesamt")), ("comments_count", _l("Kommentare")), ("url", _l("Adresse im Forum"))),
            proposal_rows),
    Dataset("votes", _l("Stimmen nach Gruppen"),
            _l("Die Stimmen zu jedem öffentlichen Vorschlag, zusammengezählt je Gruppe (Bürger*innen, Wirtschaft, "
               "Forschung, Kultur, Vereine). Keine einzelnen Stimmen, keine Namen."),
            (("proposal_id", _l("Nummer des Vorschlags")),
             ("stakeholder", "citizen, business, research, culture, association"),
             ("for", _l("dafür")), ("against", _l("dagegen")), ("abstain", _l("Enthaltungen")),
             ("total", _l("zusammen"))), vote_rows),
    Dataset("councils", _l("Fachbeiräte"),
            _l("Die öffentlichen Fachbeiräte mit Auftrag, Mitgliederzahl und Zahl der Vorschläge."),
            (("slug", _l("Kennung")), ("name", _l("Name")), ("mandate", _l("Auftrag")),
             ("join_policy", "open, request, appointed"), ("members_count", _l("Mitglieder")),
             ("proposals_count", _l("Vorschläge")), ("archived", _l("archiviert")),
             ("created_at", _l("gegründet (UTC)")), ("url", _l("Adresse im Forum"))), council_rows),
    Dataset("meetings", _l("Sitzungen"),
            _l("Veröffentlichte Sitzungen des Forums und der öffentlichen Fachbeiräte mit Tagesordnung."),
            (("id", _l("Nummer")), ("title", _l("Titel")), ("council", _l("Fachbeirat (leer: Sitzung des Forums)")),
             ("starts_at", _l("Beginn (UTC)")), ("ends_at", _l("Ende (UTC)")), ("location", _l("Ort")),
             ("status", "published, live, ended, cancelled"), ("agenda", _l("Tagesordnungspunkte")),
             ("proposal_ids", _l("behandelte Vorschläge")), ("minutes_published", _l("Protokoll veröffentlicht")),
             ("attendance_count", _l("Zahl der Teilnehmenden")), ("url", _l("Adresse im Forum")),
             ("ics_url", _l("Kalenderdatei (iCalendar)"))), meeting_rows),
    Dataset("meeting_documents", _l("Sitzungsunterlagen"),
            _l("Die Unterlagen der veröffentlichten Sitzungen des Forums und der öffentlichen Fachbeiräte."),
            (("id", _l("Nummer")), ("meeting_id", _l("Nummer der Sitzung")),
             ("agenda_item", _l("Tagesordnungspunkt (leer: die Sitzung insgesamt)")), ("name", _l("Dateiname")),
             ("content_type", _l("Dateityp (MIME)")), ("size", _l("Größe in Byte")),
             ("created_at", _l("hochgeladen (UTC)")), ("url", _l("Adresse der Datei"))), document_rows),
    Dataset("criteria", _l("Kriterienkatalog"),
            _l("Alle Versionen des Kriterienkatalogs, nach dem Projekte und Vorschläge bewertet werden."),
            (("version", _l("Version")), ("position", _l("Reihenfolge")), ("name", _l("Kriterium")),
             ("description", _l("Beschreibung")), ("weight", _l("Gewicht")), ("scale_min", _l("Skala von")),
             ("scale_max", _l("Skala bis")), ("inverted", _l("niedriger Wert ist besser"))), criteria_rows),
)}


def as_json(dataset: Dataset, rows: list[dict] | None = None) -> dict:
    return {"dataset": dataset.name, "title": str(dataset.title), "description": str(dataset.description),
            "licence": LICENCE, "generated_at": _iso(utcnow()),
            "fields": [{"name": n, "description": str(d)} for n, d in dataset.fields],
            "items": dataset.rows() if rows is None else rows}


def as_csv(dataset: Dataset, rows: list[dict] | None = None) -> str:
    """CSV (comma, UTF-8, header row); lists are joined with "; "."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=dataset.field_names, extrasaction="raise", lineterminator="\r\n")
    writer.writeheader()
    for row in yielding(dataset.rows() if rows is None else rows, every=500):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value):
    """One CSV cell. Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, list):
        value = "; ".join(str(x) for x in value)
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
