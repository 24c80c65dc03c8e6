"""API: the public smart-city project portfolio (read-only; internal projects are not served)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..controlling import projects as svc
from ..controlling import scoring
from ..controlling.models import PROJECT_STATUSES, Project
from ..controlling.schemas import project as serialize_project
from ..errors import BadRequest, NotFound
from ..extensions import db
from ..handlers import allow, anyone
from ..pagination import paginate
from ..permissions import can_view_project
from ..apidoc import OPTIONAL_AUTH, PAGING, json_response, page_of, path_param, query, ref
from . import bp


@bp.get("/projects")
@allow(anyone)
def list_projects():
    """Public projects by id; filters `status` and `department`."""
    stmt = svc.public_projects()
    status = request.args.get("status")
    if status:
        if status not in PROJECT_STATUSES:
            raise BadRequest(_("Unbekannter Status."), "invalid_status")
        stmt = stmt.where(Project.status == status)
    department = request.args.get("department")
    if department:
        stmt = stmt.where(Project.department == department[:200])
    page = paginate(stmt, lambda p: p)
    catalogue = scoring.current_catalogue()
    scores = scoring.project_scores([p.id for p in page["items"]], catalogue) if catalogue else {}
    origins = svc.origins([p.id for p in page["items"]], current_user)
    page["items"] = [serialize_project(p, current_user, scores.get(p.id), catalogue, origins) for p in page["items"]]
    return jsonify(page)


def _public_project(project_id: int) -> Project:
    """The API serves public projects only, to everyone alike: anything else is a 404."""
    project = db.session.get(Project, project_id)
    if project is None or not project.is_public or not can_view_project(None, project):
        raise NotFound(_("Dieses Projekt gibt es nicht."))
    return project


@bp.get("/projects/<int:project_id>")
@allow(anyone, load=_public_project)
def get_project(project: Project):
    catalogue = scoring.current_catalogue()
    score = scoring.subject_score(project, catalogue) if catalogue else None
    return jsonify(serialize_project(project, current_user, score if score and score.count else None, catalogue))


SCHEMAS = {"Project": {"type": "object", "required": ["id", "title", "status", "department", "partners", "proposals",
                                                      "score"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "description_html": {"type": "string"},
    "department": {"type": "string"}, "status": {"type": "string", "enum": list(PROJECT_STATUSES)},
    "partners": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "kind": {"type": "string"}}}},
    "budget_eur": {"type": "integer", "nullable": True}, "spent_eur": {"type": "integer"},
    "start_date": {"type": "string", "format": "date", "nullable": True},
    "end_date": {"type": "string", "format": "date", "nullable": True},
    "milestones": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "due_date": {"type": "string", "format": "date"},
        "done_on": {"type": "string", "format": "date", "nullable": True}}}},
    "proposals": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "status": {"type": "string"}}}},
    "councils": {"type": "array", "items": {"type": "object", "properties": {
        "slug": {"type": "string"}, "name": {"type": "string"}}}},
    "score": {"type": "object", "nullable": True, "properties": {
        "value": {"type": "number", "description": "mean weighted score of the evaluators, 0–100"},
        "evaluations": {"type": "integer"}, "spread": {"type": "number", "description": "standard deviation"},
        "criteria_version": {"type": "integer"}}},
    "updated_at": {"type": "string", "format": "date-time"}}}}
PATHS = {
    "/projects": {"get": {
        "summary": "Public smart-city projects", "security": OPTIONAL_AUTH,
        "parameters": [*PAGING, query("status", {"type": "string", "enum": list(PROJECT_STATUSES)}, code="invalid_status"),
                       query("department", {"type": "string", "maxLength": 200})],
        "responses": {"200": page_of(ref("Project"), "A page of projects")},
    }},
    "/projects/{project_id}": {"get": {
        "summary": "One public project", "security": OPTIONAL_AUTH, "parameters": [path_param("project_id")],
        "responses": {"200": json_response(ref("Project"), "The project")},
    }},
}

