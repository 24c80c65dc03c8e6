"""The OpenAPI patterns for text say exactly what the server takes (issue 14, item 4): Schemathesis
sends what a pattern allows and expects it accepted, and what it excludes and expects it refused.

Each helper of forum/apidoc.py is compared with the server function it describes, character by
character over the Basic Multilingual Plane's first part (every control character, every kind of
whitespace the services trim) alone and beside ordinary text."""
from __future__ import annotations

import re

import pytest

from forum import apidoc
from forum.errors import Invalid
from forum.moderation.services import clean_reason
from forum.proposals.services import clean_body, clean_title
from forum.validators import is_single_line

CHARS = [chr(c) for c in range(0x3001)] + ["\ufeff", "\U0001f6b2"]
SAMPLES = [s for c in CHARS for s in (c, f"a{c}", f"{c}b", f"a{c}b")]


def _matches(schema: dict, value: str) -> bool:
    """As JSON Schema means it: `pattern` searched, `$` the end of the string (not before a final \\n)."""
    pattern = schema["pattern"]
    pattern = pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern
    return schema.get("minLength", 0) <= len(value) <= schema["maxLength"] and re.search(pattern, value) is not None


def _accepts(clean, value: str) -> bool:
    try:
        clean(value)
    except Invalid:
        return False
    return True


def _disagreements(schema: dict, server) -> list[str]:
    return [repr(s) for s in SAMPLES if _matches(schema, s) != server(s)]


def test_a_line_is_the_single_line_rule_and_not_blank(app):
    with app.test_request_context():
        assert _disagreements(apidoc.line(200), lambda s: _accepts(clean_title, s)) == []


def test_an_optional_line_is_the_single_line_rule():
    assert _disagreements(apidoc.optional_line(300), is_single_line) == []


def test_a_council_name_has_three_characters_once_trimmed():
    schema = apidoc.line(120, min_length=3)
    names = ["ab", " ab ", "a\u3000b", "abc", " a b ", "\u3000abc\u3000", "a\u2028b c", *SAMPLES[:4000]]
    assert [n for n in names if _matches(schema, n) != (is_single_line(n) and len(n.strip()) >= 3)] == []


def test_a_markdown_text_is_what_clean_body_takes(app):
    with app.test_request_context():
        assert _disagreements(apidoc.text(20000), lambda s: _accepts(clean_body, s)) == []


def test_a_reason_is_what_clean_reason_takes(app):
    # NUL never reaches clean_reason over the API: the input plumbing refuses it first
    with app.test_request_context():
        assert _disagreements(apidoc.reason(1000), lambda s: "\x00" not in s and _accepts(clean_reason, s)) == []
        optional = apidoc.reason(1000, required=False)
        assert _disagreements(optional, lambda s: "\x00" not in s and _accepts(
            lambda v: clean_reason(v, required=False), s)) == []


def test_nonblank_means_what_strip_leaves():
    assert _disagreements(apidoc.nonblank(20000), lambda s: "\x00" not in s and s.strip() != "") == []


def _body_fields(document: dict):
    def walk(schema, path):
        while isinstance(schema, dict) and "$ref" in schema:
            _, _, section, name = schema["$ref"].split("/")
            schema = document["components"][section][name]
        if not isinstance(schema, dict):
            return
        if schema.get("type") == "string":
            yield path, schema
        for key, sub in schema.get("properties", {}).items():
            yield from walk(sub, f"{path}.{key}")
        if "items" in schema:
            yield from walk(schema["items"], f"{path}[]")
    for route, ops in document["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                yield from walk(body, f"{method.upper()} {route} ")


SINGLE_LINE_FIELDS = ("title", "name", "mandate", "location", "online_url", "presenter", "label", "organisations[]")


@pytest.mark.parametrize("value", ["a\nb", "a\tb", "a\x85b", "a\u2028b", "a\x7fb", "a\x1fb"])
def test_every_single_line_field_of_the_api_refuses_control_characters(document, value):
    fields = [(path, schema) for path, schema in _body_fields(document)
              if path.rsplit(".", 1)[-1] in SINGLE_LINE_FIELDS and "enum" not in schema]
    assert len(fields) >= 15
    assert [path for path, schema in fields if re.search(schema["pattern"], value)] == []


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()
