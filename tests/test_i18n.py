"""The English catalogue is complete, compiled, consistent, and really used.

German is the default language and the msgids are German. Every msgid that `make translations`
extracts (babel.cfg, keywords as in the Makefile) must have an English translation in
forum/translations/en/LC_MESSAGES/messages.po, and the committed messages.mo must be compiled
from exactly that .po.
"""
from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "forum" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}  # the Makefile runs `pybabel extract -F babel.cfg -k _l`
# and passes --ignore-dirs '.* __pycache__': Babel's default would also skip "_" directories
# such as templates/_macros/.
IGNORE_DIRS = (".*", "__pycache__")
GETTEXT_CALL = re.compile(r"(?<![\w.])(?:_|_l|gettext|ngettext|lazy_gettext|N_)\(\s*[\"']")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")
HINT = "run `make translations` and translate them in forum/translations/en/LC_MESSAGES/messages.po"


def _keep_directory(dirpath: str) -> bool:
    name = os.path.basename(dirpath)
    return not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORE_DIRS)


def _forms(value) -> list[str]:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _translated(message) -> bool:
    return not message.fuzzy and all(form and form.strip() for form in _forms(message.string))


@pytest.fixture(scope="module")
def po_catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    """msgid (the singular for plurals) → where it occurs, extracted like `make translations`."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True,
            directory_filter=_keep_directory):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def test_extraction_covers_templates_and_python(extracted):
    """Every template and module that calls gettext contributes msgids: no directory is skipped."""
    places = {place.split(":")[0] for places in extracted.values() for place in places}
    sources = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "forum").rglob("*.py"))
    skipped = [str(path.relative_to(ROOT)) for path in sources
               if GETTEXT_CALL.search(path.read_text(encoding="utf-8"))
               and str(path.relative_to(ROOT)) not in places]
    assert not skipped, f"files with translatable strings that extraction missed (check babel.cfg and the Makefile): {skipped}"
    assert "Registrieren" in extracted  # lazy_gettext (_l) in forms and gettext in templates
    assert "Bitte prüfe deine Eingaben" in extracted  # templates/_macros/


def test_every_extracted_msgid_has_an_english_translation(extracted, po_catalog):
    missing = []
    for msgid, places in sorted(extracted.items()):
        message = po_catalog.get(msgid)
        if message is None or not _translated(message):
            missing.append(f"  {msgid!r}  ({places[0]})")
    assert not missing, (f"{len(missing)} msgid(s) without a (non-fuzzy) English translation; {HINT}:\n"
                         + "\n".join(missing))


def test_no_fuzzy_or_empty_entries_in_the_catalogue(po_catalog):
    bad = [message.id for message in po_catalog if message.id and not _translated(message)]
    assert not bad, f"fuzzy or untranslated entries in messages.po; {HINT}: {bad}"


def test_plural_entries_keep_their_plural_forms(po_catalog):
    for message in po_catalog:
        if message.id and message.pluralizable:
            assert len(_forms(message.string)) == po_catalog.num_plurals, message.id


def test_placeholders_match(po_catalog):
    mismatched = []
    for message in po_catalog:
        if not message.id:
            continue
        ids = _forms(message.id)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for form in _forms(message.string):
            if form and set(PLACEHOLDER.findall(form)) != wanted:
                mismatched.append(f"  {ids[0]!r} → {form!r}")
    assert not mismatched, "placeholders differ between msgid and translation:\n" + "\n".join(mismatched)


def test_committed_mo_matches_po(po_catalog):
    assert MO.exists(), "messages.mo is missing: run `pybabel compile -d forum/translations`"
    with MO.open("rb") as fh:
        mo_catalog = read_mo(fh)

    def mapping(catalog, *, from_po: bool):
        result = {}
        for message in catalog:
            if not message.id or (from_po and not _translated(message)):
                continue
            key = tuple(_forms(message.id)) if message.pluralizable else message.id
            result[key] = tuple(_forms(message.string)) if message.pluralizable else message.string
        return result

    po_map, mo_map = mapping(po_catalog, from_po=True), mapping(mo_catalog, from_po=False)
    stale = sorted(str(k) for k in po_map.keys() ^ mo_map.keys())
    stale += sorted(str(k) for k in po_map.keys() & mo_map.keys() if po_map[k] != mo_map[k])
    assert not stale, ("messages.mo does not match messages.po; run `pybabel compile -d forum/translations` "
                       f"and commit it: {stale[:20]}")


GERMAN_NAVIGATION = ("Fachbeiräte", "Vorschläge", "Sitzungen", "Anmelden", "Registrieren",
                     "Zum Inhalt springen", "Hauptnavigation")


@pytest.fixture
def english(client):
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 302
    return client


def _assert_no_german_navigation(page: str):
    found = [word for word in GERMAN_NAVIGATION if word in page]
    assert not found, f"German navigation words on an English page: {found}"


def test_english_home_page_is_english(english):
    page = english.get("/").get_data(as_text=True)
    assert 'lang="en"' in page
    for text in ("Register", "Sign in", "Advisory councils", "Proposals", "Meetings", "Skip to content"):
        assert text in page
    _assert_no_german_navigation(page)


def test_english_register_page_is_english(english):
    page = english.get("/register").get_data(as_text=True)
    for text in ("Register", "Email address", "Password (at least 8 characters)", "I am registering as",
                 "Citizen", "Club or association", "Already registered?"):
        assert text in page
    assert "Passwort" not in page and "E-Mail-Adresse" not in page
    _assert_no_german_navigation(page)


def test_english_error_page_is_english(english):
    response = english.get("/gibt-es-nicht")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Not found" in page and "This page does not exist." in page
    _assert_no_german_navigation(page)


def test_german_stays_the_default(client):
    page = client.get("/register").get_data(as_text=True)
    assert 'lang="de"' in page and "Registrieren" in page and "E-Mail-Adresse" in page


def test_gettext_outside_a_request_uses_the_default_language(app):
    """CLI commands and background work translate too: in an app context without a request the
    default language applies (no "working outside of request context"), and the catalogue works."""
    from flask import has_request_context
    from flask_babel import force_locale, gettext

    assert not has_request_context()
    assert gettext("Diese Seite gibt es nicht.") == "Diese Seite gibt es nicht."
    with force_locale("en"):
        assert gettext("Diese Seite gibt es nicht.") == "This page does not exist."


# Messages of domain errors and live-socket failures are translated when they are raised, in the
# language of the person's session.

def test_domain_errors_raised_outside_a_request(app):
    from flask_babel import force_locale

    from forum.errors import Invalid
    from forum.proposals.services import clean_title

    with pytest.raises(Invalid) as raised:
        clean_title("")
    assert (raised.value.code, raised.value.message) == ("title_required", "Bitte gib einen Titel an.")
    with force_locale("en"), pytest.raises(Invalid) as raised:
        clean_title("x" * 300)
    assert (raised.value.code, raised.value.message) == ("too_long", "The title is too long (at most 200 characters).")


def _sign_in_in_english(client, login, user):
    login(user)  # signing in (and out) starts a fresh session: choose the language afterwards
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    return client


def test_english_form_error_from_a_service(client, login, make_user):
    _sign_in_in_english(client, login, make_user())
    response = client.post("/proposals/new", data={"title": "T", "body": "B", "tags": "zu;viel", "publish": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The tag “zu;viel” is invalid (letters, digits and hyphens, at most 40 characters)." in page
    assert "ist ungültig" not in page


def test_english_flash_from_a_service(client, login, make_user, make_council, make_proposal):
    moderator = make_user()
    proposal = make_proposal(council=make_council(moderators=[moderator]))
    _sign_in_in_english(client, login, moderator)
    response = client.post(f"/moderation/proposal/{proposal.id}/restore", data={"reason": "Versehen"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "This post is not hidden." in page and "nicht ausgeblendet" not in page


def test_english_error_page_from_a_service(client, login, make_user, make_council):
    council = make_council(join_policy="request")
    _sign_in_in_english(client, login, make_user())
    response = client.post(f"/councils/{council.slug}/join")
    assert response.status_code == 409
    assert "You join this advisory council by sending a request to join." in response.get_data(as_text=True)


def test_json_api_errors_follow_the_session_language(client, login, make_user):
    """A cookie session set to English gets English error messages; the codes stay the same."""
    user = make_user()
    german_missing = client.get("/api/v1/proposals/999999").get_json()
    assert german_missing == {"error": {"code": "not_found", "message": "Diesen Vorschlag gibt es nicht."}}
    _sign_in_in_english(client, login, user)
    missing = client.get("/api/v1/proposals/999999")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": {"code": "not_found", "message": "This proposal does not exist."}}
    invalid = client.post("/api/v1/proposals", json={"title": "x" * 300, "body": "B"})
    assert invalid.status_code == 422
    assert invalid.get_json()["error"] == {"code": "too_long",
                                           "message": "The field 'title' is too long (at most 200 characters)."}
    bad_sort = client.get("/api/v1/proposals?sort=bunt").get_json()["error"]
    assert bad_sort == {"code": "invalid_sort",
                        "message": "The parameter 'sort' is invalid: must be one of: newest, votes, comments"}


def test_api_token_requests_stay_german(app, make_user, api_token):
    """A bearer-token request carries no session, so its messages are in the default language."""
    headers = api_token(make_user())
    fresh = app.test_client()  # no session cookie at all
    response = fresh.post("/api/v1/proposals", headers=headers, json={"title": "", "body": "B"})
    assert response.status_code == 422
    assert response.get_json()["error"] == {"code": "title_required", "message": "Bitte gib einen Titel an."}


def test_live_socket_failures_follow_the_session_language(app, login, client, make_user, make_council):
    """The acknowledgement of a failed socket event is in the language of the session the socket
    was opened with: both failures the handlers answer themselves and domain errors of the services."""
    from forum.extensions import socketio
    from forum.live.models import MAX_BODY
    from forum.rooms import NAMESPACE

    member = make_user()
    council = make_council(members=[member])
    _sign_in_in_english(client, login, member)
    socket = socketio.test_client(app, namespace=NAMESPACE, flask_test_client=client)
    try:
        assert socket.is_connected(NAMESPACE)
        missing = socket.emit("join", {"room": "council:gibt-es-nicht"}, namespace=NAMESPACE, callback=True)
        assert missing == {"ok": False, "error": {"code": "not_found", "message": "This room does not exist."}}
        too_long = socket.emit("post", {"room": f"council:{council.slug}", "body": "x" * (MAX_BODY + 1)},
                               namespace=NAMESPACE, callback=True)
        assert too_long["error"] == {"code": "too_long",
                                     "message": f"The message is too long (at most {MAX_BODY} characters)."}
        not_an_object = socket.emit("post", "Hallo", namespace=NAMESPACE, callback=True)
        assert not_an_object["error"] == {"code": "bad_request", "message": "The request must be an object."}
    finally:
        socket.disconnect(NAMESPACE)


def test_english_report_page_names_the_kind_of_post(client, login, make_user, make_proposal):
    proposal = make_proposal()
    _sign_in_in_english(client, login, make_user())
    page = client.get(f"/report/proposal/{proposal.id}").get_data(as_text=True)
    assert "<strong>Proposal</strong>" in page and "<strong>Vorschlag</strong>" not in page


@pytest.mark.parametrize("lang", ["de", "en"])
def test_date_filters_match_flask_babel(app, lang):
    """The template date filters parse their patterns once (forum/i18n.py); what they print is
    Flask-Babel's output for every format the templates use, across summer and winter time."""
    from datetime import date, datetime, timedelta

    from flask import session
    from flask_babel import format_date, format_datetime, refresh

    from forum.i18n import dateformat, datetimeformat

    formats = ["medium", "short", "long", "full", "EEE, d. MMM y, HH:mm", "EEEE, d. MMMM y, HH:mm", "HH:mm",
               "dd.MM.yyyy", "dd.MM.yyyy, HH:mm"]
    moments = [datetime(2026, 3, 28, 23, 30) + timedelta(minutes=97 * n) for n in range(60)]
    moments += [datetime(2026, 10, 24, 22, 15) + timedelta(hours=5 * n) for n in range(40)]
    with app.test_request_context("/"):
        session["lang"] = lang
        refresh()
        for moment in moments:
            for fmt in formats:
                assert datetimeformat(moment, fmt) == format_datetime(moment, fmt), (moment, fmt)
            for fmt in ("medium", "short", "long", "yMd"):
                assert dateformat(moment, fmt) == format_date(moment, fmt), (moment, fmt)
                assert dateformat(moment.date(), fmt) == format_date(moment.date(), fmt)
        assert datetimeformat(None) == dateformat(None) == ""
        assert dateformat(date(2026, 12, 24)) == format_date(date(2026, 12, 24))


def test_remembered_date_texts_follow_language_and_zone(app):
    """The filters remember each moment's text per language (and zone): the same moment reads in the
    language of the request that shows it, whoever showed it before."""
    from datetime import datetime

    from flask import session
    from flask_babel import format_datetime, refresh

    from forum.i18n import datetimeformat

    moment = datetime(2026, 7, 1, 10, 0)
    seen = {}
    for lang in ("de", "en", "de"):
        with app.test_request_context("/"):
            session["lang"] = lang
            refresh()
            seen.setdefault(lang, set()).add(datetimeformat(moment, "full"))
            assert datetimeformat(moment, "full") == format_datetime(moment, "full")
    assert seen["de"] != seen["en"] and len(seen["de"]) == 1
    with app.test_request_context("/"):
        assert datetimeformat(moment, "HH:mm") == "12:00"  # stored as UTC, shown in Berlin summer time


def test_label_dicts_resolve_per_language(app):
    """Template label dicts give each language its own strings (resolved once per catalogue)."""
    from flask import session
    from flask_babel import refresh

    from forum.i18n import Labels
    from forum.proposals.lifecycle import STATUS_LABELS

    labels = Labels(STATUS_LABELS)
    with app.test_request_context("/"):
        german = labels["voting"]
        session["lang"] = "en"
        refresh()
        english = labels["voting"]
        assert english == str(STATUS_LABELS["voting"]) and english != german
        assert labels.get("nope") is None and labels.get("voting") == english
