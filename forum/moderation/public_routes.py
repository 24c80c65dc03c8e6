"""Public pages (transparency, privacy notice, imprint, accessibility statement) and each person's data rights."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from markupsafe import Markup

from ..handlers import allow, anyone, attempt, form_page, signed_in
from ..permissions import can_edit_site_pages
from ..text import render_markdown
from . import pages, privacy, stats
from .forms import DeleteAccountForm, SitePageForm
from .routes import bp

TITLES = {"privacy": _l("Datenschutz"), "imprint": _l("Impressum"),
          "accessibility": _l("Erklärung zur Barrierefreiheit"), "accessibility_en": _l("Erklärung zur Barrierefreiheit")}


@bp.get("/transparency")
@allow(anyone)
def transparency():
    """Moderation figures per month: reports, hides, restores, dismissals, suspensions. No names."""
    return render_template("moderation/transparency.html", months=stats.monthly_figures())


@bp.get("/privacy", defaults={"slug": "privacy"}, endpoint="privacy")
@bp.get("/imprint", defaults={"slug": "imprint"}, endpoint="imprint")
@allow(anyone)
def site_page(slug: str):
    return _show_page(slug)


@bp.get("/accessibility")
@allow(anyone)
def accessibility():
    """The accessibility statement in the reader's language (English: its own page, edited separately)."""
    return _show_page("accessibility_en" if str(get_locale()) == "en" else "accessibility")


def _show_page(slug: str):
    """The page's own headings (Markdown's h1-h3 all come out as h3) follow its h1 as h2; its text is
    marked German (the English accessibility statement English), so a screen reader reads it right on
    the English site too."""
    page = pages.get_page(slug)
    body = str(render_markdown(page.body)).replace("<h3>", "<h2>").replace("</h3>", "</h2>")
    return render_template("moderation/site_page.html", page=page, body_html=Markup(body),
                           content_lang="en" if slug.endswith("_en") else "de", title=TITLES[slug], slug=slug)


@bp.route("/privacy/edit", methods=["GET", "POST"], defaults={"slug": "privacy"}, endpoint="edit_privacy")
@bp.route("/imprint/edit", methods=["GET", "POST"], defaults={"slug": "imprint"}, endpoint="edit_imprint")
@bp.route("/accessibility/edit", methods=["GET", "POST"], defaults={"slug": "accessibility"},
          endpoint="edit_accessibility")
@bp.route("/accessibility/edit/en", methods=["GET", "POST"], defaults={"slug": "accessibility_en"},
          endpoint="edit_accessibility_en")
@allow(can_edit_site_pages)
def edit_site_page(slug: str):
    form = SitePageForm(body=pages.get_page(slug).body)
    if form.validate_on_submit() and attempt(lambda: pages.update_page(current_user, slug, form.body.data),
                                             _("Die Seite ist gespeichert."), form=form):
        return redirect(url_for(f"moderation.{slug.removesuffix('_en')}"))
    return form_page("moderation/site_page_edit.html", form, title=TITLES[slug], slug=slug)


def export_response(user) -> Response:
    """The person's data as a JSON download, made now and sent only in this response (no stored file, no link)."""
    body = json.dumps(privacy.export_data(user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{privacy.export_filename(user)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/profile/export")
@allow(signed_in)
def export():
    from .forms import ExportForm

    if not ExportForm().validate_on_submit():
        abort(400)
    return export_response(current_user)


@bp.post("/profile/delete")
@allow(signed_in)
def delete_account():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        flash(_("Bitte bestätige die Löschung mit deinem Passwort."), "error")
    elif attempt(lambda: privacy.delete_account(current_user._get_current_object(), form.password.data,
                                                delete_contributions=bool(form.delete_contributions.data))):
        logout_user()  # their live sockets close now (the service announced it)
        session.clear()
        flash(_("Dein Konto und deine persönlichen Daten sind gelöscht."), "success")
        return redirect(url_for("main.index"))
    return redirect(url_for("accounts.profile") + "#delete-title")
