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


# Text as the server takes it, in patterns that mean the same to every regex dialect (explicit
# code points, no `\s`: ECMA's, Python's and Rust's whitespace classes differ).
# Blank is what Python's str.strip()/split() remove — the services trim with them: tab, LF, VT, FF,
# CR, U+001C–U+001F, space, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028/U+2029, U+202F, U+205F, U+3000.
_BLANK = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# One line (forum/validators.py): no control character (Unicode Cc: U+0000–U+001F, U+007F–U+009F) and
# no line or paragraph separator (U+2028/U+2029).
_LINE = r"[^\u0000-\u001f\u007f-\u009f\u2028\u2029]"
_LINE_SHOWN = r"[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"  # not blank
SINGLE_LINE = rf"^{_LINE}*$"
# Markdown text (forum/proposals/services.py clean_body): no control character but tab, LF and CR.
_TEXT = r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]"
_TEXT_SHOWN = r"[^\u0000-\u0020\u007f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
# Free text (minutes): anything but NUL (the API's input plumbing refuses it everywhere).
_FREE_SHOWN = rf"[^\u0000{_BLANK}]"


def line(max_length: int, *, min_length: int = 1, **extra) -> dict:
    """A one-line text that must not be blank (a title, a name): at most max_length characters, and
    at least min_length once trimmed."""
    middle = _LINE + (f"{{{min_length - 2},}}" if min_length > 2 else "*")
    shown = rf"{_LINE_SHOWN}{middle}{_LINE_SHOWN}" if min_length > 1 else _LINE_SHOWN
    return {"type": "string", "minLength": min_length, "maxLength": max_length,
            "pattern": rf"^{_LINE}*{shown}{_LINE}*$", **extra}


def optional_line(max_length: int, **extra) -> dict:
    """A one-line text that may be empty (a place, a mandate)."""
    return {"type": "string", "maxLength": max_length, "pattern": SINGLE_LINE, **extra}


def text(max_length: int, **extra) -> dict:
    """A Markdown text (a body, a comment): 1…max_length characters, not blank."""
    return {"type": "string", "minLength": 1, "maxLength": max_length,
            "pattern": rf"^{_TEXT}*{_TEXT_SHOWN}{_TEXT}*$", **extra}


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
    """Free text that must not be blank (minutes): 1…max_length characters, no NUL, not only what
    str.strip() removes."""
    return {"type": "string", "minLength": 1, "maxLength": max_length,
            "pattern": rf"^[^\u0000]*{_FREE_SHOWN}[^\u0000]*$", **extra}


# A reason (moderation, reports, suspensions; forum/moderation/services.py clean_reason): its
# whitespace runs, line breaks among them, become one space; any other control character is refused.
_REASON = r"[^\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f]"


def reason(max_length: int, *, required: bool = True, **extra) -> dict:
    """A reason as clean_reason takes it; `required`: not blank."""
    if not required:
        return {"type": "string", "maxLength": max_length, "pattern": rf"^{_REASON}*$", **extra}
    return {"type": "string", "minLength": 1, "maxLength": max_length,
            "pattern": rf"^{_REASON}*{_LINE_SHOWN}{_REASON}*$", **extra}


NO_NUL = r"^[^\u0000]*$"
