"""Texts stored as what to say (forum/notifications/messages.py): a `Joined` list of texts is kept
part by part and each part is translated when rendered."""
from flask_babel import lazy_gettext as _l

from forum.notifications.messages import Joined, freeze, render, scrub


def test_joined_texts_are_frozen_and_rendered_part_by_part(app):
    with app.app_context():
        what = Joined([_l("Titel"), _l("Beschreibung")], ", ")
        text = _l("TOP %(n)s geändert (%(what)s): %(title)s", n=2, what=what, title="Anna Schmidt berichtet")
        frozen = freeze(Joined([text, _l("Online-Link geändert")]))
        assert frozen["join"] == "; " and frozen["parts"][0]["args"]["what"]["parts"][1] == {"msg": "Beschreibung",
                                                                                            "args": {}}
        assert render(frozen, "de") == ("TOP 2 geändert (Titel, Beschreibung): Anna Schmidt berichtet; "
                                        "Online-Link geändert")
        assert render(frozen, "en") == ("Item 2 changed (Title, Description): Anna Schmidt berichtet; "
                                        "Online link changed")
        scrubbed = scrub(frozen, "Anna Schmidt", "Gelöschtes Konto")
        assert render(scrubbed, "de").startswith("TOP 2 geändert (Titel, Beschreibung): Gelöschtes Konto berichtet")
        assert str(Joined(["a", "b"], ", ")) == "a, b" and not Joined([])
