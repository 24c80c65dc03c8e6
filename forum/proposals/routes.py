"""Pages: the proposal list, writing and editing, the detail page with votes, moderation and history.

Comments, votes and follows are in routes_actions.py (same blueprint).
"""
from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.forms import STAKEHOLDER_LABELS
from ..accounts.models import STAKEHOLDERS
from ..councils.models import Council
from ..councils.visibility import get_visible_council_or_404, visible_councils
from ..extensions import db
from ..handlers import ButtonForm, allow, anyone, attempt, form_page
from ..i18n import Labels
from ..pagination import page_args
from ..permissions import (can_comment, can_create_proposal, can_edit_proposal, can_move_proposal, can_respond,
                           can_view_proposal, can_vote, can_withdraw_proposal, is_signed_in, voting_open)
from ..text import render_markdown
from . import comments, lifecycle, pagecache, services, voting
from .chart import CHOICE_LABELS, GROUP_LABELS, vote_chart
from .forms import CommentForm, ProposalForm, StatusForm, VoteForm
from .models import STATUSES, Proposal
from .queries import SORTS, page_of, page_of_proposal, parse_filters
from .schemas import votes as serialize_votes

bp = Blueprint("proposals", __name__)
# The same text always renders to the same safe HTML: remember recent results (bleach is slow).
cached_markdown = lru_cache(maxsize=4096)(render_markdown)


@bp.record_once
def _template_globals(state) -> None:
    """Labels and helpers for proposal templates (globals, so imported macros see them too)."""
    state.app.jinja_env.globals.update(
        status_labels=Labels(lifecycle.STATUS_LABELS), stakeholder_labels=Labels(STAKEHOLDER_LABELS),
        group_labels=Labels(GROUP_LABELS), choice_labels=Labels(CHOICE_LABELS), vote_chart=vote_chart, render_markdown=cached_markdown)


def load_visible(proposal_id: int) -> Proposal:
    """The proposal if the current user may see it; 404 otherwise (drafts of others, private councils).
    Its author and council come in the same query, its tags in one more (every page shows them)."""
    proposal = db.session.get(Proposal, proposal_id, options=[
        joinedload(Proposal.author), joinedload(Proposal.council), selectinload(Proposal.tags)])
    if proposal is None or not can_view_proposal(current_user, proposal):
        abort(404)
    return proposal


def _to_utc(value):
    """A local (Europe/Berlin) datetime from a form → naive UTC."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin"))
    return value.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


@bp.get("/proposals")
@allow(anyone)
def index():
    """The list: filters by council, status, author group and tag; search; three sort orders."""
    key = pagecache.cache_key()
    cached = pagecache.get(key)
    if cached is not None:
        return pagecache.with_token(cached)
    filters = parse_filters(request.args, current_user)
    page, per_page = page_args()
    items, total = page_of(filters, current_user, page, per_page, lean=True)
    councils = db.session.scalars(visible_councils(current_user)).all()
    # Rendered without the context processors (the page around it runs them once).
    body = Markup(current_app.jinja_env.get_template("proposals/_list_body.html").render(
        current_user=current_user, request=request, proposals=items, total=total, page=page, per_page=per_page,
        pages=max(1, -(-total // per_page)), filters=filters, councils=councils, statuses=STATUSES,
        stakeholders=STAKEHOLDERS, sorts=list(SORTS), may_create=can_create_proposal(current_user)))
    html = render_template("proposals/list.html", list_body=body)
    pagecache.put(key, html)
    return html


def _council_choices(selected: Council | None = None) -> list[tuple[str, str]]:
    choices = [("", _("Kein Fachbeirat (forumweit)"))]
    for council in db.session.scalars(visible_councils(current_user)):
        if not council.is_archived or council == selected:
            choices.append((council.slug, council.name))
    return choices


def _write(form: ProposalForm, proposal: Proposal | None, save, success: str):
    """What writing and editing share: a preview, or `save()` and on to the proposal; else the form again."""
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            saved = attempt(save, success, form=form)
            if saved:
                return redirect(url_for("proposals.detail", proposal_id=saved.value.id))
    return form_page("proposals/form.html", form, preview=preview, proposal=proposal)


@bp.route("/proposals/new", methods=["GET", "POST"])
@allow(can_create_proposal)
def new():
    """Write a proposal: preview, publish, or keep as a private draft."""
    form = ProposalForm()
    form.council.choices = _council_choices()
    if request.method == "GET":
        form.council.data = request.args.get("council", "")
    draft = bool(form.save_draft.data)
    slug = form.council.data
    return _write(form, None, lambda: services.create_proposal(
        current_user, title=form.title.data, body=form.body.data, tags=form.tags.data, draft=draft,
        council=get_visible_council_or_404(slug, current_user) if slug else None, hide_votes=form.hide_votes.data),
        _("Dein Entwurf ist gespeichert. Nur du kannst ihn sehen.") if draft
        else _("Dein Vorschlag ist veröffentlicht."))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@allow(can_edit_proposal, load=load_visible)
def edit(proposal: Proposal):
    """Edit title, body and tags before voting starts; the previous version goes into the history."""
    form = ProposalForm(obj=proposal if request.method == "GET" else None)
    form.council.choices = [(proposal.council.slug if proposal.council else "", proposal.council.name
                             if proposal.council else _("Kein Fachbeirat (forumweit)"))]
    form.council.data = form.council.choices[0][0]
    if request.method == "GET":
        form.tags.data = ", ".join(proposal.tag_names)
    return _write(form, proposal, lambda: services.edit_proposal(
        proposal, current_user, title=form.title.data, body=form.body.data, tags=form.tags.data,
        hide_votes=form.hide_votes.data), _("Deine Änderungen sind gespeichert."))


def _vote_hint(proposal: Proposal) -> str | None:
    """Why the current user cannot vote (shown instead of the buttons), or None."""
    if proposal.status != "voting":
        return None
    if not voting_open(proposal):
        return _("Die Abstimmungszeit ist abgelaufen.")
    if not is_signed_in(current_user):
        return _("Melde dich an, um abzustimmen.")
    if not current_user.email_confirmed:
        return _("Bestätige zuerst deine E-Mail-Adresse, dann kannst du abstimmen.")
    if current_user.is_organisation and current_user.verification == "rejected":
        return _("Dein Organisationskonto wurde nicht verifiziert. Deshalb kannst du nicht abstimmen.")
    if current_user.is_organisation and current_user.verification != "verified":
        return _("Dein Organisationskonto wartet noch auf die Verifizierung durch die Geschäftsführung. "
                 "Bis dahin kannst du lesen, aber nicht abstimmen.")
    return None


def _status_form(proposal: Proposal, form: StatusForm | None = None) -> StatusForm:
    form = form or StatusForm(formdata=None)
    moderator_steps = [s for s in lifecycle.allowed_transitions(current_user, proposal)
                       if s in lifecycle.MODERATOR_TRANSITIONS.get(proposal.status, ())]
    form.status.choices = [("", _("Status nicht ändern"))] + [(s, str(lifecycle.STATUS_LABELS[s]))
                                                               for s in moderator_steps]
    return form


def render_detail(proposal: Proposal, status: int = 200, *, comment_form: CommentForm | None = None,
                  status_form: StatusForm | None = None, viewer_state: tuple[str | None, bool] | None = None):
    """The detail page (also re-rendered with a failed form and a 4xx status). `viewer_state` is
    (the viewer's vote, whether they follow) when loaded with the proposal; read here otherwise."""
    shown = voting.votes_visible(proposal)
    if viewer_state is None:
        viewer_state = voting.vote_of(proposal, current_user), services.is_following(proposal, current_user)
    signed_in = current_user.is_authenticated
    may_vote, may_comment = can_vote(current_user, proposal), can_comment(current_user, proposal)
    # forms only for who sees them: a visitor's page builds none (four forms were ~1 ms of it)
    return render_template(
        "proposals/detail.html", proposal=proposal,
        body_html=cached_markdown(proposal.body), response_html=cached_markdown(proposal.response or ""),
        threads=comments.threads(proposal), my_vote=viewer_state[0], following=viewer_state[1],
        votes=serialize_votes(proposal) if shown else None, votes_hidden=not shown,
        may_vote=may_vote, vote_hint=_vote_hint(proposal),
        may_comment=may_comment, may_edit=can_edit_proposal(current_user, proposal),
        may_withdraw=can_withdraw_proposal(current_user, proposal), may_respond=can_respond(current_user, proposal),
        comment_form=comment_form or (CommentForm(formdata=None) if may_comment else None),
        status_form=_status_form(proposal, status_form) if signed_in else None,
        action_form=ButtonForm(formdata=None) if signed_in else None,
        vote_form=VoteForm(formdata=None) if may_vote else None,
    ), status


@bp.get("/proposals/<int:proposal_id>")
@allow(anyone)  # page_of_proposal and can_view_proposal: 404 for what the viewer may not see
def detail(proposal_id: int):
    proposal, my_vote, following = page_of_proposal(proposal_id, current_user)
    if proposal is None or not can_view_proposal(current_user, proposal):
        abort(404)
    return render_detail(proposal, viewer_state=(my_vote, following))


@bp.get("/proposals/<int:proposal_id>/votes")
@allow(anyone, load=load_visible)
def votes_fragment(proposal: Proposal):
    """The vote chart alone, as an HTML fragment (for the live script to swap in)."""
    shown = voting.votes_visible(proposal)
    return render_template("proposals/_votes_fragment.html", proposal=proposal,
                           votes=serialize_votes(proposal) if shown else None, votes_hidden=not shown)


@bp.get("/proposals/<int:proposal_id>/history")
@allow(anyone, load=load_visible)
def history(proposal: Proposal):
    """The edit history: every earlier title and body, newest first."""
    return render_template("proposals/history.html", proposal=proposal, revisions=services.revisions(proposal))


def _move(proposal: Proposal, new_status: str | None, response: str | None, voting_ends_at) -> None:
    if new_status is not None:
        lifecycle.change_status(proposal, current_user, new_status, response=response, voting_ends_at=voting_ends_at)
    else:
        lifecycle.respond(proposal, current_user, response)


@bp.post("/proposals/<int:proposal_id>/status")
@allow(can_move_proposal, load=load_visible)
def change_status(proposal: Proposal):
    """Move along the life cycle (author: publish, withdraw; moderation: voting, decision, …) and/or respond.
    A step the life cycle does not allow comes back on the page with the form."""
    form = StatusForm()
    form.status.choices = [("", "")] + [(s, s) for s in STATUSES]
    if form.validate_on_submit():
        new_status, response = form.status.data or None, (form.response.data or "").strip() or None
        if new_status is None and response is None:
            form.form_errors.append(_("Bitte wähle einen neuen Status oder schreibe eine Antwort."))
        elif attempt(lambda: _move(proposal, new_status, response, _to_utc(form.voting_ends_at.data)),
                     _("Gespeichert."), form=form):
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render_detail(proposal, 422, status_form=form)


from . import routes_actions  # noqa: E402,F401  (votes, comments and follows register on bp)
