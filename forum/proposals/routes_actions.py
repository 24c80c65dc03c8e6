"""Pages' write actions on one proposal: vote, follow, comment (same `proposals` blueprint)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..permissions import can_edit_comment
from . import comments, services, voting
from .forms import ActionForm, CommentEditForm, CommentForm, VoteForm
from .routes import bp, load_visible, render_detail


def _back(proposal_id: int, anchor: str | None = None):
    return redirect(url_for("proposals.detail", proposal_id=proposal_id, _anchor=anchor))


@bp.post("/proposals/<int:proposal_id>/vote")
@login_required
def vote(proposal_id: int):
    """Cast or change the current user's vote (the pressed button carries the choice)."""
    proposal = load_visible(proposal_id)
    form = VoteForm()
    if not form.validate_on_submit():
        abort(400)
    voting.cast_vote(proposal, current_user, form.choice.data)
    db.session.commit()
    flash(_("Deine Stimme ist gezählt."), "success")
    return _back(proposal_id, "abstimmung")


@bp.post("/proposals/<int:proposal_id>/vote/withdraw")
@login_required
def withdraw_vote(proposal_id: int):
    proposal = load_visible(proposal_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    voting.withdraw_vote(proposal, current_user)
    db.session.commit()
    flash(_("Deine Stimme ist zurückgezogen."), "success")
    return _back(proposal_id, "abstimmung")


@bp.post("/proposals/<int:proposal_id>/follow")
@login_required
def follow(proposal_id: int):
    proposal = load_visible(proposal_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.follow(proposal, current_user)
    db.session.commit()
    flash(_("Du folgst diesem Vorschlag und wirst über Neuigkeiten benachrichtigt."), "success")
    return _back(proposal_id)


@bp.post("/proposals/<int:proposal_id>/unfollow")
@login_required
def unfollow(proposal_id: int):
    proposal = load_visible(proposal_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.unfollow(proposal, current_user)
    db.session.commit()
    flash(_("Du folgst diesem Vorschlag nicht mehr."), "success")
    return _back(proposal_id)


@bp.post("/proposals/<int:proposal_id>/comments")
@login_required
def add_comment(proposal_id: int):
    """Comment or reply; a failed form comes back on the page with the text kept and a 422."""
    proposal = load_visible(proposal_id)
    form = CommentForm()
    if form.validate_on_submit():
        parent = form.parent_id.data
        try:
            comment = comments.add_comment(proposal, current_user, form.body.data,
                                           parent_id=int(parent) if parent and parent.isdigit() else None)
        except DomainError as err:
            if err.status != 422:
                raise
            db.session.rollback()
            form.body.errors = list(form.body.errors) + [err.message]
        else:
            db.session.commit()
            flash(_("Dein Kommentar ist veröffentlicht."), "success")
            return _back(proposal_id, f"kommentar-{comment.id}")
    return render_detail(load_visible(proposal_id), 422, comment_form=form)


@bp.route("/proposals/<int:proposal_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(proposal_id: int, comment_id: int):
    proposal = load_visible(proposal_id)
    comment = comments.get_comment(proposal, comment_id)
    if not can_edit_comment(current_user, comment):
        abort(403)
    form = CommentEditForm()
    if request.method == "GET":
        form.body.data = comment.body
    if form.validate_on_submit():
        try:
            comments.edit_comment(comment, current_user, form.body.data)
        except DomainError as err:
            if err.status != 422:
                raise
            db.session.rollback()
            form.body.errors = list(form.body.errors) + [err.message]
        else:
            db.session.commit()
            flash(_("Dein Kommentar ist geändert."), "success")
            return _back(proposal_id, f"kommentar-{comment_id}")
    status = 422 if form.errors else 200
    return render_template("proposals/comment_edit.html", proposal=proposal, comment=comment, form=form), status


@bp.post("/proposals/<int:proposal_id>/comments/<int:comment_id>/delete")
@login_required
def delete_comment(proposal_id: int, comment_id: int):
    proposal = load_visible(proposal_id)
    comment = comments.get_comment(proposal, comment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    comments.delete_comment(comment, current_user)
    db.session.commit()
    flash(_("Dein Kommentar ist gelöscht."), "success")
    return _back(proposal_id, "kommentare")
