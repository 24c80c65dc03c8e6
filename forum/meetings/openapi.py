"""OpenAPI description of /api/v1/meetings… (merged into /api/v1/openapi.json via forum.api.meetings.PATHS)."""
from __future__ import annotations

ERR = {"$ref": "#/components/responses/Error"}
TIME_NOTE = ("ISO 8601 date-time WITH an offset or Z, e.g. 2026-05-04T18:00:00+02:00. A time without an "
             "offset is refused with 422 `missing_offset` (never guessed). Answers are in UTC (Z); the forum's "
             "time zone is Europe/Berlin.")
STATUS = {"type": "string", "enum": ["draft", "published", "live", "ended", "cancelled"],
          "description": "draft → published → live → ended; published or live → cancelled (kept, with "
                         "STATUS:CANCELLED in the calendars)."}
TIME = {"type": "string", "format": "date-time"}
NTIME = {"type": "string", "format": "date-time", "nullable": True}
ID = {"name": "meeting_id", "in": "path", "required": True, "schema": {"type": "integer"}}
ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}

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
    "items": {"type": "array", "items": ITEM},
    "minutes": {"type": "object", "nullable": True, "properties": {
        "html": {"type": "string"}, "attendance_count": {"type": "integer", "nullable": True},
        "organisations": {"type": "array", "items": {"type": "string"}}, "published_at": TIME}},
    "revisions": {"type": "array", "description": "Single meeting only: changes after publishing, newest first.",
                  "items": {"type": "object", "properties": {"summary": {"type": "string"}, "created_at": TIME}}}}}

ITEM_INPUT = {"type": "object", "required": ["title"], "additionalProperties": False, "properties": {
    "title": {"type": "string", "maxLength": 200}, "description": {"type": "string", "maxLength": 20000},
    "duration_minutes": {"type": "integer", "minimum": 1, "maximum": 600, "nullable": True},
    "presenter": {"type": "string", "maxLength": 200, "nullable": True},
    "proposal_ids": {"type": "array", "maxItems": 20, "items": {"type": "integer"},
                     "description": "Only proposals the caller may see; any other id is a 422 `unknown_proposal`."}}}

MEETING_INPUT_PROPS = {
    "title": {"type": "string", "maxLength": 200},
    "starts_at": {"type": "string", "format": "date-time", "description": TIME_NOTE},
    "ends_at": {"type": "string", "format": "date-time", "description": TIME_NOTE},
    "location": {"type": "string", "maxLength": 300, "description": "May be empty when online_url is given."},
    "online_url": {"type": "string", "maxLength": 500, "nullable": True, "description": "http(s) only."},
    "description": {"type": "string", "maxLength": 20000, "description": "Markdown."}}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _meeting_answer(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": MEETING}}}


def _write(summary: str, *, body: dict | None = None, ok: str = "200", params=(ID,), extra=()) -> dict:
    op = {"summary": summary, "parameters": list(params),
          "responses": {ok: _meeting_answer("The meeting as it is now"), "401": ERR, "403": ERR, "404": ERR,
                        "409": ERR, "422": ERR}}
    if body is not None:
        op["requestBody"] = _body(body)
    for code in extra:
        op["responses"][code] = ERR
    return op


PATHS = {
    "/meetings": {
        "get": {
            "summary": "Published meetings the caller may see (a private council's only for its members)",
            "security": [{"bearer": []}, {}],
            "parameters": [
                {"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"},
                {"name": "council", "in": "query", "schema": {"type": "string"}, "description": "Council slug (404 if not visible)."},
                {"name": "status", "in": "query", "schema": STATUS,
                 "description": "Default: all but drafts. `draft` lists the drafts the caller may edit."},
                {"name": "upcoming", "in": "query", "schema": {"type": "string", "enum": ["true", "false"]},
                 "description": "true: not yet over, soonest first; false: over, latest first. Default: all, latest first."}],
            "responses": {"200": {"description": "A page of meetings", "content": {"application/json": {"schema": {
                "allOf": [{"$ref": "#/components/schemas/Page"},
                          {"type": "object", "properties": {"items": {"type": "array", "items": MEETING}}}]}}}},
                "400": ERR, "404": ERR}},
        "post": {
            "summary": "Create a draft meeting (managing director; for a council also its moderators)",
            "description": "Without `council` the meeting belongs to the Smart-City-Forum (public). " + TIME_NOTE,
            "requestBody": _body({"type": "object", "required": ["title", "starts_at", "ends_at", "location"],
                                  "additionalProperties": False, "properties": {
                                      **MEETING_INPUT_PROPS,
                                      "council": {"type": "string", "nullable": True, "description": "Council slug."},
                                      "items": {"type": "array", "maxItems": 50, "items": ITEM_INPUT}}}),
            "responses": {"201": _meeting_answer("The new draft (status `draft`)"), "400": ERR, "401": ERR,
                          "403": ERR, "404": ERR, "409": ERR, "422": ERR}},
    },
    "/meetings/{meeting_id}": {
        "get": {"summary": "One meeting with agenda and revisions (drafts only for their editors)",
                "security": [{"bearer": []}, {}], "parameters": [ID],
                "responses": {"200": _meeting_answer("The meeting"), "404": ERR}},
        "patch": _write("Change details; after publishing kept as a revision, followers notified (managing director; "
                        "council moderators while draft)",
                        body={"type": "object", "additionalProperties": False, "properties": MEETING_INPUT_PROPS}),
        "delete": {"summary": "Delete a draft (409 once published: cancel instead)", "parameters": [ID],
                   "responses": {"204": {"description": "Deleted"}, "401": ERR, "403": ERR, "404": ERR, "409": ERR}},
    },
    "/meetings/{meeting_id}/publish": {"post": {
        **_write("Publish the agenda (managing director): members concerned are notified in-app and by e-mail"),
        "responses": {"200": {"description": "Published; `notified` is how many people were told",
                              "content": {"application/json": {"schema": {"allOf": [MEETING, {
                                  "type": "object", "properties": {"notified": {"type": "integer"}}}]}}}},
                      "401": ERR, "403": ERR, "404": ERR, "409": ERR, "422": ERR}}},
    "/meetings/{meeting_id}/cancel": {"post": _write("Cancel a published or live meeting (managing director)")},
    "/meetings/{meeting_id}/end": {"post": _write("End a published or live meeting (managing director); "
                                                  "`agenda` event with current_item_id null")},
    "/meetings/{meeting_id}/current-item": {"put": _write(
        "Move the current agenda item (managing director): the meeting is live and every client in "
        "meeting:<id> gets an `agenda` event {meeting_id, current_item_id}",
        body={"type": "object", "required": ["item_id"], "additionalProperties": False,
              "properties": {"item_id": {"type": "integer"}}})},
    "/meetings/{meeting_id}/items": {"post": _write(
        "Add a TOP (at `position`, default last); a revision once published",
        body={**ITEM_INPUT, "properties": {**ITEM_INPUT["properties"], "position": {"type": "integer", "minimum": 1}}},
        ok="201")},
    "/meetings/{meeting_id}/items/{item_id}": {
        "patch": _write("Change a TOP; only the given fields change", params=(ID, ITEM_ID),
                        body={**ITEM_INPUT, "required": []}),
        "delete": _write("Remove a TOP; the ones after it move up", params=(ID, ITEM_ID))},
    "/meetings/{meeting_id}/items/order": {"put": _write(
        "Reorder the TOPs: `item_ids` names every item once",
        body={"type": "object", "required": ["item_ids"], "additionalProperties": False,
              "properties": {"item_ids": {"type": "array", "items": {"type": "integer"}}}})},
    "/meetings/{meeting_id}/minutes": {"put": _write(
        "Publish or correct the minutes (managing director); a published or live meeting ends",
        body={"type": "object", "required": ["minutes"], "additionalProperties": False, "properties": {
            "minutes": {"type": "string", "maxLength": 20000, "description": "Markdown."},
            "attendance_count": {"type": "integer", "minimum": 0, "nullable": True},
            "organisations": {"type": "array", "items": {"type": "string", "maxLength": 200}},
            "outcomes": {"type": "array", "items": {"type": "object", "required": ["item_id", "outcome"], "properties": {
                "item_id": {"type": "integer"}, "outcome": {"type": "string", "description": "Markdown."}}}}}})},
    "/meetings/{meeting_id}/follow": {
        "put": {"summary": "Follow a published meeting: be told about every revision", "parameters": [ID],
                "responses": {"200": {"description": "Following", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"following": {"type": "boolean"}}}}}},
                    "401": ERR, "403": ERR, "404": ERR}},
        "delete": {"summary": "Stop following", "parameters": [ID],
                   "responses": {"200": {"description": "Not following"}, "401": ERR, "404": ERR}}},
}
