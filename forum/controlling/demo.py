"""Demo portfolio from the article: the city's smart-city projects, the criteria catalogue,
some evaluations by demo staff and two cooperation requests. Idempotent: each part checks
whether it exists."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..accounts.demo import demo_user
from ..councils.models import Council
from ..database import utcnow
from ..extensions import db
from .cooperation_models import CooperationReply, CooperationRequest
from ..proposals.models import Proposal
from .models import Milestone, Project, ProjectCouncil, ProjectPartner, ProjectProposal
from .scoring import CriterionSpec, current_catalogue, publish_catalogue, submit_evaluation
from .scoring_models import Evaluator, Score

STAB = "Stabsstelle Digitalisierung und Smart City"
ORGA = "Dezernat für Organisation und Personal"
STADTWERKE = "Stadtwerke Braunschweig"
VERKEHR = "Fachbereich Tiefbau und Verkehr"
MARKETING = "Braunschweig Stadtmarketing GmbH"
WIFOE = "Braunschweig Zukunft GmbH (Wirtschaftsförderung)"

# title, department, status, visibility, budget, spent, start/end offsets in days, partners,
# milestones (title, due offset in days, done), councils, description
PROJECTS = [
    ("Braunschweig-App", MARKETING, "running", "public", 250_000, 182_000, -420, 200,
     [("Technische Universität Braunschweig", "research"), (STADTWERKE, "city_company")],
     [("Veranstaltungskalender in der App", -200, True), ("Mängelmelder anbinden", -10, False),
      ("Barrierefreiheit geprüft (BITV)", 21, False)], ["mobilitaet"],
     "Eine App für die ganze Stadt: Veranstaltungen, Nachrichten, Mängelmelder und Wege durch Braunschweig."),
    ("Handy-Parken", VERKEHR, "done", "public", 40_000, 38_500, -700, -120,
     [("Anbieterverbund Handyparken (Demo)", "business")],
     [("Pilot in der Innenstadt", -500, True), ("alle Parkscheinautomaten", -130, True)], ["mobilitaet"],
     "Parkgebühren bequem mit dem Mobiltelefon zahlen – minutengenau, ohne Kleingeld."),
    ("WLAN in der Innenstadt", STADTWERKE, "running", "public", 600_000, 655_000, -300, 150,
     [("Freifunk Braunschweig e. V.", "other"), ("Braunschweig Stadtmarketing GmbH", "city_company")],
     [("Hotspots Fußgängerzone", -60, True), ("Hotspots Bahnhofsvorplatz", 12, False)], ["digitale-infrastruktur"],
     "Kostenloses WLAN in der Innenstadt für Einwohner*innen und Gäste."),
    ("Open-Data-Plattform", STAB, "planned", "public", 120_000, 8_000, 30, 400,
     [("Technische Universität Braunschweig", "research")],
     [("Datenkatalog und Lizenz festgelegt", 25, False), ("erste Datensätze veröffentlicht", 120, False)],
     ["offene-daten"],
     "Eine Plattform, auf der die Stadt und ihre Gesellschaften Daten offen und maschinenlesbar bereitstellen."),
    ("Breitband-Förderung", WIFOE, "running", "public", 5_000_000, 1_250_000, -500, 900,
     [("Bundesförderprogramm Breitband", "other"), ("Telekommunikationsunternehmen der Region (Demo)", "business")],
     [("Markterkundung abgeschlossen", -380, True), ("Ausbau Gewerbegebiete Los 1", -5, False)],
     ["digitale-infrastruktur"],
     "Glasfaser für unterversorgte Gebiete und Gewerbegebiete mit Fördermitteln von Bund und Land."),
    ("Interkommunale Kooperation mit Wolfsburg, Salzgitter und Gifhorn", STAB, "idea", "internal", None, 0, None, None,
     [("Stadt Wolfsburg", "municipality"), ("Stadt Salzgitter", "municipality"), ("Stadt Gifhorn", "municipality")],
     [("Abstimmung der Verwaltungsspitzen", 40, False)], ["smart-city-board"],
     "Gemeinsame Smart-City-Vorhaben der Nachbarstädte: Plattformen teilen, Beschaffung bündeln."),
    ("E-Government / Verwaltungsdigitalisierung", ORGA, "running", "public", 900_000, 410_000, -250, 600, [],
     [("Online-Terminvergabe Bürgerbüros", -90, True), ("E-Akte in drei Fachbereichen", 45, False)], [],
     "Verwaltungsleistungen online anbieten und die Arbeit in der Verwaltung digital organisieren."),
]

CRITERIA = [
    CriterionSpec("Nutzen für Bürger*innen", 30, 1, 5, "Wie sehr verbessert das Vorhaben den Alltag in Braunschweig?"),
    CriterionSpec("Kosten", 15, 1, 5, "Geschätzte Gesamtkosten (1 = gering, 5 = hoch).", inverted=True),
    CriterionSpec("Umsetzbarkeit", 20, 1, 5, "Technisch, rechtlich und organisatorisch machbar?"),
    CriterionSpec("Nachhaltigkeit", 15, 1, 5, "Ökologisch, finanziell und im Betrieb auf Dauer tragfähig?"),
    CriterionSpec("Datenschutz", 10, 1, 5, "Datensparsam, transparent und DSGVO-konform?"),
    CriterionSpec("Kooperationspotenzial", 10, 1, 5, "Können Wirtschaft, Forschung oder Nachbarkommunen mitwirken?"),
]

# project title → the demo proposal it came from (seeded by the proposals area)
ORIGINS = {
    "Braunschweig-App": "Braunschweig-App barrierefrei machen",
    "Handy-Parken": "Handy-Parken in allen Parkhäusern",
    "WLAN in der Innenstadt": "WLAN in der Innenstadt ausbauen",
    "Open-Data-Plattform": "Offene Daten der Stadtwerke",
    "Breitband-Förderung": "Breitband für Gewerbegebiete",
    "Interkommunale Kooperation mit Wolfsburg, Salzgitter und Gifhorn": "Kooperation mit Wolfsburg, Salzgitter und Gifhorn",
}
# evaluator e-mail prefix, proposal title, values in the order of CRITERIA
PROPOSAL_EVALUATIONS = [
    ("smartcity@", "Offene Daten der Stadtwerke", [5, 2, 4, 4, 4, 5]),
    ("digital@", "Breitband für Gewerbegebiete", [3, 5, 3, 4, 4, 3]),
]

# evaluator e-mail prefix, project title, values in the order of CRITERIA
EVALUATIONS = [
    ("josipovic@", "Braunschweig-App", [5, 3, 4, 4, 3, 4]),
    ("smartcity@", "Braunschweig-App", [4, 3, 4, 3, 4, 5]),
    ("josipovic@", "Open-Data-Plattform", [4, 2, 4, 5, 5, 5]),
    ("smartcity@", "Open-Data-Plattform", [5, 2, 3, 5, 4, 5]),
    ("digital@", "Open-Data-Plattform", [3, 2, 4, 4, 5, 4]),
    ("josipovic@", "WLAN in der Innenstadt", [4, 4, 4, 3, 2, 3]),
    ("vorstand@", "WLAN in der Innenstadt", [5, 3, 3, 3, 3, 4]),
    ("digital@", "Breitband-Förderung", [4, 5, 3, 5, 4, 4]),
]


def _seed_projects() -> int:
    added = 0
    today = utcnow().date()
    creator = demo_user("josipovic@")
    for (title, department, status, visibility, budget, spent, start, end, partners, milestones, councils,
         description) in PROJECTS:
        if db.session.scalar(select(Project.id).where(Project.title == title)) is not None:
            continue
        project = Project(title=title, department=department, status=status, visibility=visibility,
                          budget_eur=budget, spent_eur=spent, description=description, created_by_id=creator.id,
                          start_date=today + timedelta(days=start) if start is not None else None,
                          end_date=today + timedelta(days=end) if end is not None else None)
        project.partners = [ProjectPartner(name=name, kind=kind) for name, kind in partners]
        project.milestones = [Milestone(title=m, due_date=today + timedelta(days=due),
                                        done_on=today + timedelta(days=due) if done else None)
                              for m, due, done in milestones]
        for slug in councils:
            council_id = db.session.scalar(select(Council.id).where(Council.slug == slug))
            if council_id is not None:
                project.council_links.append(ProjectCouncil(council_id=council_id))
        db.session.add(project)
        added += 1
    db.session.flush()
    return added


def _seed_origins() -> int:
    """Link each demo project to the demo proposal it came from (when that proposal exists)."""
    added = 0
    for project_title, proposal_title in ORIGINS.items():
        project = db.session.scalar(select(Project).where(Project.title == project_title))
        proposal = db.session.scalar(select(Proposal).where(Proposal.title == proposal_title))
        if project is None or proposal is None:
            continue
        if db.session.scalar(select(ProjectProposal.id).where(ProjectProposal.project_id == project.id,
                                                               ProjectProposal.proposal_id == proposal.id)) is None:
            db.session.add(ProjectProposal(project_id=project.id, proposal_id=proposal.id))
            added += 1
    db.session.flush()
    return added


def _seed_scoring() -> int:
    added = 0
    chair, director = demo_user("kornblum@"), demo_user("josipovic@")
    if current_catalogue() is None:
        publish_catalogue(director, CRITERIA, "Erster einheitlicher Kriterienkatalog des Smart-City-Forums")
        added += 1
    if db.session.scalar(select(Evaluator.id).where(Evaluator.user_id == chair.id)) is None:
        db.session.add(Evaluator(user_id=chair.id, appointed_by_id=director.id))
        added += 1
    if (db.session.scalar(select(func.count()).select_from(Score)) or 0) == 0:
        criteria = current_catalogue().criteria
        for prefix, title, values in EVALUATIONS:
            project = db.session.scalar(select(Project).where(Project.title == title))
            entries = {c.id: (v, f"Einschätzung zu „{c.name}“ für {title}.") for c, v in zip(criteria, values)}
            submit_evaluation(demo_user(prefix), project, entries)
            added += 1
        for prefix, title, values in PROPOSAL_EVALUATIONS:
            proposal = db.session.scalar(select(Proposal).where(Proposal.title == title))
            if proposal is not None and proposal.status not in ("draft", "withdrawn"):
                entries = {c.id: (v, f"Einschätzung zu „{c.name}“ für den Vorschlag.") for c, v in zip(criteria, values)}
                submit_evaluation(demo_user(prefix), proposal, entries)
                added += 1
    db.session.flush()
    return added


def _seed_requests() -> int:
    requester = demo_user("info@")
    if db.session.scalar(select(CooperationRequest.id).where(CooperationRequest.requester_id == requester.id)):
        return 0
    answered = CooperationRequest(
        requester_id=requester.id, topic="infrastructure", organisation="Telecomputer GmbH (Demo)", status="answered",
        assignee_id=demo_user("josipovic@").id,
        message="Wir würden gern Sensoren für Luftqualität an den WLAN-Standorten der Innenstadt erproben.")
    answered.replies.append(CooperationReply(
        author_id=demo_user("josipovic@").id,
        body="Vielen Dank! Die Stadtwerke prüfen die Standorte; wir melden uns mit einem Terminvorschlag."))
    fresh = CooperationRequest(
        requester_id=demo_user("smartcity@").id, topic="open_data", organisation="Technische Universität Braunschweig (Demo)",
        message="Für ein Forschungsprojekt zur Verkehrsplanung suchen wir Zugang zu anonymisierten Parkdaten.")
    db.session.add_all([answered, fresh])
    db.session.flush()
    return 2


def seed() -> int:
    """Projects and their origins, then the catalogue and evaluations, then cooperation requests."""
    return _seed_projects() + _seed_origins() + _seed_scoring() + _seed_requests()
