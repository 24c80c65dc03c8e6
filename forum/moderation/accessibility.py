"""The accessibility statement (Erklärung zur Barrierefreiheit, BITV 2.0 § 7 / EU directive 2016/2102):
default text in German and English, which admins edit like the imprint (pages `accessibility` and
`accessibility_en`; /accessibility shows the one of the reader's language).

What it says about conformance is what the test suite measures: axe-core checks every page the
browser tests reach (tests/browser/, tags wcag2a, wcag2aa, wcag21a, wcag21aa) and fails on any
violation; what automated checks cannot judge is listed as not (yet) checked. Keep it true when the
measuring changes, and set the date when the pages are checked again.
"""
from __future__ import annotations

CHECKED_ON_DE = "7. Dezember 2026"
CHECKED_ON_EN = "7 December 2026"

GERMAN = f"""Die Stadt Braunschweig ist bemüht, das Smart-City-Forum im Einklang mit dem Behindertengleichstellungsrecht barrierefrei zugänglich zu machen. Diese Erklärung gilt für das Smart-City-Forum unter dieser Adresse.

### Stand der Vereinbarkeit mit den Anforderungen

Das Forum ist **teilweise vereinbar** mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und damit mit den Erfolgskriterien der WCAG 2.1 auf den Stufen A und AA (EN 301 549).

Geprüft wird bei jeder Änderung der Software automatisch: Ein echter Browser ruft die Seiten des Forums auf (Startseite, Registrierung, Anmeldung, Profil, Fachbeiräte, Vorschläge mit Abstimmung, Sitzungen, Live-Räume, Projekte und Kennzahlen, Moderation) und das Prüfwerkzeug axe-core misst sie gegen die Regeln der WCAG 2.1 A und AA. Auf diesen Seiten findet es derzeit keinen Verstoß. Die Seiten funktionieren ohne JavaScript und mit der Tastatur allein.

### Nicht barrierefreie Inhalte und bekannte Einschränkungen

- Automatische Prüfungen erfassen nur einen Teil der Erfolgskriterien. Eine Prüfung durch Fachleute mit Screenreadern und anderen Hilfsmitteln steht noch aus.
- Dateien, die Mitglieder oder die Verwaltung hochladen (zum Beispiel PDF-Dokumente zu Sitzungen), prüft das Forum nicht auf Barrierefreiheit.
- Beiträge der Mitglieder (Vorschläge, Kommentare, Nachrichten in Live-Räumen) sind nicht in Leichter Sprache; Bilder in Beiträgen haben nur dann einen Alternativtext, wenn die Verfasser*innen ihn angeben.
- Informationen in Deutscher Gebärdensprache und in Leichter Sprache zum Forum selbst gibt es noch nicht.

### Datum der Prüfung

Diese Erklärung wurde am {CHECKED_ON_DE} erstellt. Die Bewertung beruht auf der automatischen Prüfung mit axe-core an diesem Tag.

### Feedback und Kontakt

Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder brauchen Sie Informationen in einer für Sie zugänglichen Form? Schreiben Sie uns:

*Die Administration trägt hier die Kontaktstelle ein, zum Beispiel: Stadt Braunschweig, Stabsstelle Digitalisierung und Smart City, E-Mail-Adresse, Telefonnummer.*

Wir antworten innerhalb von sechs Wochen.

### Schlichtungsverfahren

Wenn auch nach Ihrem Feedback an uns keine zufriedenstellende Lösung gefunden wurde, können Sie sich an die **Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)** wenden. Die Schlichtungsstelle hat die Aufgabe, bei Konflikten zwischen Menschen mit Behinderungen und öffentlichen Stellen eine außergerichtliche Streitbeilegung zu unterstützen. Das Schlichtungsverfahren ist kostenlos. Es muss kein Rechtsbeistand eingeschaltet werden.

Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen, Mauerstraße 53, 10117 Berlin. Telefon: 030 18 527-2805. E-Mail: info@schlichtungsstelle-bgg.de. Internet: [www.schlichtungsstelle-bgg.de](https://www.schlichtungsstelle-bgg.de)

*Sieht das Landesrecht für die Stadt eine andere Durchsetzungs- oder Schlichtungsstelle vor, trägt die Administration sie hier ergänzend ein.*
"""

ENGLISH = f"""The City of Braunschweig strives to make the Smart City Forum accessible in accordance with the law on equal opportunities for people with disabilities. This statement applies to the Smart City Forum at this address.

### Compliance status

The forum is **partially compliant** with the German Accessible Information Technology Ordinance (BITV 2.0) and so with the success criteria of WCAG 2.1 at levels A and AA (EN 301 549).

It is checked automatically with every change to the software: a real browser opens the forum's pages (start page, registration, sign-in, profile, advisory councils, proposals and voting, meetings, live rooms, projects and figures, moderation) and the checking tool axe-core measures them against the WCAG 2.1 A and AA rules. It currently finds no violation on these pages. The pages work without JavaScript and with a keyboard alone.

### Non-accessible content and known limitations

- Automated checks cover only part of the success criteria. A review by experts with screen readers and other assistive technology is still to come.
- Files uploaded by members or the administration (for example PDF documents for meetings) are not checked for accessibility.
- Members' contributions (proposals, comments, live messages) are not in Easy Language; images in contributions have alternative text only when their authors give one.
- Information about the forum in German Sign Language and in Easy Language is not available yet.

### Date of the check

This statement was prepared on {CHECKED_ON_EN}. The assessment is based on the automated check with axe-core on that day.

### Feedback and contact

Have you noticed barriers, or do you need information in a form accessible to you? Write to us:

*The administration enters the contact here, for example: City of Braunschweig, Digitalisation and Smart City Unit, e-mail address, phone number.*

We answer within six weeks.

### Enforcement procedure

If no satisfactory solution has been found after your feedback to us, you can turn to the **conciliation body under § 16 of the German Disability Equality Act (Schlichtungsstelle nach § 16 BGG)**. It helps to settle disputes between people with disabilities and public bodies out of court. The procedure is free of charge; you do not need a lawyer.

Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen, Mauerstraße 53, 10117 Berlin, Germany. Phone: +49 30 18 527-2805. E-mail: info@schlichtungsstelle-bgg.de. Web: [www.schlichtungsstelle-bgg.de](https://www.schlichtungsstelle-bgg.de)

*If state law names another enforcement or conciliation body for the city, the administration adds it here.*
"""

DEFAULTS = {"accessibility": GERMAN, "accessibility_en": ENGLISH}
