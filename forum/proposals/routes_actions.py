"""Pages' write actions on one proposal: vote, follow, comment (same `proposals` blueprint)."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..handlers import allow, attempt, form_page, press, signed_in
from ..permissions import can_comment, can_delete_comment, can_edit_comment, can_follow, can_take_part
from . import comments, services, voting
from .forms import CommentEditForm, CommentForm, VoteForm
from .models import Comment, Proposal
from .routes import bp, load_visible, render_detail


def load_comment(proposal_id: int, comment_id: int) -> Comment:
    """A comment of a proposal the viewer may see; 404 otherwise."""
    return comments.get_comment(load_visible(proposal_id), comment_id)


def _back(proposal_id: int, anchor: str | None = None):
    return redirect(url_for("proposals.detail", proposal_id=proposal_id, _anchor=anchor))


def _press(proposal_id: int, action, success: str, anchor: str | None = None):
    """A button on the proposal page (handlers.press), then back to the page."""
    return press(action, success, _back(proposal_id, anchor))


@bp.post("/proposals/<int:proposal_id>/vote")
@allow(can_take_part, load=load_visible)
def vote(proposal: Proposal):
    """Cast or change the current user's vote (the pressed button carries the choice). When voting has
    closed meanwhile, the page says so."""
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: voting.cast_vote(proposal, current_user, form.choice.data), _("Deine Stimme ist gezählt."))
    return _back(proposal.id, "abstimmung")


@bp.post("/proposals/<int:proposal_id>/vote/withdraw")
@allow(can_take_part, load=load_visible)
def withdraw_vote(proposal: Proposal):
    return _press(proposal.id, lambda: voting.withdraw_vote(proposal, current_user),
                  _("Deine Stimme ist zurückgezogen."), "abstimmung")


@bp.post("/proposals/<int:proposal_id>/follow")
@allow(can_follow, load=load_visible)
def follow(proposal: Proposal):
    return _press(proposal.id, lambda: services.follow(proposal, current_user),
                  _("Du folgst diesem Vorschlag und wirst über Neuigkeiten benachrichtigt."))


@bp.post("/proposals/<int:proposal_id>/unfollow")
@allow(signed_in, load=load_visible)
def unfollow(proposal: Proposal):
    return _press(proposal.id, lambda: services.unfollow(proposal, current_user),
                  _("Du folgst diesem Vorschlag nicht mehr."))


@bp.post("/proposals/<int:proposal_id>/comments")
@allow(can_comment, load=load_visible)
def add_comment(proposal: Proposal):
    """Comment or reply; a failed form comes back on the page with the text kept and a 422."""
    form = CommentForm()
    if form.validate_on_submit():
        parent = form.parent_id.data
        added = attempt(lambda: comments.add_comment(
            proposal, current_user, form.body.data, parent_id=int(parent) if parent and parent.isdigit() else None),
            _("Dein Kommentar ist veröffentlicht."), form=form)
        if added:
            return _back(proposal.id, f"kommentar-{added.value.id}")
    return render_detail(proposal, 422, comment_form=form)


@bp.route("/proposals/<int:proposal_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@allow(can_edit_comment, load=load_comment)
def edit_comment(comment: Comment):
    form = CommentEditForm()
    if request.method == "GET":
        form.body.data = comment.body
    if form.validate_on_submit() and attempt(lambda: comments.edit_comment(comment, current_user, form.body.data),
                                             _("Dein Kommentar ist geändert."), form=form):
        return _back(comment.proposal_id, f"kommentar-{comment.id}")
    return form_page("proposals/comment_edit.html", form, proposal=comment.proposal, comment=comment)


@bp.post("/proposals/<int:proposal_id>/comments/<int:comment_id>/delete")
@allow(can_delete_comment, load=load_comment)
def delete_comment(comment: Comment):
    return _press(comment.proposal_id, lambda: comments.delete_comment(comment, current_user),
                  _("Dein Kommentar ist gelöscht."), "kommentare")
