"""Building blocks for the OpenAPI description (`/api/v1/openapi.json`).

Each API module describes its routes in a `PATHS` dict and its reusable shapes in a `SCHEMAS`
dict (merged into `components.schemas`); these helpers keep those dicts short. They hold plain
data only and import nothing of the forum, so any layer may use them. The API's openapi module
merges everything and adds what every operation shares: operationId, tag, and the error answers
the common plumbing gives (400 malformed input, 401 without sign-in, 404 for unknown ids, 413/422 for bodies).
"""
from __future__ import annotations

STAKEHOLDERS = ["citizen", "business", "research", "culture", "association"]

# Who may call: anyone (a token only changes what is visible) or signed-in people only.
OPTIONAL_AUTH = [{"bearer": []}, {}]
NO_AUTH: list = []


def ref(name: str) -> dict:
    """A reference to a reusable schema in `components.schemas`."""
    return {"$ref": f"#/components/schemas/{name}"}


ERROR = {"$ref": "#/components/responses/Error"}


def errors(*statuses: int | str) -> dict:
    """`{"404": <Error>, …}` for the statuses an operation answers with the error body."""
    return {str(status): ERROR for status in statuses}


def json_response(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def page_of(item_schema: dict, description: str = "A page") -> dict:
    """A paginated list answer: `Page` with typed `items`."""
    return json_response({"allOf": [ref("Page"), {"type": "object", "properties": {
        "items": {"type": "array", "items": item_schema}}}]}, description)


def no_content(description: str) -> dict:
    return {"description": description}


def json_body(schema: dict, *, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def obj(properties: dict, required: list[str] | tuple[str, ...] = (), *, closed: bool = False,
        nullable: bool = False) -> dict:
    """An object schema; `closed` forbids properties not listed (the server refuses them)."""
    schema: dict = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    if nullable:
        schema["nullable"] = True
    return schema


def path_param(name: str, kind: str = "integer") -> dict:
    schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1} if kind == "integer" else \
        {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^[a-z0-9-]+$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def query(name: str, schema: dict, description: str | None = None, *, code: str | None = None) -> dict:
    """A query parameter; a value the schema excludes is a 400 with `code` (default `invalid_parameter`)."""
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    if code:
        param["x-error-code"] = code
    return param


PAGING = [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]


def inline_path_parameters(paths: dict) -> dict:
    """Copy path-level `parameters` into every operation (tools and tests read keys as methods)."""
    for ops in paths.values():
        shared = ops.pop("parameters", [])
        for op in ops.values():
            if shared:
                op["parameters"] = [*shared, *op.get("parameters", [])]
    return paths


# Text as the services accept it (forum/proposals/services.py clean_title / clean_body): no
# control characters but tab and line breaks (none in a line), and not blank.
_LINE = r"[^\u0000-\u0008\u000a-\u000c\u000e-\u001f\u007f]"
_TEXT = r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]"


def line(max_length: int, **extra) -> dict:
    """A one-line text (a title, a name): 1…max_length characters, not blank."""
    return {"type": "string", "minLength": 1, "maxLength": max_length,
            "pattern": rf"^{_LINE}*[^\s\u0000-\u001f\u007f]{_LINE}*$", **extra}


def text(max_length: int, **extra) -> dict:
    """A Markdown text (a body, a comment): 1…max_length characters, not blank."""
    return {"type": "string", "minLength": 1, "maxLength": max_length,
            "pattern": rf"^{_TEXT}*[^\s\u0000-\u001f\u007f]{_TEXT}*$", **extra}


# Shapes several areas use (components.schemas holds them under these names as well; a nullable
# use inlines them, since OpenAPI 3.0 cannot make a `$ref` nullable).
PERSON = obj({"id": {"type": "integer", "nullable": True}, "name": {"type": "string"},
              "stakeholder": {"type": "string", "enum": [*STAKEHOLDERS, None], "nullable": True}},
             ["id", "name", "stakeholder"])
VOTE_COUNTS = obj({c: {"type": "integer", "minimum": 0} for c in ("for", "against", "abstain")},
                  ["for", "against", "abstain"])
VOTES = obj({"for": {"type": "integer"}, "against": {"type": "integer"}, "abstain": {"type": "integer"},
             "total": {"type": "integer"},
             "by_stakeholder": obj({s: ref("VoteCounts") for s in STAKEHOLDERS}, STAKEHOLDERS)},
            ["for", "against", "abstain", "total", "by_stakeholder"])


def nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def nonblank(max_length: int, **extra) -> dict:
    """Free text that must not be blank (a reason): 1…max_length characters, no NUL."""
    return {"type": "string", "minLength": 1, "maxLength": max_length,
            "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$", **extra}


NO_NUL = r"^[^\u0000]*$"
