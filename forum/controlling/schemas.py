"""The JSON shape of a smart-city project (API)."""
from __future__ import annotations

from ..database import iso
from ..text import render_markdown
from .projects import origins as load_origins


def project(project, user, score=None, catalogue=None, origins=None) -> dict:
    """A project as the API shows it. Linked proposals and councils are filtered for `user`, so a
    private council a project came from stays invisible to outsiders. `score` is a SubjectScore
    of the current catalogue version (or None when nobody has evaluated the project yet).
    `origins` is (proposals, councils) from `controlling.projects.origins` when serialising a list."""
    proposals, councils = origins or load_origins([project.id], user)

    return {
        "id": project.id,
        "title": project.title,
        "description_html": str(render_markdown(project.description)),
        "department": project.department,
        "status": project.status,
        "partners": [{"name": p.name, "kind": p.kind} for p in project.partners],
        "budget_eur": project.budget_eur,
        "spent_eur": project.spent_eur,
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "end_date": project.end_date.isoformat() if project.end_date else None,
        "milestones": [{"id": m.id, "title": m.title, "due_date": m.due_date.isoformat(),
                        "done_on": m.done_on.isoformat() if m.done_on else None} for m in project.milestones],
        "proposals": [{"id": p.id, "title": p.title, "status": p.status} for p in proposals[project.id]],
        "councils": [{"slug": c.slug, "name": c.name} for c in councils[project.id]],
        "score": None if score is None or not score.count else {
            "value": round(score.mean, 1), "evaluations": score.count, "spread": round(score.std_dev, 1),
            "criteria_version": catalogue.version if catalogue else None},
        "updated_at": iso(project.updated_at),
    }
