"""The OpenAPI description at /api/v1/openapi.json is valid, complete and true.

`problems()` is the completeness rule every API route must pass: served and documented alike,
with operationId, tag and summary, a JSON schema for each 2xx answer with a body, the error schema
on each 4xx, and the statuses the common plumbing answers. A route added without them fails
test_the_document_has_no_problems. Schemathesis checks the running server against the document in
CI (tests/conformance/run_schemathesis.py)."""
from __future__ import annotations

import copy

import pytest
from openapi_spec_validator import validate

from forum.api.openapi import build, served_operations

METHODS = ("get", "put", "post", "delete", "patch")
ERROR_REF = "#/components/schemas/Error"


def _resolve(document: dict, item: dict) -> dict:
    while isinstance(item, dict) and "$ref" in item:
        _, _, section, name = item["$ref"].split("/")
        item = document["components"][section][name]
    return item


def problems(app, document: dict) -> list[str]:
    """Everything that keeps `document` from describing `app`'s API completely."""
    found = []
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops if method in METHODS}
    served = set(served_operations(app))
    found += [f"{m.upper()} {p}: served but not documented" for p, m in sorted(served - documented)]
    found += [f"{m.upper()} {p}: documented but not served" for p, m in sorted(documented - served)]
    tags = {tag["name"] for tag in document.get("tags", [])}
    operation_ids = []
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            operation_ids.append(op.get("operationId"))
            if not op.get("operationId"):
                found.append(f"{where}: no operationId")
            if not op.get("tags") or not set(op["tags"]) <= tags:
                found.append(f"{where}: no tag, or one not listed in `tags`")
            if not op.get("summary"):
                found.append(f"{where}: no summary")
            responses = op.get("responses", {})
            if not any(status.startswith("2") for status in responses):
                found.append(f"{where}: no 2xx answer")
            for status, response in responses.items():
                response = _resolve(document, response)
                content = response.get("content", {})
                if status.startswith("2") and status != "204":
                    schema = content.get("application/json", {}).get("schema")
                    if not schema:
                        found.append(f"{where}: {status} without a JSON schema")
                if status.startswith("4"):
                    schema = content.get("application/json", {}).get("schema", {})
                    if schema.get("$ref") != ERROR_REF:
                        found.append(f"{where}: {status} without the Error schema")
            parameters = [_resolve(document, p) for p in op.get("parameters", [])]
            security = op.get("security", document.get("security", []))
            expected = set()
            if security and {} not in security:
                expected.add("401")
            if any(p["in"] == "path" for p in parameters):
                expected.add("404")
            if any(p["in"] == "query" for p in parameters):
                expected.add("400")
            if "requestBody" in op:
                expected |= {"400", "413", "422"}
            if op.get("x-unprocessable"):
                expected.add("422")
            missing = expected - set(responses)
            if missing:
                found.append(f"{where}: does not document {', '.join(sorted(missing))}")
    duplicates = {i for i in operation_ids if i and operation_ids.count(i) > 1}
    found += [f"operationId {i} used more than once" for i in sorted(duplicates)]
    return found


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi(document):
    validate(document)  # openapi-spec-validator: raises on any error
    assert document["openapi"].startswith("3.")


def test_the_document_has_no_problems(app, document):
    assert problems(app, document) == []


def test_reusable_schemas_are_components(document):
    schemas = document["components"]["schemas"]
    for name in ("Error", "Page", "Person", "Votes", "Proposal", "Comment", "Council", "CouncilSummary", "Member",
                 "JoinRequest", "Meeting", "AgendaItem", "Project", "Me", "Token", "Report", "Suspension",
                 "AuditEntry"):
        assert name in schemas, name
    detail = document["paths"]["/proposals/{proposal_id}"]["get"]["responses"]["200"]
    assert detail["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Proposal"}


def test_an_undocumented_route_is_a_problem(app_factory, document):
    """The rule above can fail: a route nobody described is named."""
    other = app_factory()
    other.add_url_rule("/api/v1/neu", "api.new_thing", lambda: "", methods=["GET"])
    assert problems(other, document) == ["GET /neu: served but not documented"]


def test_an_incomplete_operation_is_a_problem(app, document):
    broken = copy.deepcopy(document)
    op = broken["paths"]["/proposals"]["post"]
    op["responses"]["201"] = {"description": "no schema"}
    op["responses"]["403"] = {"description": "no error body"}
    del op["responses"]["413"], op["tags"], op["operationId"]
    assert sorted(problems(app, broken)) == sorted([
        "POST /proposals: no operationId", "POST /proposals: no tag, or one not listed in `tags`",
        "POST /proposals: 201 without a JSON schema", "POST /proposals: 403 without the Error schema",
        "POST /proposals: does not document 413"])


def test_operation_ids_name_the_routes(app, document):
    served = served_operations(app)
    for (path, method), endpoint in served.items():
        assert document["paths"][path][method]["operationId"] == endpoint.rpartition(".")[2]


def test_sign_in_is_documented_where_it_is_required(client, document):
    """An operation without an anonymous alternative in its security answers 401 without a token."""
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            security = op.get("security", document["security"])
            if "{" in path or not security or {} in security:
                continue
            response = client.open("/api/v1" + path, method=method.upper(), json={})
            assert response.status_code == 401, f"{method.upper()} {path}"


def test_the_document_is_built_once_per_app(app, client):
    with app.test_request_context():
        from forum.api.openapi import spec

        assert spec() is spec()
        assert build(app) == spec()


@pytest.mark.parametrize("query, parameter, code", [
    ("per_page=0", "per_page", "invalid_pagination"), ("per_page=101", "per_page", "invalid_pagination"),
    ("page=0", "page", "invalid_pagination"), ("page=abc", "page", "invalid_pagination"),
    ("per_page=1&per_page=2", "per_page", "invalid_pagination"), ("status=unsinn", "status", "invalid_status"),
    ("sort=alt", "sort", "invalid_sort"), ("q=" + "x" * 201, "q", "invalid_query"), ("tag=a%00b", "tag", "invalid_filter"),
])
def test_query_parameters_are_checked_against_the_document(client, query, parameter, code):
    response = client.get(f"/api/v1/proposals?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code and f"'{parameter}'" in error["message"]


def test_a_parameter_without_its_own_code_is_an_invalid_parameter(client, make_user, api_token):
    response = client.get("/api/v1/audit?target_type=" + "x" * 81, headers=api_token(make_user(role="admin")))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_parameter"


def test_documented_bounds_let_valid_queries_through(client):
    assert client.get("/api/v1/proposals?per_page=100&page=1&status=voting&unbekannt=egal").status_code == 200
    assert client.get("/api/v1/audit?from=2026-13-01", headers={}).status_code in (400, 401)


def test_ids_beyond_the_database_range_are_not_found_not_errors(client, make_user, api_token):
    assert client.get("/api/v1/proposals/99999999999").status_code == 404
    assert client.get("/api/v1/councils/NICHT%20so").status_code == 404
    headers = api_token(make_user())
    answer = client.post("/api/v1/reports", json={"target": "proposal", "id": 2**70, "reason": "x"}, headers=headers)
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid_field"


def test_unprocessable_rules_are_stated(document):
    op = document["paths"]["/meetings"]["post"]
    assert op["x-unprocessable"] and "422 also for" in op["description"] and "422" in op["responses"]
