"""Single-line fields refuse control characters (issue 13, item 8): a CR/LF in a meeting title or a
council name used to reach a mail's Subject header and make sending raise after the commit."""
import importlib
import inspect
import pkgutil

import pytest
from wtforms import Form, HiddenField, PasswordField, StringField, TextAreaField

import forum
from forum.validators import SingleLine, is_single_line

MEETING = {"title": "Sitzung", "starts_at": "2030-05-04T18:00:00+02:00", "ends_at": "2030-05-04T20:00:00+02:00",
           "location": "Rathaus"}
BAD = ["Sitzung\r\nBcc: alle@example.org", "Sitzung\nzwei", "Tab\there", "Null\x00", "Glocke\x07",
       "Trenner\u2028x", "C1\x85x"]


@pytest.mark.parametrize("value", BAD)
def test_the_rule_finds_every_control_character(value):
    assert not is_single_line(value)


def test_the_rule_keeps_ordinary_text():
    assert is_single_line("Fachbeirat Mobilität – Straße & Co. „ÖPNV“ 🚲")


def _forms():
    for module_info in pkgutil.walk_packages(forum.__path__, "forum."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Form) and cls.__module__ == module.__name__:
                yield cls


def test_every_single_line_form_field_refuses_control_characters(app):
    forms = list(_forms())
    assert len(forms) > 20 and any(f.__name__ == "CriterionRow" for f in forms)
    missing = []
    with app.test_request_context():
        for form_class in forms:
            form = form_class(formdata=None, meta={"csrf": False})
            for field in form:
                # hidden fields are not typed by people; passwords may hold whatever their owner likes
                if isinstance(field, StringField) and not isinstance(field, (TextAreaField, PasswordField, HiddenField)):
                    if not any(isinstance(v, SingleLine) for v in field.validators):
                        missing.append(f"{form_class.__module__}.{form_class.__name__}.{field.name}")
    assert missing == []


def test_meeting_title_with_a_line_break_is_refused_over_the_api(client, api_token, make_user):
    headers = api_token(make_user(role="managing_director"))
    for name in ("title", "location"):
        answer = client.post("/api/v1/meetings", headers=headers, json={**MEETING, name: BAD[0]})
        assert answer.status_code == 422, (name, answer.get_json())
        assert answer.get_json()["error"]["code"] == "invalid_characters"
    made = client.post("/api/v1/meetings", headers=headers, json=MEETING).get_json()
    item = client.post(f"/api/v1/meetings/{made['id']}/items", headers=headers, json={"title": "TOP\r\n1"})
    assert item.status_code == 422
    assert client.patch(f"/api/v1/meetings/{made['id']}", headers=headers, json={"title": "A\nB"}).status_code == 422


def test_council_name_with_a_line_break_is_refused_over_the_api(client, api_token, make_user, make_council):
    headers = api_token(make_user(role="managing_director"))
    for name in ("name", "mandate"):
        answer = client.post("/api/v1/councils", headers=headers, json={
            "name": "Fachbeirat Neu", "description": "", "visibility": "public", name: "Fachbeirat\r\nNeu"})
        assert answer.status_code == 422, answer.get_json()
    council = make_council()
    assert client.patch(f"/api/v1/councils/{council.slug}", headers=headers,
                        json={"name": "Fachbeirat\nX"}).status_code == 422


def test_forms_show_the_error_at_the_field(client, login, make_user):
    login(make_user(role="managing_director"))
    answer = client.post("/councils/new", data={"name": "Fachbeirat\r\nNeu", "mandate": "", "description": "",
                                                "visibility": "public", "join_policy": "open"})
    assert answer.status_code == 422
    assert "Bitte nur eine Zeile ohne Steuerzeichen." in answer.get_data(as_text=True)
    answer = client.post("/meetings/new", data={"title": "Sitzung\r\nBcc: x@example.org", "council": "",
                                                "starts_at": "2030-05-04T18:00", "ends_at": "2030-05-04T20:00",
                                                "location": "Rathaus"})
    assert answer.status_code == 422
    assert "Bitte nur eine Zeile ohne Steuerzeichen." in answer.get_data(as_text=True)


def test_names_of_people_and_organisations_are_single_lines(app, make_user):
    from forum.accounts import services
    from forum.errors import Invalid

    with pytest.raises(Invalid):
        services.register(email="neu@example.org", name="Neu\r\nBcc: x", password="ein-langes-passwort",
                          stakeholder="citizen", organisation=None)
    with pytest.raises(Invalid):
        services.register(email="neu@example.org", name="Neu", password="ein-langes-passwort",
                          stakeholder="business", organisation="Firma\nGmbH")
