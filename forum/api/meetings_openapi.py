"""OpenAPI description of /api/v1/meetings… (merged into /api/v1/openapi.json via meetings.PATHS beside it)."""
from __future__ import annotations

from ..apidoc import (OPTIONAL_AUTH, PAGING, errors, json_response, line, no_content, nonblank, obj, optional_line,
                      path_param, query, ref)

ERR = {"$ref": "#/components/responses/Error"}
TIME_NOTE = ("ISO 8601 date-time WITH an offset or Z, e.g. 2026-05-04T18:00:00+02:00. A time without an "
             "offset is refused with 422 `missing_offset` (never guessed). Answers are in UTC (Z); the forum's "
             "time zone is Europe/Berlin.")
STATUS = {"type": "string", "enum": ["draft", "published", "live", "ended", "cancelled"],
          "description": "draft → published → live → ended; published or live → cancelled (kept, with "
                         "STATUS:CANCELLED in the calendars)."}
TIME = {"type": "string", "format": "date-time"}
NTIME = {"type": "string", "format": "date-time", "nullable": True}
ID = path_param("meeting_id")
ITEM_ID = path_param("item_id")

ITEM = {"type": "object", "required": ["id", "position", "title", "duration_minutes", "proposal_ids"], "properties": {
    "id": {"type": "integer"}, "position": {"type": "integer", "minimum": 1}, "title": {"type": "string"},
    "description_html": {"type": "string"}, "duration_minutes": {"type": "integer", "nullable": True},
    "presenter": {"type": "string", "nullable": True},
    "proposal_ids": {"type": "array", "items": {"type": "integer"},
                     "description": "Only the linked proposals the caller may see."},
    "outcome_html": {"type": "string", "nullable": True}, "started_at": NTIME}}

MEETING = {"type": "object", "required": ["id", "title", "status", "items", "current_item_id"], "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "description_html": {"type": "string"},
    "kind": {"type": "string", "enum": ["forum", "council"]},
    "council": {"type": "object", "nullable": True, "properties": {"slug": {"type": "string"},
                                                                    "name": {"type": "string"}}},
    "starts_at": TIME, "ends_at": TIME, "location": {"type": "string"},
    "online_url": {"type": "string", "nullable": True}, "status": STATUS,
    "current_item_id": {"type": "integer", "nullable": True}, "current_item_started_at": NTIME,
    "sequence": {"type": "integer", "description": "Raised with every revision after publishing (iCal SEQUENCE)."},
    "followers_count": {"type": "integer"}, "published_at": NTIME, "updated_at": TIME,
    "url": {"type": "string"}, "ics_url": {"type": "string"},
    "items": {"type": "array", "items": ref("AgendaItem")},
    "minutes": {"type": "object", "nullable": True, "properties": {
        "html": {"type": "string"}, "attendance_count": {"type": "integer", "nullable": True},
        "organisations": {"type": "array", "items": {"type": "string"}}, "published_at": TIME}},
    "files": {"type": "array", "items": ref("File"),
              "description": "Its documents; `agenda_item_id` names the TOP a document belongs to."},
    "revisions": {"type": "array", "description": "Single meeting only: changes after publishing, newest first.",
                  "items": {"type": "object", "properties": {
                      "summary": {"type": "string", "description": "What changed, in the caller's language "
                                  "(their account's, else the session's or Accept-Language; German by default)."},
                      "created_at": TIME}}}}}

ITEM_INPUT = {"type": "object", "required": ["title"], "additionalProperties": False, "properties": {
    "title": line(200, nullable=False), "description": {"type": "string", "maxLength": 20000},
    "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 600, "nullable": True},
    "presenter": optional_line(200, nullable=True),
    "proposal_ids": {"type": "array", "maxItems": 20, "items": {"type": "integer"},
                     "description": "Only proposals the caller may see; any other id is a 422 `unknown_proposal`."}}}

MEETING_INPUT_PROPS = {
    "title": line(200, nullable=False),
    "starts_at": {"type": "string", "format": "date-time", "description": TIME_NOTE, "nullable": False},
    "ends_at": {"type": "string", "format": "date-time", "description": TIME_NOTE, "nullable": False},
    "location": optional_line(300, description="May be empty when online_url is given."),
    "online_url": optional_line(500, nullable=True, description="http(s) only."),
    "description": {"type": "string", "maxLength": 20000, "description": "Markdown."}}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _meeting_answer(description: str) -> dict:
    return json_response(ref("Meeting"), description)


TIMES_RULES = ("times that do not fit together (the end after the start, years 1901–2199), neither a place "
               "nor an http(s) online link")
LINK_RULES = "linked `proposal_ids` that do not exist or are not visible to the caller"


def _write(summary: str, *, body: dict | None = None, ok: str = "200", params=(ID,), extra=(),
           unprocessable: str | None = None) -> dict:
    op = {"summary": summary, "parameters": list(params),
          "responses": {ok: _meeting_answer("The meeting as it is now"), **errors(403, 409, 422)}}
    if unprocessable:
        op["x-unprocessable"] = unprocessable
    if body is not None:
        op["requestBody"] = _body(body)
    for code in extra:
        op["responses"][code] = ERR
    return op


FOLLOWING = obj({"following": {"type": "boolean"}}, ["following"])
SCHEMAS = {"Meeting": MEETING, "AgendaItem": ITEM}

PATHS = {
    "/meetings": {
        "get": {
            "summary": "Published meetings the caller may see (a private council's only for its members)",
            "security": OPTIONAL_AUTH,
            "parameters": [
                *PAGING,
                query("council", {"type": "string", "maxLength": 80}, "Council slug (404 if not visible)."),
                query("status", STATUS, "Default: all but drafts. `draft` lists the drafts the caller may edit.",
                      code="invalid_status"),
                query("upcoming", {"type": "string", "enum": ["true", "false"]},
                      "true: not yet over, soonest first; false: over, latest first. Default: all, latest first.",
                      code="invalid_filter")],
            "responses": {"200": {"description": "A page of meetings", "content": {"application/json": {"schema": {
                "allOf": [{"$ref": "#/components/schemas/Page"},
                          {"type": "object", "properties": {"items": {"type": "array", "items": ref("Meeting")}}}]}}}},
                **errors(404)}},
        "post": {
            "summary": "Create a draft meeting (managing director; for a council also its moderators)",
            "description": "Without `council` the meeting belongs to the Smart-City-Forum (public). " + TIME_NOTE,
            "requestBody": _body({"type": "object", "required": ["title", "starts_at", "ends_at", "location"],
                                  "additionalProperties": False, "properties": {
                                      **MEETING_INPUT_PROPS,
                                      "council": {"type": "string", "nullable": True, "description": "Council slug."},
                                      "items": {"type": "array", "maxItems": 50, "items": ITEM_INPUT}}}),
            "x-unprocessable": f"{TIMES_RULES}; {LINK_RULES}",
            "responses": {"201": _meeting_answer("The new draft (status `draft`)"), **errors(403, 404, 409)}},
    },
    "/meetings/{meeting_id}": {
        "get": {"summary": "One meeting with agenda and revisions (drafts only for their editors)",
                "security": OPTIONAL_AUTH, "parameters": [ID],
                "responses": {"200": _meeting_answer("The meeting")}},
        "patch": _write("Change details; after publishing kept as a revision, followers notified (managing director; "
                        "council moderators while draft)",
                        body={"type": "object", "additionalProperties": False, "properties": MEETING_INPUT_PROPS},
                        unprocessable=TIMES_RULES),
        "delete": {"summary": "Delete a draft (409 once published: cancel instead)", "parameters": [ID],
                   "responses": {"204": no_content("Deleted"), **errors(403, 409)}},
    },
    "/meetings/{meeting_id}/publish": {"post": {
        **_write("Publish the agenda (managing director): members concerned are notified in-app and by e-mail",
                 unprocessable="an empty agenda"),
        "responses": {"200": {"description": "Published; `notified` is how many people were told",
                              "content": {"application/json": {"schema": {"allOf": [ref("Meeting"), {
                                  "type": "object", "properties": {"notified": {"type": "integer"}}}]}}}},
                      **errors(403, 409, 422)}}},
    "/meetings/{meeting_id}/cancel": {"post": _write("Cancel a published or live meeting (managing director)")},
    "/meetings/{meeting_id}/end": {"post": _write("End a published or live meeting (managing director); "
                                                  "`agenda` event with current_item_id null")},
    "/meetings/{meeting_id}/current-item": {"put": _write(
        "Move the current agenda item (managing director): the meeting is live and every client in "
        "meeting:<id> gets an `agenda` event {meeting_id, current_item_id, status}",
        body={"type": "object", "required": ["item_id"], "additionalProperties": False,
              "properties": {"item_id": {"type": "integer"}}},
        unprocessable="an `item_id` that is not on this meeting's agenda")},
    "/meetings/{meeting_id}/items": {"post": _write(
        "Add a TOP (at `position`, default last); a revision once published",
        body={**ITEM_INPUT, "properties": {**ITEM_INPUT["properties"], "position": {"type": "integer", "minimum": 1}}},
        ok="201", unprocessable=f"{LINK_RULES}; a full agenda (50 items)")},
    "/meetings/{meeting_id}/items/{item_id}": {
        "patch": _write("Change a TOP; only the given fields change", params=(ID, ITEM_ID),
                        body={**{key: value for key, value in ITEM_INPUT.items() if key != "required"},
                              "minProperties": 1}, unprocessable=LINK_RULES),
        "delete": _write("Remove a TOP; the ones after it move up", params=(ID, ITEM_ID))},
    "/meetings/{meeting_id}/items/order": {"put": _write(
        "Reorder the TOPs: `item_ids` names every item once",
        body={"type": "object", "required": ["item_ids"], "additionalProperties": False,
              "properties": {"item_ids": {"type": "array", "items": {"type": "integer"}}}},
        unprocessable="`item_ids` that do not name every item of the agenda exactly once")},
    "/meetings/{meeting_id}/minutes": {"put": _write(
        "Publish or correct the minutes (managing director); a published or live meeting ends",
        body={"type": "object", "required": ["minutes"], "additionalProperties": False, "properties": {
            "minutes": nonblank(20000, description="Markdown."),
            "attendance_count": {"type": "integer", "minimum": 0, "maximum": 100000, "nullable": True},
            "organisations": {"type": "array", "maxItems": 200, "items": optional_line(200)},
            "outcomes": {"type": "array", "items": {"type": "object", "required": ["item_id", "outcome"], "properties": {
                "item_id": {"type": "integer"},
                "outcome": {"type": "string", "maxLength": 20000, "description": "Markdown."}}}}}},
        unprocessable="an outcome for an `item_id` that is not on this meeting's agenda")},
    "/meetings/{meeting_id}/follow": {
        "put": {"summary": "Follow a published meeting: be told about every revision", "parameters": [ID],
                "responses": {"200": json_response(FOLLOWING, "Following"), **errors(403)}},
        "delete": {"summary": "Stop following", "parameters": [ID],
                   "responses": {"200": json_response(FOLLOWING, "Not following")}}},
}
