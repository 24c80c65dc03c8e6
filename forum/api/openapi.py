"""The OpenAPI 3 description, merged from the PATHS and SCHEMAS of each API module.

What every operation shares is added here, so a new route only describes what is its own:
- `operationId`: the route's endpoint name (`api.list_proposals` → `list_proposals`), unless given;
- `tags`: the module's tag, unless given;
- the error answers of the common plumbing: 400 (malformed query or JSON body), 401 (sign-in
  required: the operation's security has no anonymous alternative), 404 (unknown path ids),
  413 and 422 (request bodies: too large, a field wrong).
tests/api/test_openapi.py keeps it true: every served route is documented, every operation has
its operationId, tag, a schema for each 2xx answer with a body and the error schema on each 4xx;
openapi-spec-validator accepts it; Schemathesis checks the running server against it in CI.
"""
from __future__ import annotations

import copy
import importlib
import re

from flask import current_app, jsonify

from ..apidoc import ERROR, NO_AUTH, NO_NUL, PERSON, VOTE_COUNTS, VOTES, json_response, obj, ref
from ..handlers import allow, anyone
from . import bp
from .helpers import INT_MAX, INT_MIN

# Each module under forum.api that serves routes lists its paths in PATHS (and shapes in SCHEMAS).
MODULES = {
    "accounts": ("Accounts", "Tokens and the signed-in person"),
    "councils": ("Councils", "Topic advisory councils (Fachbeiräte), members and join requests"),
    "proposals": ("Proposals", "Proposals, votes, comments and follows"),
    "meetings": ("Meetings", "Meetings of the forum and its councils, with agendas and minutes"),
    "projects": ("Projects", "The public smart-city project portfolio"),
    "moderation": ("Moderation", "Reports, moderation decisions, suspensions, audit log, data rights"),
    "files": ("Files", "Documents on meetings and their agenda items, attachments of proposals"),
    "notifications": ("Notifications", "Notification settings: in the forum only, mail at once, daily or weekly digest"),
}
METHODS = ("get", "put", "post", "delete", "patch")

COMPONENTS = {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                   "description": "A token from POST /tokens"}},
    "schemas": {
        "Error": obj({"error": obj({"code": {"type": "string", "description": "machine word"},
                                    "message": {"type": "string", "description": "for people, translated"}},
                                   ["code", "message"])}, ["error"]),
        "Page": obj({"items": {"type": "array", "items": {}}, "page": {"type": "integer", "minimum": 1},
                     "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                     "total": {"type": "integer", "minimum": 0}}, ["items", "page", "per_page", "total"]),
        "Person": PERSON,
        "VoteCounts": VOTE_COUNTS,
        "Votes": VOTES,
    },
    "responses": {"Error": {"description": "Error", "content": {"application/json": {"schema": ref("Error")}}}},
    "parameters": {
        "page": {"name": "page", "in": "query", "required": False, "x-error-code": "invalid_pagination",
                 "schema": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}},
        "per_page": {"name": "per_page", "in": "query", "required": False, "x-error-code": "invalid_pagination",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    },
}
OWN_PATHS = {"/openapi.json": {"get": {
    "summary": "This description", "security": NO_AUTH, "operationId": "openapi_json", "tags": ["Meta"],
    "responses": {"200": json_response({"type": "object", "required": ["openapi", "paths"],
                                        "properties": {"openapi": {"type": "string"}}}, "OpenAPI 3 document")},
}}}


def openapi_path(rule: str) -> str:
    """A Flask rule below /api/v1 as an OpenAPI path: `/proposals/<int:proposal_id>` → `/proposals/{proposal_id}`."""
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule[len("/api/v1"):])


def served_operations(app) -> dict[tuple[str, str], str]:
    """(OpenAPI path, method) → endpoint name, for every API route the app serves."""
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                served[(openapi_path(rule.rule), method.lower())] = rule.endpoint
    return served


def _resolve(document: dict, item: dict) -> dict:
    while "$ref" in item:
        _, _, section, name = item["$ref"].split("/")
        item = document["components"][section][name]
    return item


def _input_limits(schema: dict) -> None:
    """What the input plumbing refuses everywhere, said in the schema: free strings never take NUL,
    integers fit a database INTEGER (forum.api.helpers.field)."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
        schema["pattern"] = NO_NUL
    if schema.get("type") == "integer":
        schema.setdefault("minimum", INT_MIN)
        schema.setdefault("maximum", INT_MAX)
    for key in ("properties", "patternProperties"):
        for sub in schema.get(key, {}).values():
            _input_limits(sub)
    for key in ("items", "additionalProperties", "not"):
        _input_limits(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            _input_limits(sub)


def _optional_nullable(document: dict, schema: dict | None) -> None:
    """An optional body field given as null counts as not given (forum.api.helpers.field): say so,
    unless the schema itself says `nullable: false` (the route refuses null there)."""
    schema = _resolve(document, schema) if isinstance(schema, dict) else None
    if not schema or schema.get("type") != "object":
        return
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        if name not in required and "$ref" not in sub:
            sub.setdefault("nullable", True)
            if "enum" in sub and None not in sub["enum"] and sub["nullable"]:
                sub["enum"] = [*sub["enum"], None]
        if isinstance(sub, dict) and sub.get("type") == "array":
            _optional_nullable(document, sub.get("items"))


def _complete(document: dict, path: str, method: str, op: dict, tag: str, endpoint: str | None) -> None:
    """Add what the common plumbing answers and the names every operation needs."""
    if endpoint and "operationId" not in op:
        op["operationId"] = endpoint.rpartition(".")[2]
    op.setdefault("tags", [tag])
    responses = op.setdefault("responses", {})
    parameters = [_resolve(document, p) for p in op.get("parameters", [])]
    security = op.get("security", document["security"])
    generic = []
    if any(p["in"] == "query" for p in parameters) or "requestBody" in op:
        generic.append("400")
    if {} not in security and security:
        generic.append("401")
    if any(p["in"] == "path" for p in parameters):
        generic.append("404")
    if "requestBody" in op:
        generic += ["413", "422"]
    for status in generic:
        responses.setdefault(status, ERROR)
    rules = op.get("x-unprocessable")
    if rules:
        # Rules a JSON Schema cannot state: a request that fits the schema may still be 422.
        responses.setdefault("422", ERROR)
        op["description"] = (op.get("description", "") + f" 422 also for {rules}.").strip()
    for parameter in op.get("parameters", []):
        _input_limits(parameter.get("schema"))
    for media in op.get("requestBody", {}).get("content", {}).values():
        # Its own copy: operations share property dicts, and what is optional differs between them.
        media["schema"] = copy.deepcopy(_resolve(document, media.get("schema", {})))
        _input_limits(media["schema"])
        _optional_nullable(document, media["schema"])


def build(app) -> dict:
    """The whole document for `app` (its routes name the operations)."""
    paths: dict = copy.deepcopy(OWN_PATHS)
    components = copy.deepcopy(COMPONENTS)
    tags = [{"name": name, "description": text} for name, text in MODULES.values()]
    tags.append({"name": "Meta", "description": "This description"})
    module_of_path: dict[tuple[str, str], str] = {}
    for module_name, (tag, _text) in MODULES.items():
        module = importlib.import_module(f"forum.api.{module_name}")
        for path, ops in copy.deepcopy(module.PATHS).items():
            paths.setdefault(path, {}).update(ops)
            for method in ops:
                module_of_path[(path, method)] = tag
        components["schemas"].update(copy.deepcopy(getattr(module, "SCHEMAS", {})))
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Smart-City-Forum API", "version": "1",
                 "description": "JSON API of the Smart-City-Forum. Errors: a 4xx/5xx status with "
                                "`{\"error\": {\"code\", \"message\"}}`. Lists: `page`, `per_page` (1–100)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "tags": tags,
        "paths": paths,
        "components": components,
    }
    served = served_operations(app)
    for path, ops in paths.items():
        for method, op in ops.items():
            if method in METHODS:
                _complete(document, path, method, op, module_of_path.get((path, method), "Meta"),
                          served.get((path, method)))
    return document


def spec() -> dict:
    """The document for the current app, built once per app (routes and PATHS do not change)."""
    cached = current_app.extensions.get("forum_openapi")
    if cached is None:
        cached = current_app.extensions["forum_openapi"] = build(current_app)
    return cached


def operation(path: str, method: str) -> dict | None:
    """The documented operation for an OpenAPI path and method, with its parameters resolved."""
    document = spec()
    op = document["paths"].get(path, {}).get(method.lower())
    if op is None:
        return None
    return {**op, "parameters": [_resolve(document, p) for p in op.get("parameters", [])]}


@bp.get("/openapi.json")
@allow(anyone)
def openapi_json():
    return jsonify(spec())
