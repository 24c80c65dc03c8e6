"""The controlling dashboard and the office's queue of cooperation requests (staff only)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.forms import STAKEHOLDER_LABELS
from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..handlers import allow, attempt
from ..permissions import can_handle_cooperation_requests, can_view_dashboard
from . import charts, cooperation, dashboard
from . import projects as project_svc
from ..meetings.models import PUBLIC_STATUSES as MEETING_PUBLIC_STATUSES
from ..proposals.models import STATUSES as PROPOSAL_STATUSES
from .cooperation_models import REQUEST_STATUSES
from .models import PROJECT_STATUSES
from .forms import AssignForm, ReplyForm, RequestStatusForm
from .routes import bp

def _proposal_status_labels() -> dict:
    return {"published": _("veröffentlicht"), "voting": _("in Abstimmung"), "accepted": _("angenommen"),
            "rejected": _("abgelehnt"), "implementing": _("in Umsetzung"), "done": _("umgesetzt"),
            "withdrawn": _("zurückgezogen"), "draft": _("Entwurf")}


@bp.get("/controlling")
@allow(can_view_dashboard)
def dashboard_page():
    """All projects in view: status, departments, budget, milestones, scores, participation."""
    filters = dashboard.Filters.from_args(request.args)
    today = utcnow().date()
    rows = dashboard.projects(filters)
    found = dashboard.counts(filters, current_user)
    status_counts = dashboard.in_order(found.get("project_status", {}), PROJECT_STATUSES)
    department_counts = dashboard.by_department(found.get("department", {}))
    budget_rows = [p for p in rows if p.budget_eur is not None]
    catalogue, scores = dashboard.score_table(rows)
    late, soon = dashboard.milestones(rows, today)
    proposal_counts = dashboard.in_order(found.get("proposal_status", {}),
                                         [s for s in PROPOSAL_STATUSES if s != "draft"])
    votes, stakeholder_votes, councils = dashboard.participation()
    for council in councils:
        council["meetings"] = found.get("council_meetings", {}).get(str(council["id"]), 0)
    proposal_labels = _proposal_status_labels()
    vote_labels = {"for": _("dafür"), "against": _("dagegen"), "abstain": _("Enthaltung")}
    ranked = sorted((p for p in rows if p.id in scores), key=lambda p: -scores[p.id].mean)
    context = {
        "filters": filters, "projects": rows, "today": today,
        "departments": sorted(found.get("all_departments", {})),
        "status_counts": status_counts,
        "status_chart": charts.bar_chart([(project_svc.STATUS_LABELS[s], [n]) for s, n in status_counts],
                                         [_("Projekte")]),
        "department_counts": department_counts,
        "department_chart": charts.bar_chart([(d, [n]) for d, n in department_counts], [_("Projekte")]),
        "budget_rows": budget_rows, "budget": dashboard.budget_totals(rows),
        "budget_chart": charts.bar_chart([(p.title, [p.budget_eur, p.spent_eur]) for p in budget_rows],
                                         [_("Budget"), _("ausgegeben")], fmt=charts.euro),
        "late": late, "soon": soon, "due_soon_days": dashboard.DUE_SOON_DAYS,
        "catalogue": catalogue, "scores": scores, "ranked": ranked,
        "score_chart": charts.bar_chart([(p.title, [round(scores[p.id].mean, 1)]) for p in ranked],
                                        [_("gewichtete Punkte")], fmt=lambda v: f"{v:.1f}".replace(".", ",")),
        "proposal_counts": proposal_counts, "proposal_labels": proposal_labels,
        "proposal_chart": charts.bar_chart([(proposal_labels[s], [n]) for s, n in proposal_counts],
                                           [_("Vorschläge")]),
        "votes": votes, "vote_labels": vote_labels,
        "vote_chart": charts.bar_chart([(vote_labels[k], [v]) for k, v in votes.items()], [_("Stimmen")]),
        "stakeholder_votes": stakeholder_votes, "stakeholder_labels": STAKEHOLDER_LABELS,
        "stakeholder_chart": charts.bar_chart([(STAKEHOLDER_LABELS[g], v) for g, v in stakeholder_votes],
                                              [vote_labels["for"], vote_labels["against"], vote_labels["abstain"]]),
        "councils": councils,
        "request_counts": dashboard.in_order(found.get("request_status", {}), REQUEST_STATUSES),
        "meeting_counts": dashboard.in_order(found.get("meeting_status", {}), MEETING_PUBLIC_STATUSES),
        "meeting_labels": {"published": _("angekündigt"), "live": _("laufen gerade"), "ended": _("beendet"),
                           "cancelled": _("abgesagt")},
        "euro": charts.euro,
    }
    return render_template("controlling/dashboard.html", **context)


@bp.get("/controlling/requests")
@allow(can_handle_cooperation_requests)
def requests_queue():
    """The queue: new first, then in progress, answered, closed; filter by status or 'mine'."""
    status = request.args.get("status") if request.args.get("status") in REQUEST_STATUSES else None
    mine = request.args.get("mine") == "1"
    rows = cooperation.queue(current_user, status=status, assignee_id=current_user.id if mine else None)
    return render_template("controlling/requests.html", requests=rows, status=status, mine=mine,
                           statuses=REQUEST_STATUSES)


def staff_request(request_id: int):
    """A cooperation request as the office sees it (403 for anyone but staff, 404 when there is none)."""
    return cooperation.get_for_staff(current_user, request_id)


def _assign_form(form: AssignForm) -> AssignForm:
    form.assignee_id.choices = [(0, _("niemand"))] + [(u.id, u.name) for u in cooperation.staff_members()]
    return form


def _request_page(item, status: int = 200, **forms):
    """The office's page of one request; a failed form (`reply_form=…`) comes back with its errors."""
    assign_form = forms.get("assign_form") or _assign_form(AssignForm(assignee_id=item.assignee_id or 0))
    return render_template("controlling/request_staff.html", item=item, assign_form=assign_form,
                           status_form=forms.get("status_form") or RequestStatusForm(status=item.status),
                           reply_form=forms.get("reply_form") or ReplyForm()), status


@bp.get("/controlling/requests/<int:request_id>")
@allow(can_handle_cooperation_requests, load=staff_request)
def request_detail(item):
    return _request_page(item)


def _back(item):
    return redirect(url_for("controlling.request_detail", request_id=item.id))


@bp.post("/controlling/requests/<int:request_id>/assign")
@allow(can_handle_cooperation_requests, load=staff_request)
def request_assign(item):
    form = _assign_form(AssignForm())
    if not form.validate_on_submit():
        return _request_page(item, 422, assign_form=form)
    assignee = db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None
    attempt(lambda: cooperation.assign(current_user, item, assignee), _("Zuständigkeit gespeichert."))
    return _back(item)


@bp.post("/controlling/requests/<int:request_id>/status")
@allow(can_handle_cooperation_requests, load=staff_request)
def request_status(item):
    form = RequestStatusForm()
    if not form.validate_on_submit():
        return _request_page(item, 422, status_form=form)
    attempt(lambda: cooperation.set_status(current_user, item, form.status.data), _("Status gespeichert."))
    return _back(item)


@bp.post("/controlling/requests/<int:request_id>/reply")
@allow(can_handle_cooperation_requests, load=staff_request)
def request_reply(item):
    form = ReplyForm()
    if form.validate_on_submit() and attempt(lambda: cooperation.reply(current_user, item, form.body.data),
                                             _("Die Antwort ist gesendet."), form=form):
        return _back(item)
    return _request_page(item, 422, reply_form=form)
