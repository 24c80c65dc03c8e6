"""Project portfolio services: what a person may see, and the office's changes to projects.

Every change takes the acting user, checks `can_manage_projects`, raises DomainError subclasses
(NotAllowed, NotFound, Conflict, Invalid) and flushes; the caller commits.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, exists, not_, or_, select, true, union
from sqlalchemy.orm import joinedload, selectinload

from ..audit import audit
from ..councils.models import Council
from ..councils.visibility import council_column_visible, visible_council_filter
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..permissions import (can_manage_projects, can_view_internal_projects, can_view_project, can_view_proposal,
                           is_staff)
from ..proposals.models import Proposal
from ..validators import single_line
from .models import (PARTNER_KINDS, PROJECT_STATUSES, PROJECT_VISIBILITIES, Milestone, Project, ProjectCouncil,
                     ProjectPartner, ProjectProposal)

STATUS_LABELS = {"idea": _l("Idee"), "planned": _l("geplant"), "running": _l("läuft"),
                 "done": _l("abgeschlossen"), "stopped": _l("gestoppt")}
VISIBILITY_LABELS = {"public": _l("öffentlich"), "internal": _l("intern")}
PARTNER_LABELS = {"business": _l("Wirtschaft"), "research": _l("Forschung"), "municipality": _l("Kommune"),
                  "city_company": _l("städtische Gesellschaft"), "other": _l("Sonstige")}
# Proposals in these states have been accepted and may become a project with one action.
CONVERTIBLE_PROPOSAL_STATUSES = ("accepted", "implementing")
EDITABLE_FIELDS = ("title", "description", "department", "status", "visibility", "budget_eur", "spent_eur",
                   "start_date", "end_date")


# --- reading ------------------------------------------------------------------------------------

def _hidden_council_proposals(user) -> Select:
    return (select(Proposal.id).join(Council, Council.id == Proposal.council_id)
            .where(not_(visible_council_filter(user))))


def projects_with_hidden_origin(user) -> Select:
    """The ids of projects that came from a council `user` may not see: linked to it, or linked to
    one of its proposals."""
    via_council = (select(ProjectCouncil.project_id).join(Council, Council.id == ProjectCouncil.council_id)
                   .where(not_(visible_council_filter(user))))
    via_proposal = select(ProjectProposal.project_id).where(
        ProjectProposal.proposal_id.in_(_hidden_council_proposals(user)))
    return union(via_council, via_proposal)


def visible_project_filter(user) -> ColumnElement[bool]:
    """The one WHERE clause over Project for what `user` may see: public projects, unless made from a
    proposal of a council the viewer may not see; for staff and the Smart-City-Board also internal
    ones, unless they came from a private council the viewer may not see (a board member outside
    that council included)."""
    if is_staff(user):
        return true()
    # a project made from a proposal carries its title and text: hidden with the proposal's council,
    # also when that council was made private after the project was made
    own_text_visible = or_(Project.origin_proposal_id.is_(None),
                           Project.origin_proposal_id.not_in(_hidden_council_proposals(user)))
    public = and_(Project.visibility == "public", own_text_visible)
    if not can_view_internal_projects(user):
        return public
    return or_(public, Project.id.not_in(projects_with_hidden_origin(user)))


def visible_projects(user, *, status: str | None = None, department: str | None = None) -> Select:
    """A select of the projects `user` may see, newest first, optionally filtered."""
    stmt = select(Project).where(visible_project_filter(user))
    if status:
        stmt = stmt.where(Project.status == status)
    if department:
        stmt = stmt.where(Project.department == department)
    return stmt.order_by(Project.updated_at.desc(), Project.id.desc())


def public_projects() -> Select:
    """Public projects only, by id, with partners and milestones loaded alongside (API, open data)."""
    return (select(Project).where(visible_project_filter(None)).order_by(Project.id)
            .options(selectinload(Project.partners), selectinload(Project.milestones)))


def get_visible_project(project_id: int, user) -> Project:
    """The project, or NotFound when it does not exist or `user` may not see it (no 403: no leaks)."""
    # Its page shows partners and milestones: both in the same query.
    project = db.session.get(Project, project_id, options=[joinedload(Project.partners), joinedload(Project.milestones)])
    if project is None or not can_view_project(user, project):
        raise NotFound(_("Dieses Projekt gibt es nicht."))
    return project


def departments(user) -> list[str]:
    """The departments of the projects `user` may see, for filters and the form's suggestions."""
    stmt = select(Project.department).where(visible_project_filter(user)).distinct().order_by(Project.department)
    return list(db.session.scalars(stmt))


def linked_proposals(project: Project, user) -> list[Proposal]:
    """The proposals the project came from that `user` may see."""
    stmt = (select(Proposal).join(ProjectProposal, ProjectProposal.proposal_id == Proposal.id)
            .where(ProjectProposal.project_id == project.id, Proposal.status != "draft",
                   council_column_visible(Proposal.council_id, user))
            .order_by(Proposal.id))
    return list(db.session.scalars(stmt))


def linked_councils(project: Project, user) -> list[Council]:
    """The councils the project came from that `user` may see (private ones stay hidden)."""
    stmt = (select(Council).join(ProjectCouncil, ProjectCouncil.council_id == Council.id)
            .where(ProjectCouncil.project_id == project.id, visible_council_filter(user))
            .order_by(Council.name))
    return list(db.session.scalars(stmt))


def councils_with_links(project: Project, user) -> tuple[list[Council], list[Council]]:
    """(the councils the project came from that `user` may see, every council) in one query, by
    name: the project page of a manager, who also gets the form to link another council."""
    linked = exists().where(ProjectCouncil.project_id == project.id, ProjectCouncil.council_id == Council.id)
    rows = db.session.execute(select(Council, linked, visible_council_filter(user)).order_by(Council.name)).all()
    return [c for c, is_linked, visible in rows if is_linked and visible], [c for c, _, _ in rows]


def origins(project_ids, user) -> tuple[dict[int, list[Proposal]], dict[int, list[Council]]]:
    """For many projects at once (two queries): the proposals and councils each came from that
    `user` may see, as ({project id: [Proposal]}, {project id: [Council]})."""
    proposals: dict[int, list[Proposal]] = {pid: [] for pid in project_ids}
    councils: dict[int, list[Council]] = {pid: [] for pid in project_ids}
    if not project_ids:
        return proposals, councils
    for project_id, proposal in db.session.execute(
            select(ProjectProposal.project_id, Proposal).join(Proposal, Proposal.id == ProjectProposal.proposal_id)
            .where(ProjectProposal.project_id.in_(project_ids), Proposal.status != "draft",
                   council_column_visible(Proposal.council_id, user)).order_by(Proposal.id)):
        proposals[project_id].append(proposal)
    for project_id, council in db.session.execute(
            select(ProjectCouncil.project_id, Council).join(Council, Council.id == ProjectCouncil.council_id)
            .where(ProjectCouncil.project_id.in_(project_ids), visible_council_filter(user)).order_by(Council.name)):
        councils[project_id].append(council)
    return proposals, councils


def projects_for_proposal(proposal: Proposal, user) -> list[Project]:
    """The projects made from `proposal` that `user` may see (the other side of the link)."""
    stmt = (select(Project).join(ProjectProposal, ProjectProposal.project_id == Project.id)
            .where(ProjectProposal.proposal_id == proposal.id, visible_project_filter(user)).order_by(Project.id))
    return list(db.session.scalars(stmt))


# --- changing -----------------------------------------------------------------------------------

def _require_manager(actor) -> None:
    if not can_manage_projects(actor):
        raise NotAllowed(_("Nur Vorsitz und Geschäftsführung pflegen das Projektportfolio."))


def _clean(values: dict) -> dict:
    """Validate project fields; Invalid names the first wrong one."""
    out = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    for key in ("title", "department"):
        if key in out:
            single_line(out[key], _("Der Titel") if key == "title" else _("Die verantwortliche Stelle"))
            out[key] = (out[key] or "").strip()
            if not out[key]:
                raise Invalid(_("Das Feld '%(key)s' darf nicht leer sein.", key=key), "missing_field")
            if len(out[key]) > 200:
                raise Invalid(_("Das Feld '%(key)s' ist zu lang.", key=key), "too_long")
    if "description" in out:
        out["description"] = (out["description"] or "").strip()
        if len(out["description"]) > 20000:
            raise Invalid(_("Die Beschreibung ist zu lang."), "too_long")
    if "status" in out and out["status"] not in PROJECT_STATUSES:
        raise Invalid(_("Unbekannter Status."), "invalid_status")
    if "visibility" in out and out["visibility"] not in PROJECT_VISIBILITIES:
        raise Invalid(_("Unbekannte Sichtbarkeit."), "invalid_visibility")
    for key in ("budget_eur", "spent_eur"):
        if key in out and out[key] is not None and (not isinstance(out[key], int) or out[key] < 0):
            raise Invalid(_("Beträge müssen ganze Euro ab 0 sein."), "invalid_amount")
    if out.get("spent_eur") is None and "spent_eur" in out:
        out["spent_eur"] = 0
    return out


def _check_dates(project: Project) -> None:
    if project.start_date and project.end_date and project.end_date < project.start_date:
        raise Invalid(_("Das Ende liegt vor dem Beginn."), "invalid_dates")


def create_project(actor, **values) -> Project:
    """Create a project. Needs title and department; status defaults to "idea", visibility to "public"."""
    _require_manager(actor)
    values = _clean(values)
    if not values.get("title") or not values.get("department"):
        raise Invalid(_("Titel und verantwortliche Stelle sind Pflichtfelder."), "missing_field")
    project = Project(created_by_id=actor.id, **values)
    _check_dates(project)
    db.session.add(project)
    db.session.flush()
    audit(actor, "project.create", ("project", project.id), status=project.status)
    return project


def update_project(actor, project: Project, **values) -> Project:
    _require_manager(actor)
    cleaned = _clean(values)
    changed = sorted(key for key, value in cleaned.items() if getattr(project, key) != value)
    for key, value in cleaned.items():
        setattr(project, key, value)
    _check_dates(project)
    db.session.flush()
    if changed:
        audit(actor, "project.edit", ("project", project.id), fields=changed, status=project.status)
    return project


def _short_line(value, what: str, missing: str, code: str) -> str:
    """A name or title: one line of 1…200 characters, stripped; Invalid(`missing`, `code`) otherwise."""
    single_line(value, what)
    value = (value or "").strip()
    if not value or len(value) > 200:
        raise Invalid(missing, code)
    return value


def add_partner(actor, project: Project, name: str, kind: str) -> ProjectPartner:
    _require_manager(actor)
    name = _short_line(name, _("Der Name des Partners"),
                       _("Bitte gib den Namen des Partners an (höchstens 200 Zeichen)."), "invalid_name")
    if kind not in PARTNER_KINDS:
        raise Invalid(_("Unbekannte Art von Partner."), "invalid_kind")
    if any(p.name.casefold() == name.casefold() for p in project.partners):
        raise Conflict(_("Dieser Partner ist schon eingetragen."), "duplicate_partner")
    partner = ProjectPartner(name=name, kind=kind)
    project.partners.append(partner)
    db.session.flush()
    return partner


def _remove(items: list, matches, missing: str) -> None:
    """Remove the first of a project's `items` that `matches`; NotFound(`missing`) when none does."""
    item = next((x for x in items if matches(x)), None)
    if item is None:
        raise NotFound(missing)
    items.remove(item)
    db.session.flush()


def remove_partner(actor, project: Project, partner_id: int) -> None:
    _require_manager(actor)
    _remove(project.partners, lambda p: p.id == partner_id, _("Diesen Partner gibt es hier nicht."))


def add_milestone(actor, project: Project, title: str, due_date: date) -> Milestone:
    _require_manager(actor)
    title = _short_line(title, _("Der Titel des Meilensteins"),
                        _("Bitte gib dem Meilenstein einen Titel (höchstens 200 Zeichen)."), "invalid_title")
    if not isinstance(due_date, date):
        raise Invalid(_("Bitte gib ein Fälligkeitsdatum an."), "invalid_date")
    milestone = Milestone(title=title, due_date=due_date)
    project.milestones.append(milestone)
    db.session.flush()
    return milestone


def _milestone(project: Project, milestone_id: int) -> Milestone:
    milestone = next((m for m in project.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise NotFound(_("Diesen Meilenstein gibt es hier nicht."))
    return milestone


def complete_milestone(actor, project: Project, milestone_id: int, on: date) -> Milestone:
    """Mark a milestone done on `on`; marking it again reopens it."""
    _require_manager(actor)
    milestone = _milestone(project, milestone_id)
    milestone.done_on = None if milestone.done_on else on
    db.session.flush()
    return milestone


def remove_milestone(actor, project: Project, milestone_id: int) -> None:
    _require_manager(actor)
    project.milestones.remove(_milestone(project, milestone_id))
    db.session.flush()


def link_proposal(actor, project: Project, proposal: Proposal) -> None:
    """Record that `project` came from `proposal` (and the proposal's council). Conflict if linked;
    Invalid for a number that names no proposal `actor` may see (it comes from a form field)."""
    _require_manager(actor)
    if proposal is None or not can_view_proposal(actor, proposal) or proposal.status == "draft":
        raise Invalid(_("Diesen Vorschlag gibt es nicht."), "unknown_proposal")
    if any(link.proposal_id == proposal.id for link in project.proposal_links):
        raise Conflict(_("Dieser Vorschlag ist schon verknüpft."), "already_linked")
    project.proposal_links.append(ProjectProposal(proposal_id=proposal.id))
    if proposal.council_id and not any(link.council_id == proposal.council_id for link in project.council_links):
        project.council_links.append(ProjectCouncil(council_id=proposal.council_id))
    db.session.flush()


def unlink_proposal(actor, project: Project, proposal_id: int) -> None:
    _require_manager(actor)
    _remove(project.proposal_links, lambda x: x.proposal_id == proposal_id, _("Dieser Vorschlag ist nicht verknüpft."))


def link_council(actor, project: Project, council: Council) -> None:
    _require_manager(actor)
    if council is None:
        raise Invalid(_("Diesen Fachbeirat gibt es nicht."), "unknown_council")
    if any(link.council_id == council.id for link in project.council_links):
        raise Conflict(_("Dieser Fachbeirat ist schon verknüpft."), "already_linked")
    project.council_links.append(ProjectCouncil(council_id=council.id))
    db.session.flush()


def unlink_council(actor, project: Project, council_id: int) -> None:
    _require_manager(actor)
    _remove(project.council_links, lambda x: x.council_id == council_id, _("Dieser Fachbeirat ist nicht verknüpft."))


def project_from_proposal(actor, proposal: Proposal, department: str = "Stabsstelle Digitalisierung und Smart City"
                          ) -> Project:
    """Turn an accepted proposal into a planned project linked both ways. A proposal from a private
    council becomes an internal project, so its origin is not shown to outsiders. Conflict when the
    proposal is not accepted or already has a project."""
    _require_manager(actor)
    if proposal is None or not can_view_proposal(actor, proposal):
        raise NotFound(_("Diesen Vorschlag gibt es nicht."))
    if proposal.status not in CONVERTIBLE_PROPOSAL_STATUSES:
        raise Conflict(_("Nur angenommene Vorschläge können zum Projekt werden."), "not_accepted")
    if db.session.scalar(select(ProjectProposal.id).where(ProjectProposal.proposal_id == proposal.id)) is not None:
        raise Conflict(_("Aus diesem Vorschlag ist schon ein Projekt entstanden."), "already_project")
    private_origin = proposal.council is not None and proposal.council.is_private
    project = create_project(
        actor, title=proposal.title[:200], description=proposal.body, department=department, status="planned",
        visibility="internal" if private_origin else "public", spent_eur=0)
    project.origin_proposal_id = proposal.id
    link_proposal(actor, project, proposal)
    return project


def search_filter(stmt: Select, q: str | None) -> Select:
    """Case-insensitive substring search over title and department."""
    if not q:
        return stmt
    pattern = f"%{q.strip()[:100]}%"
    return stmt.where(or_(Project.title.ilike(pattern), Project.department.ilike(pattern)))
