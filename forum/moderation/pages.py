"""The privacy notice, the imprint and the accessibility statement: Markdown that admins edit, with
defaults (the statement in German and English: forum/moderation/accessibility.py)."""
from __future__ import annotations

from flask_babel import gettext as _

from ..audit import audit
from ..database import utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from ..permissions import can_edit_site_pages
from .accessibility import DEFAULTS as ACCESSIBILITY_DEFAULTS
from .models import SITE_PAGES, SitePage

BODY_MAX = 50_000

DEFAULTS = {
    "privacy": """Diese Hinweise erklären, welche Daten das Smart-City-Forum der Stadt Braunschweig verarbeitet und welche Rechte du hast.

### Verantwortliche Stelle

Stadt Braunschweig, Stabsstelle Digitalisierung und Smart City, Platz der Deutschen Einheit 1, 38100 Braunschweig.

### Datenschutzbeauftragte*r

Die Kontaktdaten der*des behördlichen Datenschutzbeauftragten trägt die Administration hier ein: *[Name, Anschrift, E-Mail-Adresse]*.

### Welche Daten wir speichern

- **Konto:** Name, E-Mail-Adresse, Gruppe (Bürger*in, Unternehmen, Forschung, Kultur, Verein), bei Organisationen deren Name; dein Passwort nur als nicht umkehrbarer Hashwert.
- **Beiträge:** Vorschläge, Kommentare, Stimmen, Nachrichten in Live-Räumen, Meldungen und Beitrittsanfragen, jeweils mit Zeitpunkt.
- **Mitwirkung:** Mitgliedschaften in Fachbeiräten, Benachrichtigungen, die wir dir schicken.
- **Moderation:** ausgeblendete Beiträge, Sperren und das Protokoll aller Eingriffe der Moderation und Verwaltung (wer hat wann was warum getan).

Rechtsgrundlage ist Art. 6 Abs. 1 lit. e DSGVO in Verbindung mit der Aufgabe der Stadt, Bürger*innen und Akteure an der Entwicklung der Smart City zu beteiligen, für die freiwillige Registrierung Art. 6 Abs. 1 lit. a DSGVO.

### Cookies und Dienste Dritter

Das Forum setzt **keine Tracking-Cookies** und keine Analysewerkzeuge ein. Es verwendet nur ein technisch notwendiges Sitzungs-Cookie, das deine Anmeldung und die gewählte Sprache speichert. Das Forum lädt **nichts von Dritten**: Schriften, Skripte und Grafiken kommen ausschließlich vom Server der Stadt.

### Deine Rechte (Art. 15–21 DSGVO)

- **Auskunft und Datenübertragbarkeit (Art. 15, 20):** In deinem Profil lädst du jederzeit alle Daten, die du uns gegeben hast, als maschinenlesbare JSON-Datei herunter.
- **Berichtigung (Art. 16):** Deinen Namen und dein Passwort änderst du im Profil; für anderes wende dich an die Geschäftsführung des Forums.
- **Löschung (Art. 17):** In deinem Profil löschst du dein Konto. Deine Beiträge bleiben dann als „gelöschtes Konto“ stehen, oder du lässt sie löschen, soweit niemand anderes darauf geantwortet hat. Das Protokoll der Moderation behält zur Rechenschaft nur eine Nummer, keinen Namen.
- **Einschränkung und Widerspruch (Art. 18, 21):** Wende dich an die*den Datenschutzbeauftragte*n.
- **Beschwerde:** bei der Landesbeauftragten für den Datenschutz Niedersachsen.
""",
    "imprint": """### Herausgeberin

Stadt Braunschweig
Stabsstelle Digitalisierung und Smart City
Platz der Deutschen Einheit 1
38100 Braunschweig

Die Stadt Braunschweig ist eine Körperschaft des öffentlichen Rechts. Sie wird vertreten durch den Oberbürgermeister.

### Kontakt

*Die Administration trägt hier Telefon und E-Mail-Adresse der Geschäftsführung des Forums ein.*

### Verantwortlich für den Inhalt

*[Name und Anschrift nach § 18 Abs. 2 MStV]*

Für die Beiträge der Mitglieder sind deren Verfasser*innen verantwortlich. Die Moderation blendet Beiträge aus, die gegen die Regeln des Forums verstoßen.
""",
}
DEFAULTS.update(ACCESSIBILITY_DEFAULTS)


def get_page(slug: str) -> SitePage:
    """The stored page, or an unsaved one with the default text. NotFound for an unknown slug."""
    if slug not in SITE_PAGES:
        raise NotFound(_("Diese Seite gibt es nicht."))
    page = db.session.get(SitePage, slug)
    return page if page is not None else SitePage(slug=slug, body=DEFAULTS[slug], updated_at=None)


def update_page(actor, slug: str, body) -> SitePage:
    """Replace a page's Markdown. Raises NotAllowed (admins only), NotFound, Invalid (empty, too long)."""
    if not can_edit_site_pages(actor):
        raise NotAllowed(_("Nur die Administration bearbeitet diese Seite."))
    if slug not in SITE_PAGES:
        raise NotFound(_("Diese Seite gibt es nicht."))
    if not isinstance(body, str) or not body.strip() or len(body) > BODY_MAX or "\x00" in body:
        raise Invalid(_("Der Text darf nicht leer und höchstens %(max)s Zeichen lang sein.", max=BODY_MAX),
                      "invalid_body")
    page = db.session.get(SitePage, slug)
    if page is None:
        page = SitePage(slug=slug, body=body)
        db.session.add(page)
    page.body = body.strip() + "\n"
    page.updated_at = utcnow()
    page.updated_by_id = actor.id
    db.session.flush()
    audit(actor, "site_page.edit", ("site_page", None), None, page=slug)
    return page
