"""Pages for the criteria catalogue, evaluators, scoring a project or proposal, and the ranking."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import User
from ..audit import audit
from ..councils.models import Council, Membership
from ..extensions import db
from ..handlers import ButtonForm, allow, anyone, attempt, button_pressed
from ..permissions import can_appoint_evaluators, can_maintain_criteria, can_score, can_view_scores
from ..proposals.routes import load_visible as load_proposal
from . import scoring
from .forms import CatalogueForm, EvaluatorForm, evaluation_form
from .models import BOARD_SLUG, Project
from .routes import bp, load_project
from .scoring_models import Evaluator

BLANK_ROWS = 2


@bp.get("/criteria")
@allow(anyone)
def criteria():
    """The catalogue anyone may read: the current version and the history of versions."""
    version = request.args.get("version", type=int)
    catalogues = scoring.all_catalogues()
    shown = scoring.catalogue_by_version(version) if version else (catalogues[0] if catalogues else None)
    if version and shown is None:
        abort(404)
    return render_template("controlling/criteria.html", catalogue=shown, catalogues=catalogues,
                           can_edit=can_maintain_criteria(current_user))


@bp.route("/criteria/edit", methods=["GET", "POST"])
@allow(can_maintain_criteria)
def edit_criteria():
    """Change criteria or weights: publishing makes a new version; old scores keep theirs."""
    current = scoring.current_catalogue()
    form = CatalogueForm()
    if request.method == "GET":
        rows = [{"name": c.name, "description": c.description, "weight": c.weight, "scale_min": c.scale_min,
                 "scale_max": c.scale_max, "inverted": c.inverted} for c in (current.criteria if current else [])]
        rows += [{"scale_min": 1, "scale_max": 5}] * BLANK_ROWS
        form = CatalogueForm(data={"criteria": rows})
    elif form.validate_on_submit():
        specs, row_errors = [], False
        for row in form.criteria:
            data = row.form
            if data.remove.data or not (data.name.data or "").strip():
                continue
            if data.weight.data is None:
                data.weight.errors = list(data.weight.errors) + [_("Bitte gib ein Gewicht an.")]
                row_errors = True
                continue
            specs.append(scoring.CriterionSpec(
                name=data.name.data, weight=data.weight.data, description=data.description.data or "",
                scale_min=data.scale_min.data if data.scale_min.data is not None else 1,
                scale_max=data.scale_max.data if data.scale_max.data is not None else 5,
                inverted=bool(data.inverted.data)))
        if not row_errors:
            published = attempt(lambda: scoring.publish_catalogue(current_user, specs, form.note.data or ""), form=form)
            if published:
                flash(_("Version %(v)s des Kriterienkatalogs ist veröffentlicht.", v=published.value.version),
                      "success")
                return redirect(url_for("controlling.criteria"))
        else:
            form.form_errors.append(_("Bitte gib jedem Kriterium ein Gewicht."))
    failed = request.method == "POST"
    return render_template("controlling/criteria_form.html", form=form, current=current), (422 if failed else 200)


def load_subject(kind: str, subject_id: int):
    """The project or proposal if the current user may see it, else a 404."""
    if kind == "project":
        return load_project(subject_id)
    if kind == "proposal":
        return load_proposal(subject_id)
    abort(404)


def _score_rows_by_evaluator(subject, catalogue):
    grouped: dict[int, dict] = {}
    for score in scoring.subject_scores_detail(subject, catalogue):
        entry = grouped.setdefault(score.evaluator_id, {"evaluator": score.evaluator, "scores": []})
        entry["scores"].append(score)
    return list(grouped.values())


@bp.route("/evaluate/<kind>/<int:subject_id>", methods=["GET", "POST"])
@allow(can_view_scores, load=load_subject)
def evaluate(subject):
    """Score a project or proposal against the current catalogue, and see the others' scores."""
    kind = "project" if isinstance(subject, Project) else "proposal"
    catalogue = scoring.current_catalogue()
    allowed = can_score(current_user, subject)
    form = None
    status = 200
    if catalogue is not None and allowed:
        previous = {s.criterion_id: s for s in scoring.subject_scores_detail(subject, catalogue)
                    if s.evaluator_id == current_user.id}
        data = {}
        for cid, s in previous.items():
            data[f"value_{cid}"] = str(s.value) if s.criterion.scale_max - s.criterion.scale_min <= 10 else s.value
            data[f"why_{cid}"] = s.justification
        form = evaluation_form(catalogue, data=None if request.method == "POST" else data)
        if request.method == "POST":
            if form.validate_on_submit():
                entries = {c.id: (int(form[f"value_{c.id}"].data), form[f"why_{c.id}"].data)
                           for c in catalogue.criteria}
                saved = attempt(lambda: scoring.submit_evaluation(current_user, subject, entries), form=form)
                if saved:
                    flash(_("Deine Bewertung ist gespeichert: %(score)s von 100 Punkten.",
                            score=f"{saved.value:.1f}".replace(".", ",")), "success")
                    return redirect(url_for("controlling.evaluate", kind=kind, subject_id=subject.id))
            status = 422
    elif request.method == "POST":
        abort(403)
    summary = scoring.subject_score(subject, catalogue) if catalogue else None
    return render_template("controlling/evaluate.html", kind=kind, subject=subject, catalogue=catalogue, form=form,
                           summary=summary, can_score=allowed, weighted=dict(summary.evaluations) if summary else {},
                           by_evaluator=_score_rows_by_evaluator(subject, catalogue) if catalogue else []), status


@bp.get("/controlling/ranking")
@allow(can_view_scores)
def ranking():
    """Projects and proposals by weighted score for one catalogue version (default: current)."""
    catalogues = scoring.all_catalogues()
    version = request.args.get("version", type=int)
    catalogue = scoring.catalogue_by_version(version) if version else (catalogues[0] if catalogues else None)
    if version and catalogue is None:
        abort(404)
    projects, proposals, evaluations = scoring.rankings(catalogue, current_user) if catalogue else ([], [], 0)
    return render_template("controlling/ranking.html", catalogue=catalogue, catalogues=catalogues,
                           projects=projects, proposals=proposals, evaluations=evaluations)


def _implicit_evaluators() -> list[tuple[User, str]]:
    """Council moderators and Smart-City-Board members, who are evaluators without appointment."""
    rows = db.session.execute(
        select(User, Council.name, Council.slug, Membership.role).join(Membership, Membership.user_id == User.id)
        .join(Council, Council.id == Membership.council_id)
        .where((Membership.role == "moderator") | (Council.slug == BOARD_SLUG)).order_by(User.name, Council.name))
    found: dict[int, tuple[User, list[str]]] = {}
    for user, council_name, slug, role in rows:
        reason = _("Smart-City-Board") if slug == BOARD_SLUG else _("Moderation: %(c)s", c=council_name)
        found.setdefault(user.id, (user, []))[1].append(reason)
    return [(user, ", ".join(reasons)) for user, reasons in found.values()]


@bp.route("/controlling/evaluators", methods=["GET", "POST"])
@allow(can_appoint_evaluators)
def evaluators():
    """Appoint evaluators (chair, managing director); lists appointed and implicit ones."""
    form = EvaluatorForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user is None:
            form.email.errors = list(form.email.errors) + [_("Unter dieser Adresse ist niemand registriert.")]
        elif db.session.scalar(select(Evaluator.id).where(Evaluator.user_id == user.id)) is not None:
            form.email.errors = list(form.email.errors) + [_("Diese Person ist schon benannt.")]
        else:
            db.session.add(Evaluator(user_id=user.id, appointed_by_id=current_user.id))
            audit(current_user, "evaluator.appoint", user)
            db.session.commit()
            flash(_("%(name)s ist jetzt als Bewerter*in benannt.", name=user.name), "success")
            return redirect(url_for("controlling.evaluators"))
    appointed = db.session.scalars(select(Evaluator).join(User, User.id == Evaluator.user_id).order_by(User.name)).all()
    return render_template("controlling/evaluators.html", form=form, appointed=appointed,
                           implicit=_implicit_evaluators(), action_form=ButtonForm()), (422 if form.errors else 200)


@bp.post("/controlling/evaluators/<int:evaluator_id>/remove")
@allow(can_appoint_evaluators)
def remove_evaluator(evaluator_id: int):
    evaluator = db.get_or_404(Evaluator, evaluator_id)
    if button_pressed():
        audit(current_user, "evaluator.remove", ("user", evaluator.user_id))
        db.session.delete(evaluator)
        db.session.commit()
        flash(_("Die Benennung ist aufgehoben. Abgegebene Bewertungen bleiben erhalten."), "success")
    return redirect(url_for("controlling.evaluators"))
