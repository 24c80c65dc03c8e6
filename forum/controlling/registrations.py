"""What controlling registers in the core registry (forum/registry.py): a person's cooperation
requests and evaluations, for their data export."""
from __future__ import annotations

from sqlalchemy import exists, select

from .. import registry
from ..database import iso
from ..extensions import db
from .cooperation import export_for
from ..permissions.viewer import register_column
from .scoring_models import Evaluator, Score


def scores(user) -> list[dict]:
    rows = db.session.scalars(select(Score).where(Score.evaluator_id == user.id).order_by(Score.id))
    return [{"project_id": s.project_id, "proposal_id": s.proposal_id, "criterion_id": s.criterion_id,
             "value": s.value, "justification": s.justification, "created_at": iso(s.created_at)}
            for s in rows]


def appointed_evaluator(user_id):
    """Whether the signed-in person is an appointed evaluator (forum/permissions/viewer.py)."""
    return exists().where(Evaluator.user_id == user_id)


def register() -> None:
    registry.register_export("cooperation_requests", export_for)
    register_column("evaluator", appointed_evaluator)
    registry.register_export("evaluations", scores)
