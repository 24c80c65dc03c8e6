"""Pages: report an item, the moderation queue and its decisions."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import N_
from ..handlers import allow, attempt, form_page, require
from ..permissions import can_report, can_view_queue, text_hidden
from ..registry import HIDDEN_TITLE
from ..security import is_safe_path
from . import services
from .queue import queue_page
from .forms import DecisionForm, ReportForm

bp = Blueprint("moderation", __name__)



def _text_hidden(item, council=None) -> bool:
    """In templates: is `item`'s text hidden from the person viewing the page?"""
    from flask_login import current_user

    return text_hidden(current_user, item, council)


def _proposal_title(proposal) -> str:
    """A proposal's title, or the placeholder when it is hidden from the person viewing the page."""
    return _(HIDDEN_TITLE) if _text_hidden(proposal, proposal.council) else proposal.title


def _may_report(item) -> bool:
    """In templates: show a "Melden" link under `item` (visible, not hidden, not one's own)?"""
    from flask_login import current_user

    return getattr(item, "hidden_at", None) is None and can_report(current_user, item)


@bp.record_once
def _template_globals(state) -> None:
    """Globals, so imported macros and templates rendered without context processors see them."""
    from .suspensions import active_suspension

    state.app.jinja_env.globals.update(suspension_of=active_suspension, text_hidden=_text_hidden,
                                       proposal_title=_proposal_title, may_report=_may_report)


DECISIONS = {"hide": (services.hide, N_("Der Beitrag ist ausgeblendet.")),
             "restore": (services.restore, N_("Der Beitrag ist wieder sichtbar.")),
             "dismiss": (services.dismiss, N_("Die Meldungen sind zurückgewiesen."))}
KIND_LABELS = {"proposal": N_("Vorschlag"), "comment": N_("Kommentar"), "message": N_("Live-Nachricht")}


@bp.route("/report/<kind>/<int:item_id>", methods=["GET", "POST"])
@allow(can_report)
def report(kind: str, item_id: int):
    """Report a proposal, comment or live message (a page of its own, so it works without JavaScript)."""
    target, item = services.load_target(kind, item_id, current_user)
    back = target.url_of(item)
    if services.reported_by(current_user, kind, item.id):
        flash(_("Du hast diesen Beitrag bereits gemeldet."), "info")
        return redirect(back)
    require(can_report, item)  # not one's own
    form = ReportForm()
    if form.validate_on_submit() and attempt(lambda: services.report(current_user, kind, item.id, form.reason.data),
                                             _("Danke! Die Moderation prüft deine Meldung."), form=form):
        return redirect(back if is_safe_path(back) else url_for("main.index"))
    return form_page("moderation/report.html", form, kind=kind, item=item, back=back,
                     excerpt=target.excerpt_of(item), kind_label=_(KIND_LABELS.get(kind, kind)))


@bp.get("/moderation")
@allow(can_view_queue)
def queue():
    """Open reports of the councils this person moderates (everything for the managing director and admins)."""
    items, hidden = queue_page(current_user)
    return render_template("moderation/queue.html", items=items, hidden=hidden, form=DecisionForm(),
                           kind_labels=KIND_LABELS)


@bp.post("/moderation/<kind>/<int:item_id>/<action>")
@allow(can_view_queue)  # the service checks the item's council
def decide(kind: str, item_id: int, action: str):
    if action not in DECISIONS:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Bitte gib eine Begründung an (höchstens 1000 Zeichen)."), "error")
        return redirect(url_for("moderation.queue"))
    decision, success = DECISIONS[action]
    attempt(lambda: decision(current_user, kind, item_id, form.reason.data), _(success))
    return redirect(url_for("moderation.queue"))


from . import admin_routes, public_routes  # noqa: E402,F401  (routes register on bp)
