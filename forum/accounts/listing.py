"""The profile's consent to be named in the public OParl interface (`/oparl/v1`): a person is
listed there only after saying yes here (moderators of public councils are named anyway, as on
the council page)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..handlers import allow, signed_in
from . import services
from .forms import PublicListingForm
from .routes import bp, profile_form


@bp.post("/profile/listing")
@allow(signed_in)
def change_public_listing():
    form = PublicListingForm()
    return profile_form(
        form, "listing_form", lambda: services.set_public_listing(current_user, form.public_listing.data),
        lambda: (_("Du wirst jetzt in der OParl-Schnittstelle genannt.") if current_user.public_listing
                 else _("Du wirst in der OParl-Schnittstelle nicht mehr genannt.")), "#listing-title")
