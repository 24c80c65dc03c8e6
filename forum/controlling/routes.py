"""Pages of the project portfolio: list, detail, create/edit, partners, milestones, origins.

The blueprint also carries the scoring, dashboard, cooperation and open-data pages, each in its
own module (imported at the end).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..councils.models import Council
from ..database import utcnow
from ..extensions import db
from ..handlers import ButtonForm, allow, anyone, attempt, button_pressed, form_page, press
from ..permissions import can_manage_projects, can_score, can_view_scores
from ..proposals.models import Proposal
from ..proposals.routes import load_visible as load_proposal
from ..text import render_markdown
from . import projects as svc
from . import scoring
from .forms import LinkCouncilForm, LinkProposalForm, MilestoneForm, PartnerForm, ProjectForm
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
    """The project if the current user may see it, else a 404 ("Dieses Projekt gibt es nicht.")."""
    return svc.get_visible_project(project_id, current_user)


@bp.get("/projects")
@allow(anyone)
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
                       council_form=link_council, action_form=ButtonForm())
    else:
        context["councils"] = svc.linked_councils(project, current_user)
    return render_template("controlling/project.html", **context), status


@bp.get("/projects/<int:project_id>")
@allow(anyone, load=load_project)
def detail(project):
    return render_detail(project)


def _form_page(form: ProjectForm, project):
    return form_page("controlling/project_form.html", form, project=project, departments=svc.departments(current_user))


@bp.route("/projects/new", methods=["GET", "POST"])
@allow(can_manage_projects)
def create():
    form = ProjectForm()
    if form.validate_on_submit():
        created = attempt(lambda: svc.create_project(current_user, **form.values()), form=form)
        if created:
            flash(_("Das Projekt „%(title)s“ ist angelegt.", title=created.value.title), "success")
            return _back(created.value)
    return _form_page(form, None)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@allow(can_manage_projects, load=load_project)
def edit(project):
    form = ProjectForm(obj=project)
    if form.validate_on_submit() and attempt(lambda: svc.update_project(current_user, project, **form.values()),
                                             _("Änderungen gespeichert."), form=form):
        return _back(project)
    return _form_page(form, project)


def _back(project):
    return redirect(url_for("controlling.detail", project_id=project.id))


def _submit(project, name: str, form, action, success: str):
    """One of the manager's forms on the project page (`name` as in render_detail): when it is sound,
    run `action` and back to the page (a rule that says no is flashed there); else the page with
    the form's errors (422)."""
    if not form.validate_on_submit():
        return render_detail(project, 422, **{name: form})
    attempt(action, success)
    return _back(project)


def _press(project, action, success: str):
    """A button on the project page (remove, toggle; handlers.press), then back to the page."""
    return press(action, success, _back(project))


@bp.post("/projects/<int:project_id>/partners")
@allow(can_manage_projects, load=load_project)
def add_partner(project):
    form = PartnerForm()
    return _submit(project, "partner_form", form,
                   lambda: svc.add_partner(current_user, project, form.name.data, form.kind.data),
                   _("Partner hinzugefügt."))


@bp.post("/projects/<int:project_id>/partners/<int:partner_id>/delete")
@allow(can_manage_projects, load=load_project)
def remove_partner(project, partner_id: int):
    return _press(project, lambda: svc.remove_partner(current_user, project, partner_id), _("Partner entfernt."))


@bp.post("/projects/<int:project_id>/milestones")
@allow(can_manage_projects, load=load_project)
def add_milestone(project):
    form = MilestoneForm()
    return _submit(project, "milestone_form", form,
                   lambda: svc.add_milestone(current_user, project, form.title.data, form.due_date.data),
                   _("Meilenstein hinzugefügt."))


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/toggle")
@allow(can_manage_projects, load=load_project)
def toggle_milestone(project, milestone_id: int):
    return _press(project, lambda: svc.complete_milestone(current_user, project, milestone_id, utcnow().date()),
                  _("Meilenstein aktualisiert."))


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/delete")
@allow(can_manage_projects, load=load_project)
def remove_milestone(project, milestone_id: int):
    return _press(project, lambda: svc.remove_milestone(current_user, project, milestone_id),
                  _("Meilenstein entfernt."))


@bp.post("/projects/<int:project_id>/proposals")
@allow(can_manage_projects, load=load_project)
def link_proposal(project):
    form = LinkProposalForm()
    return _submit(project, "proposal_form", form,
                   lambda: svc.link_proposal(current_user, project, db.session.get(Proposal, form.proposal_id.data)),
                   _("Vorschlag verknüpft."))


@bp.post("/projects/<int:project_id>/proposals/<int:proposal_id>/delete")
@allow(can_manage_projects, load=load_project)
def unlink_proposal(project, proposal_id: int):
    return _press(project, lambda: svc.unlink_proposal(current_user, project, proposal_id), _("Verknüpfung entfernt."))


@bp.post("/projects/<int:project_id>/councils")
@allow(can_manage_projects, load=load_project)
def link_council(project):
    form = LinkCouncilForm()
    form.council_id.choices = _council_choices()
    return _submit(project, "council_form", form,
                   lambda: svc.link_council(current_user, project, db.session.get(Council, form.council_id.data)),
                   _("Fachbeirat verknüpft."))


@bp.post("/projects/<int:project_id>/councils/<int:council_id>/delete")
@allow(can_manage_projects, load=load_project)
def unlink_council(project, council_id: int):
    return _press(project, lambda: svc.unlink_council(current_user, project, council_id), _("Verknüpfung entfernt."))


@bp.post("/projects/from-proposal/<int:proposal_id>")
@allow(can_manage_projects, load=load_proposal)
def from_proposal(proposal: Proposal):
    """Turn an accepted proposal into a project with one action (chair, managing director)."""
    made = button_pressed() and attempt(lambda: svc.project_from_proposal(current_user, proposal))
    if made:
        flash(_("Aus dem Vorschlag ist das Projekt „%(title)s“ entstanden. Bitte ergänze die Angaben.",
                title=made.value.title), "success")
        return redirect(url_for("controlling.edit", project_id=made.value.id))
    existing = svc.projects_for_proposal(proposal, current_user)
    if existing:
        return _back(existing[0])
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


from . import routes_cooperation, routes_dashboard, routes_open_data, routes_scoring  # noqa: E402,F401
