"""Pages of the project portfolio: list, detail, create/edit, partners, milestones, origins.

The blueprint also carries the scoring, dashboard, cooperation and open-data pages, each in its
own module (imported at the end).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..councils.models import Council
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..permissions import can_manage_projects, can_score, can_view_proposal, can_view_scores
from ..proposals.models import Proposal
from ..text import render_markdown
from . import projects as svc
from . import scoring
from .forms import ActionForm, LinkCouncilForm, LinkProposalForm, MilestoneForm, PartnerForm, ProjectForm
from .models import PROJECT_STATUSES

bp = Blueprint("controlling", __name__)


@bp.app_template_global()
def controlling_projects_for(proposal):
    """The projects made from `proposal` that the current user may see (for the proposal page)."""
    return svc.projects_for_proposal(proposal, current_user)


@bp.app_template_global()
def controlling_can_convert(proposal) -> bool:
    return can_manage_projects(current_user) and proposal.status in svc.CONVERTIBLE_PROPOSAL_STATUSES


@bp.app_template_filter("points")
def points_filter(value) -> str:
    """A 0–100 score with one decimal, German style: 72,5."""
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


@bp.app_template_filter("euro")
def euro_filter(value) -> str:
    from .charts import euro

    return "–" if value is None else euro(value)


@bp.app_context_processor
def _labels():
    from .cooperation import STATUS_LABELS as REQUEST_STATUS_LABELS
    from .cooperation import TOPIC_LABELS

    return {"project_status_labels": svc.STATUS_LABELS, "project_visibility_labels": svc.VISIBILITY_LABELS,
            "partner_labels": svc.PARTNER_LABELS, "request_status_labels": REQUEST_STATUS_LABELS,
            "request_topic_labels": TOPIC_LABELS}


def load_project(project_id: int):
    """The project if the current user may see it, else a 404."""
    try:
        return svc.get_visible_project(project_id, current_user)
    except DomainError:
        abort(404)


def require_manager() -> None:
    if not can_manage_projects(current_user):
        abort(403)


@bp.get("/projects")
def index():
    """The portfolio, filterable by status, department and a search term."""
    status = request.args.get("status") if request.args.get("status") in PROJECT_STATUSES else None
    department = (request.args.get("department") or "").strip()[:200] or None
    q = (request.args.get("q") or "").strip()[:100]
    stmt = svc.search_filter(svc.visible_projects(current_user, status=status, department=department), q)
    rows = db.session.scalars(stmt.limit(500)).all()
    scores = scoring.project_scores([p.id for p in rows])
    return render_template("controlling/projects.html", projects=rows, scores=scores,
                           departments=svc.departments(current_user), status=status, department=department, q=q)


def _council_choices():
    return [(c.id, c.name) for c in db.session.scalars(select(Council).order_by(Council.name))]


def render_detail(project, status: int = 200, **forms):
    """The project page; managers also get the forms for partners, milestones and origins."""
    summary = scoring.subject_score(project)
    context = {"project": project, "description_html": render_markdown(project.description),
               "proposals": svc.linked_proposals(project, current_user),
               "score": summary, "catalogue": scoring.current_catalogue(), "today": utcnow().date(),
               "can_manage": can_manage_projects(current_user), "can_score": can_score(current_user, project),
               "can_view_scores": can_view_scores(current_user)}
    if context["can_manage"]:
        context["councils"], every_council = svc.councils_with_links(project, current_user)
        link_council = forms.get("council_form") or LinkCouncilForm()
        link_council.council_id.choices = [(c.id, c.name) for c in every_council]
        context.update(partner_form=forms.get("partner_form") or PartnerForm(),
                       milestone_form=forms.get("milestone_form") or MilestoneForm(),
                       proposal_form=forms.get("proposal_form") or LinkProposalForm(),
                       council_form=link_council, action_form=ActionForm())
    else:
        context["councils"] = svc.linked_councils(project, current_user)
    return render_template("controlling/project.html", **context), status


@bp.get("/projects/<int:project_id>")
def detail(project_id: int):
    return render_detail(load_project(project_id))


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def create():
    require_manager()
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = svc.create_project(current_user, **form.values())
        except DomainError as err:
            db.session.rollback()
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Das Projekt „%(title)s“ ist angelegt.", title=project.title), "success")
            return redirect(url_for("controlling.detail", project_id=project.id))
    return render_template("controlling/project_form.html", form=form, project=None,
                           departments=svc.departments(current_user)), (422 if form.errors or form.form_errors else 200)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = load_project(project_id)
    require_manager()
    form = ProjectForm(obj=project)
    if form.validate_on_submit():
        try:
            svc.update_project(current_user, project, **form.values())
        except DomainError as err:
            db.session.rollback()
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Änderungen gespeichert."), "success")
            return redirect(url_for("controlling.detail", project_id=project.id))
    return render_template("controlling/project_form.html", form=form, project=project,
                           departments=svc.departments(current_user)), (422 if form.errors or form.form_errors else 200)


def _act(project, action, message: str):
    """Run a small change on `project`; commit and flash, or flash the rule that said no."""
    try:
        action()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("controlling.detail", project_id=project.id))


@bp.post("/projects/<int:project_id>/partners")
@login_required
def add_partner(project_id: int):
    project = load_project(project_id)
    require_manager()
    form = PartnerForm()
    if not form.validate_on_submit():
        return render_detail(project, 422, partner_form=form)
    return _act(project, lambda: svc.add_partner(current_user, project, form.name.data, form.kind.data),
                _("Partner hinzugefügt."))


@bp.post("/projects/<int:project_id>/partners/<int:partner_id>/delete")
@login_required
def remove_partner(project_id: int, partner_id: int):
    project = load_project(project_id)
    require_manager()
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(project, lambda: svc.remove_partner(current_user, project, partner_id), _("Partner entfernt."))


@bp.post("/projects/<int:project_id>/milestones")
@login_required
def add_milestone(project_id: int):
    project = load_project(project_id)
    require_manager()
    form = MilestoneForm()
    if not form.validate_on_submit():
        return render_detail(project, 422, milestone_form=form)
    return _act(project, lambda: svc.add_milestone(current_user, project, form.title.data, form.due_date.data),
                _("Meilenstein hinzugefügt."))


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/toggle")
@login_required
def toggle_milestone(project_id: int, milestone_id: int):
    project = load_project(project_id)
    require_manager()
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(project, lambda: svc.complete_milestone(current_user, project, milestone_id, utcnow().date()),
                _("Meilenstein aktualisiert."))


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/delete")
@login_required
def remove_milestone(project_id: int, milestone_id: int):
    project = load_project(project_id)
    require_manager()
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(project, lambda: svc.remove_milestone(current_user, project, milestone_id), _("Meilenstein entfernt."))


@bp.post("/projects/<int:project_id>/proposals")
@login_required
def link_proposal(project_id: int):
    project = load_project(project_id)
    require_manager()
    form = LinkProposalForm()
    if not form.validate_on_submit():
        return render_detail(project, 422, proposal_form=form)
    proposal = db.session.get(Proposal, form.proposal_id.data)
    return _act(project, lambda: svc.link_proposal(current_user, project, proposal), _("Vorschlag verknüpft."))


@bp.post("/projects/<int:project_id>/proposals/<int:proposal_id>/delete")
@login_required
def unlink_proposal(project_id: int, proposal_id: int):
    project = load_project(project_id)
    require_manager()
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(project, lambda: svc.unlink_proposal(current_user, project, proposal_id),
                _("Verknüpfung entfernt."))


@bp.post("/projects/<int:project_id>/councils")
@login_required
def link_council(project_id: int):
    project = load_project(project_id)
    require_manager()
    form = LinkCouncilForm()
    form.council_id.choices = _council_choices()
    if not form.validate_on_submit():
        return render_detail(project, 422, council_form=form)
    council = db.session.get(Council, form.council_id.data)
    return _act(project, lambda: svc.link_council(current_user, project, council), _("Fachbeirat verknüpft."))


@bp.post("/projects/<int:project_id>/councils/<int:council_id>/delete")
@login_required
def unlink_council(project_id: int, council_id: int):
    project = load_project(project_id)
    require_manager()
    if not ActionForm().validate_on_submit():
        abort(400)
    return _act(project, lambda: svc.unlink_council(current_user, project, council_id), _("Verknüpfung entfernt."))


@bp.post("/projects/from-proposal/<int:proposal_id>")
@login_required
def from_proposal(proposal_id: int):
    """Turn an accepted proposal into a project with one action (chair, managing director)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_view_proposal(current_user, proposal):
        abort(404)
    require_manager()
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        project = svc.project_from_proposal(current_user, proposal)
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        existing = svc.projects_for_proposal(proposal, current_user)
        if existing:
            return redirect(url_for("controlling.detail", project_id=existing[0].id))
        return redirect(f"/proposals/{proposal.id}")
    db.session.commit()
    flash(_("Aus dem Vorschlag ist das Projekt „%(title)s“ entstanden. Bitte ergänze die Angaben.",
            title=project.title), "success")
    return redirect(url_for("controlling.edit", project_id=project.id))


from . import routes_cooperation, routes_dashboard, routes_open_data, routes_scoring  # noqa: E402,F401
