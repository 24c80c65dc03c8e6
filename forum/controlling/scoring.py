"""Scoring against the criteria catalogue: versions, evaluations, weighted scores, spread, ranking.

The weighted score of one evaluation is Σ(weight × value normalised to its scale) / Σ weights,
shown on 0–100. A subject's score is the mean of its evaluators' weighted scores for one catalogue
version; the spread is their population standard deviation (and max − min). Services flush, never
commit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..audit import audit
from ..councils.visibility import council_column_visible
from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..permissions import can_maintain_criteria, can_score
from ..permissions.viewer import reading_page_request
from ..proposals.models import Proposal
from ..validators import single_line
from .models import Project
from .projects import visible_project_filter
from .scoring_models import CriteriaCatalogue, Criterion, Score

MAX_CRITERIA = 20


@dataclass(frozen=True)
class CriterionSpec:
    """What the chair enters for one criterion of a new catalogue version."""

    name: str
    weight: int
    scale_min: int = 1
    scale_max: int = 5
    description: str = ""
    inverted: bool = False


@dataclass
class SubjectScore:
    """The scores of one subject for one catalogue version."""

    subject: object
    evaluations: list[tuple[int, float]] = field(default_factory=list)  # (evaluator id, weighted score)

    @property
    def count(self) -> int:
        return len(self.evaluations)

    @property
    def mean(self) -> float | None:
        if not self.evaluations:
            return None
        return sum(v for _, v in self.evaluations) / len(self.evaluations)

    @property
    def std_dev(self) -> float | None:
        """Population standard deviation of the evaluators' weighted scores (0 for one evaluator)."""
        mean = self.mean
        if mean is None:
            return None
        return math.sqrt(sum((v - mean) ** 2 for _, v in self.evaluations) / len(self.evaluations))

    @property
    def range(self) -> float | None:
        if not self.evaluations:
            return None
        values = [v for _, v in self.evaluations]
        return max(values) - min(values)


def weighted_score(criteria, values: dict[int, int]) -> float:
    """Σ(weight × normalised value) / Σ weights × 100 over `criteria`; every criterion needs a value."""
    total_weight = sum(c.weight for c in criteria)
    if total_weight == 0:
        raise Invalid(_("Der Kriterienkatalog hat kein Gewicht."), "empty_catalogue")
    return 100.0 * sum(c.weight * c.normalise(values[c.id]) for c in criteria) / total_weight


# --- the catalogue ------------------------------------------------------------------------------

def current_catalogue() -> CriteriaCatalogue | None:
    """The newest catalogue version with its criteria, or None before the first one is published.
    A page request reads it once (pages ask from the route and again from their blocks)."""
    if reading_page_request() and "_forum_catalogue" in g:
        return g._forum_catalogue
    catalogue = db.session.scalars(select(CriteriaCatalogue).options(joinedload(CriteriaCatalogue.criteria))
                                   .order_by(CriteriaCatalogue.version.desc()).limit(1)).unique().first()
    if reading_page_request():
        g._forum_catalogue = catalogue
    return catalogue


def catalogue_by_version(version: int) -> CriteriaCatalogue | None:
    return db.session.scalar(select(CriteriaCatalogue).where(CriteriaCatalogue.version == version))


def all_catalogues() -> list[CriteriaCatalogue]:
    return list(db.session.scalars(select(CriteriaCatalogue).options(joinedload(CriteriaCatalogue.criteria))
                                   .order_by(CriteriaCatalogue.version.desc())).unique())


def _spec_of(criterion: Criterion) -> CriterionSpec:
    return CriterionSpec(name=criterion.name, weight=criterion.weight, scale_min=criterion.scale_min,
                         scale_max=criterion.scale_max, description=criterion.description,
                         inverted=criterion.inverted)


def _check_specs(specs: list[CriterionSpec]) -> None:
    if not specs:
        raise Invalid(_("Ein Katalog braucht mindestens ein Kriterium."), "no_criteria")
    if len(specs) > MAX_CRITERIA:
        raise Invalid(_("Höchstens %(max)s Kriterien.", max=MAX_CRITERIA), "too_many_criteria")
    for s in specs:
        single_line(s.name, _("Der Name eines Kriteriums"))
        single_line(s.description, _("Die Beschreibung eines Kriteriums"))
    names = [s.name.strip().casefold() for s in specs]
    if any(not n for n in names):
        raise Invalid(_("Jedes Kriterium braucht einen Namen."), "missing_name")
    if len(set(names)) != len(names):
        raise Invalid(_("Jeder Kriterienname darf nur einmal vorkommen."), "duplicate_criterion")
    for s in specs:
        if len(s.name.strip()) > 120 or len(s.description) > 500:
            raise Invalid(_("Name oder Beschreibung eines Kriteriums ist zu lang."), "too_long")
        if not 1 <= s.weight <= 100:
            raise Invalid(_("Das Gewicht von „%(name)s“ muss zwischen 1 und 100 liegen.", name=s.name), "invalid_weight")
        if not 0 <= s.scale_min < s.scale_max <= 100:
            raise Invalid(_("Die Skala von „%(name)s“ ist ungültig (0 ≤ von < bis ≤ 100).", name=s.name),
                          "invalid_scale")


def publish_catalogue(actor, specs: list[CriterionSpec], note: str = "") -> CriteriaCatalogue:
    """Create the next catalogue version from `specs` (in order). Raises NotAllowed for anyone but
    the chair or managing director, Invalid for bad criteria, Conflict when nothing changed."""
    if not can_maintain_criteria(actor):
        raise NotAllowed(_("Nur Vorsitz und Geschäftsführung pflegen den Kriterienkatalog."))
    single_line(note, _("Die Anmerkung"))
    specs = [CriterionSpec(name=s.name.strip(), weight=s.weight, scale_min=s.scale_min, scale_max=s.scale_max,
                           description=s.description.strip(), inverted=s.inverted) for s in specs]
    _check_specs(specs)
    current = current_catalogue()
    if current is not None and [_spec_of(c) for c in current.criteria] == specs:
        raise Conflict(_("Der Katalog ist unverändert; es wurde keine neue Version angelegt."), "unchanged")
    catalogue = CriteriaCatalogue(version=(current.version + 1) if current else 1, note=note.strip()[:500],
                                  created_by_id=actor.id)
    catalogue.criteria = [
        Criterion(position=i, name=s.name, description=s.description, weight=s.weight, scale_min=s.scale_min,
                  scale_max=s.scale_max, inverted=s.inverted)
        for i, s in enumerate(specs, start=1)
    ]
    db.session.add(catalogue)
    db.session.flush()
    if has_request_context():
        g.pop("_forum_catalogue", None)  # the memo of current_catalogue() is out of date now
    audit(actor, "criteria.publish", ("criteria_catalogue", catalogue.id), catalogue.note or None,
          version=catalogue.version)
    return catalogue


# --- evaluations --------------------------------------------------------------------------------

def _subject_column(subject):
    return (Score.project_id, subject.id) if isinstance(subject, Project) else (Score.proposal_id, subject.id)


def submit_evaluation(actor, subject, entries: dict[int, tuple[int, str]]) -> float:
    """Score every criterion of the current catalogue for `subject` (a Project or Proposal) with a
    value and a justification; replaces the actor's earlier scores for that version. Returns the
    actor's weighted score. NotAllowed unless `can_score`; Invalid for a missing criterion, a value
    off the scale or an empty justification; Conflict when there is no catalogue yet."""
    if not can_score(actor, subject):
        raise NotAllowed(_("Du bist nicht als Bewerter*in für diesen Eintrag benannt."))
    catalogue = current_catalogue()
    if catalogue is None:
        raise Conflict(_("Es gibt noch keinen Kriterienkatalog."), "no_catalogue")
    values: dict[int, int] = {}
    for criterion in catalogue.criteria:
        if criterion.id not in entries:
            raise Invalid(_("Bitte bewerte „%(name)s“.", name=criterion.name), "missing_score")
        value, justification = entries[criterion.id]
        if isinstance(value, bool) or not isinstance(value, int) or not criterion.scale_min <= value <= criterion.scale_max:
            raise Invalid(_("„%(name)s“: Der Wert muss zwischen %(min)s und %(max)s liegen.", name=criterion.name,
                            min=criterion.scale_min, max=criterion.scale_max), "value_off_scale")
        justification = (justification or "").strip()
        if not justification:
            raise Invalid(_("„%(name)s“: Bitte begründe deine Bewertung.", name=criterion.name), "missing_justification")
        if len(justification) > 2000:
            raise Invalid(_("„%(name)s“: Die Begründung ist zu lang.", name=criterion.name), "too_long")
        values[criterion.id] = value
        entries[criterion.id] = (value, justification)
    column, subject_id = _subject_column(subject)
    existing = {s.criterion_id: s for s in db.session.scalars(
        select(Score).where(Score.evaluator_id == actor.id, Score.catalogue_id == catalogue.id, column == subject_id))}
    for criterion in catalogue.criteria:
        value, justification = entries[criterion.id]
        score = existing.get(criterion.id)
        if score is None:
            score = Score(evaluator_id=actor.id, catalogue_id=catalogue.id, criterion_id=criterion.id)
            if isinstance(subject, Project):
                score.project_id = subject.id
            else:
                score.proposal_id = subject.id
            db.session.add(score)
        score.value, score.justification = value, justification
    db.session.flush()
    return weighted_score(catalogue.criteria, values)


def _evaluations(catalogue: CriteriaCatalogue, column, subject_ids=None) -> dict[int, list[tuple[int, float]]]:
    """{subject id: [(evaluator id, weighted score)]} for complete evaluations in `catalogue`."""
    stmt = select(column, Score.evaluator_id, Score.criterion_id, Score.value).where(
        Score.catalogue_id == catalogue.id, column.is_not(None))
    if subject_ids is not None:
        stmt = stmt.where(column.in_(subject_ids))
    return _complete(catalogue, db.session.execute(stmt))


def _complete(catalogue: CriteriaCatalogue, rows) -> dict[int, list[tuple[int, float]]]:
    """{subject id: [(evaluator id, weighted score)]} of the complete evaluations among (subject id,
    evaluator id, criterion id, value) rows."""
    criteria = {c.id: c for c in catalogue.criteria}
    collected: dict[tuple[int, int], dict[int, int]] = {}
    for subject_id, evaluator_id, criterion_id, value in rows:
        collected.setdefault((subject_id, evaluator_id), {})[criterion_id] = value
    result: dict[int, list[tuple[int, float]]] = {}
    for (subject_id, evaluator_id), values in sorted(collected.items()):
        if set(values) == set(criteria):
            result.setdefault(subject_id, []).append((evaluator_id, weighted_score(criteria.values(), values)))
    return result


def project_scores(project_ids, catalogue: CriteriaCatalogue | None = None) -> dict[int, SubjectScore]:
    """Scores of the given projects for `catalogue` (default: the current one), in one query."""
    catalogue = catalogue or current_catalogue()
    if catalogue is None:
        return {}
    found = _evaluations(catalogue, Score.project_id, list(project_ids))
    return {pid: SubjectScore(subject=pid, evaluations=evals) for pid, evals in found.items()}


def subject_score(subject, catalogue: CriteriaCatalogue | None = None) -> SubjectScore:
    catalogue = catalogue or current_catalogue()
    if catalogue is None:
        return SubjectScore(subject=subject)
    column, subject_id = _subject_column(subject)
    found = _evaluations(catalogue, column, [subject_id])
    return SubjectScore(subject=subject, evaluations=found.get(subject_id, []))


def subject_scores_detail(subject, catalogue: CriteriaCatalogue) -> list[Score]:
    """Every score row of `subject` in `catalogue`, by evaluator then criterion position."""
    column, subject_id = _subject_column(subject)
    return list(db.session.scalars(
        select(Score).join(Criterion, Criterion.id == Score.criterion_id)
        .where(Score.catalogue_id == catalogue.id, column == subject_id)
        .order_by(Score.evaluator_id, Criterion.position)))


def rankings(catalogue: CriteriaCatalogue, user) -> tuple[list[SubjectScore], list[SubjectScore], int]:
    """The ranking page in at most three queries: (projects, proposals — as `ranking` —, how many
    evaluator × subject score sets exist, complete or not) from one read of the catalogue's scores."""
    rows = db.session.execute(select(Score.project_id, Score.proposal_id, Score.evaluator_id, Score.criterion_id,
                                     Score.value).where(Score.catalogue_id == catalogue.id)).all()
    sets = {(r.evaluator_id, r.project_id, r.proposal_id) for r in rows}
    found = {kind: _complete(catalogue, [(r[index], *r[2:]) for r in rows if r[index] is not None])
             for index, kind in enumerate(("project", "proposal"))}
    return ranking("project", catalogue, user, found["project"]), ranking("proposal", catalogue, user,
                                                                           found["proposal"]), len(sets)


def ranking(kind: str, catalogue: CriteriaCatalogue, user, found=None) -> list[SubjectScore]:
    """Projects (`kind` "project") or proposals ("proposal") that `user` may see and that have at
    least one complete evaluation in `catalogue`, best mean score first."""
    if found is None:
        found = _evaluations(catalogue, Score.project_id if kind == "project" else Score.proposal_id)
    if not found:
        return []
    if kind == "project":
        stmt = select(Project).where(Project.id.in_(list(found)), visible_project_filter(user))
    else:
        stmt = select(Proposal).where(Proposal.id.in_(list(found)),
                                      Proposal.status.not_in(("draft", "withdrawn")),
                                      council_column_visible(Proposal.council_id, user))
    subjects = db.session.scalars(stmt).all()
    rows = [SubjectScore(subject=s, evaluations=found[s.id]) for s in subjects]
    rows.sort(key=lambda r: (-r.mean, r.subject.title.casefold()))
    return rows


def evaluation_counts(catalogue: CriteriaCatalogue) -> int:
    """How many evaluator × subject score sets exist in `catalogue` (complete or not)."""
    project_sets = select(Score.evaluator_id, Score.project_id, Score.proposal_id).where(
        Score.catalogue_id == catalogue.id).distinct().subquery()
    return db.session.scalar(select(func.count()).select_from(project_sets)) or 0
